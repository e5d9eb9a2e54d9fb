package io.loglane.inputs.container;

import io.loglane.core.config.ConfigKey;
import io.loglane.core.config.InputKeys;
import io.loglane.inputs.tail.TailKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The keys of {@code type: docker} and {@code type: cri}: the tail's own keys ({@link TailKeys},
 * the one declaration of their bounds), with {@code paths} defaulting to where the runtime keeps
 * its logs, {@code tag} derived from the container unless written, and the read block at least
 * {@link #blockFor} the longest line.
 *
 * <p>Thread-safety: immutable.
 */
public final class ContainerKeys implements InputKeys {
    /** Docker's json-file logs. */
    public static final ContainerKeys DOCKER = new ContainerKeys("docker", "/var/lib/docker/containers/*/*-json.log",
            "Docker json-file logs (container stdout and stderr, name, image and labels)",
            "docker.<container name, or the id's first 12 characters>");
    /** Kubernetes CRI logs. */
    public static final ContainerKeys CRI = new ContainerKeys("cri", "/var/log/pods/*/*/*.log",
            "Kubernetes CRI logs (containerd, CRI-O: pod container stdout and stderr with namespace, pod and container)",
            "kube.<namespace>.<pod>.<container>");

    private final String type;
    private final String summary;
    private final List<ConfigKey> keys;

    private ContainerKeys(String type, String defaultPaths, String summary, String defaultTag) {
        this.type = type;
        this.summary = type + " (" + summary + ")";
        String from = "inputs[" + TailKeys.INSTANCE.type() + "].";
        String to = "inputs[" + type + "].";
        List<ConfigKey> ks = new ArrayList<>();
        for (ConfigKey k : TailKeys.INSTANCE.keys()) {
            String name = k.path().substring(from.length());
            ConfigKey c = switch (name) {
                case "paths" -> new ConfigKey(to + name, k.type(), defaultPaths, "Absolute globs of the runtime's log files (*, ?, [..], {a,b}, **);"
                        + " symlinks are followed, rotated files (name + suffix) read to their end.", k.bounds(), k.choices());
                case "tag" -> new ConfigKey(to + name, k.type(), null, "Tag of the events; by default " + defaultTag + ".", k.bounds(), k.choices());
                // a file line holds one 16 KiB part at most (Docker's split) plus its JSON or CRI prefix: a smaller
                // limit would cut every part of a long line
                case "max_line_bytes" -> new ConfigKey(to + name, k.type(), k.defaultText(), "Longest message stored whole (its parts joined);"
                        + " a longer one is cut there and stored with truncated: true.", new ConfigKey.Bounds(64 * 1024, k.bounds().max()), k.choices());
                case "read_block_bytes" -> new ConfigKey(to + name, k.type(), k.defaultText(), "Bytes read from a file at once: at most one batch"
                        + " of lines, and the most a split line's parts are joined within (at least 2 * max_line_bytes + 64KiB).", k.bounds(), k.choices());
                case "partial_flush" -> new ConfigKey(to + name, k.type(), k.defaultText(), "The first parts of a split line (or a last line"
                        + " without its newline) are stored as they are once the file has not grown for this long.", k.bounds(), k.choices());
                default -> new ConfigKey(to + name, k.type(), k.defaultText(), k.doc(), k.bounds(), k.choices());
            };
            ks.add(c);
        }
        this.keys = List.copyOf(ks);
    }

    @Override public String type() { return type; }

    @Override public String summary() { return summary; }

    @Override public List<ConfigKey> keys() { return keys; }

    @Override public String portKey() { return null; }

    @Override public boolean listens() { return false; }

    @Override
    public void complete(Map<String, Object> options, Set<String> written, Problems problems) {
        TailKeys.INSTANCE.complete(options, written, problems);
        Object max = options.get("max_line_bytes");
        if (max instanceof Long m && (Long) options.get("read_block_bytes") < blockFor(m)) {
            options.put("read_block_bytes", blockFor(m));
        }
    }

    /**
     * The smallest read block for {@code maxLineBytes}: a line's parts are joined within one
     * block, and their encoding (Docker's JSON escapes, CRI's prefixes) is longer than the line.
     */
    static long blockFor(long maxLineBytes) {
        return 2 * maxLineBytes + 64 * 1024;
    }
}
