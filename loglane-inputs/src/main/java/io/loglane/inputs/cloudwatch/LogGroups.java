package io.loglane.inputs.cloudwatch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.loglane.stream.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The log groups and log streams clients created through the CloudWatch Logs API, kept so that a
 * {@code PutLogEvents} to one never created is answered {@code ResourceNotFoundException} as AWS
 * does, and a second create {@code ResourceAlreadyExistsException}, across restarts too.
 *
 * <p>State file {@code <dir>/log-groups.json}, replaced whole and atomically
 * ({@link AtomicFiles}) on every create, before the create is answered:
 * {@code {"version": 1, "groups": {"<group>": {"created": <epoch ms>, "streams": {"<stream>": <epoch ms>}}}}}.
 * A create is rare (once per container or process start), so rewriting the file is cheap next to
 * the fsync; {@link #MAX_STREAMS} bounds its size. A state file that cannot be read fails the
 * input's start rather than forgetting what was created.
 *
 * <p>Thread-safety: thread-safe; every method holds the instance's lock (a create for the length
 * of its file write).
 */
final class LogGroups {
    static final String FILE = "log-groups.json";
    /** Most log streams over all groups (and most groups): a bound on memory and on the state file. */
    static final int MAX_STREAMS = 100_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A log group: when it was created, and its streams with theirs. */
    record Group(String name, long createdMillis, NavigableMap<String, Long> streams) {}

    private final Path file;
    private final NavigableMap<String, Group> groups = new TreeMap<>();
    private int streamCount;

    private LogGroups(Path file) {
        this.file = file;
    }

    /** Loads the state kept in {@code dir}, or none if there is no file yet. */
    static LogGroups open(Path dir) throws IOException {
        LogGroups g = new LogGroups(dir.resolve(FILE));
        if (Files.exists(g.file)) {
            g.load(JSON.readTree(g.file.toFile()));
        }
        return g;
    }

    private void load(JsonNode root) throws IOException {
        if (root.path("version").asInt() != 1 || !root.path("groups").isObject()) {
            throw new IOException(file + ": not a version 1 log group state file");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = root.get("groups").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            Group group = new Group(e.getKey(), e.getValue().path("created").asLong(), new TreeMap<>());
            e.getValue().path("streams").fields().forEachRemaining(s -> group.streams().put(s.getKey(), s.getValue().asLong()));
            groups.put(group.name(), group);
            streamCount += group.streams().size();
        }
    }

    /** Creates a group; {@code ResourceAlreadyExistsException} if it exists. */
    synchronized void createGroup(String name, long nowMillis) throws CloudWatchError, IOException {
        if (groups.containsKey(name)) {
            throw new CloudWatchError(CloudWatchRefusal.RESOURCE_ALREADY_EXISTS, CloudWatchError.RESOURCE_ALREADY_EXISTS,
                    "The specified log group already exists");
        }
        if (groups.size() >= MAX_STREAMS) {
            throw new CloudWatchError(CloudWatchRefusal.LIMIT_EXCEEDED, CloudWatchError.LIMIT_EXCEEDED,
                    "Resource limit exceeded: at most " + MAX_STREAMS + " log groups");
        }
        groups.put(name, new Group(name, nowMillis, new TreeMap<>()));
        persist(() -> groups.remove(name));
    }

    /** Creates a stream in a group; {@code ResourceNotFoundException} without the group, {@code ResourceAlreadyExistsException} if it exists. */
    synchronized void createStream(String group, String stream, long nowMillis) throws CloudWatchError, IOException {
        Group g = group(group);
        if (g.streams().containsKey(stream)) {
            throw new CloudWatchError(CloudWatchRefusal.RESOURCE_ALREADY_EXISTS, CloudWatchError.RESOURCE_ALREADY_EXISTS,
                    "The specified log stream already exists");
        }
        if (streamCount >= MAX_STREAMS) {
            throw new CloudWatchError(CloudWatchRefusal.LIMIT_EXCEEDED, CloudWatchError.LIMIT_EXCEEDED,
                    "Resource limit exceeded: at most " + MAX_STREAMS + " log streams");
        }
        g.streams().put(stream, nowMillis);
        streamCount++;
        persist(() -> {
            g.streams().remove(stream);
            streamCount--;
        });
    }

    /** Nothing if the stream exists; else {@code ResourceNotFoundException} naming what is missing. */
    synchronized void requireStream(String group, String stream) throws CloudWatchError {
        if (!group(group).streams().containsKey(stream)) {
            throw notFound("The specified log stream does not exist.");
        }
    }

    /** Up to {@code limit} streams of a group whose names start with {@code prefix}, after {@code after} (exclusive; null for the first). */
    synchronized List<Map.Entry<String, Long>> streams(String group, String prefix, String after, int limit) throws CloudWatchError {
        NavigableMap<String, Long> all = group(group).streams();
        return page(after == null ? all.tailMap(prefix, true) : all.tailMap(after, false), prefix, limit);
    }

    /** Up to {@code limit} groups whose names start with {@code prefix}, after {@code after} (exclusive; null for the first). */
    synchronized List<Map.Entry<String, Long>> groups(String prefix, String after, int limit) {
        NavigableMap<String, Long> created = new TreeMap<>();
        groups.values().forEach(g -> created.put(g.name(), g.createdMillis()));
        return page(after == null ? created.tailMap(prefix, true) : created.tailMap(after, false), prefix, limit);
    }

    private static List<Map.Entry<String, Long>> page(NavigableMap<String, Long> from, String prefix, int limit) {
        List<Map.Entry<String, Long>> out = new ArrayList<>();
        for (Map.Entry<String, Long> e : from.entrySet()) {
            if (!e.getKey().startsWith(prefix) || out.size() == limit + 1) {
                break; // one past the limit tells the caller there is a next page
            }
            out.add(Map.entry(e.getKey(), e.getValue()));
        }
        return out;
    }

    private Group group(String name) throws CloudWatchError {
        Group g = groups.get(name);
        if (g == null) {
            throw notFound("The specified log group does not exist.");
        }
        return g;
    }

    private static CloudWatchError notFound(String message) {
        return new CloudWatchError(CloudWatchRefusal.RESOURCE_NOT_FOUND, CloudWatchError.RESOURCE_NOT_FOUND, message);
    }

    /** Writes the state; on failure undoes the change in memory, so memory never claims what the file lacks. */
    private void persist(Runnable undo) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", 1);
        ObjectNode all = root.putObject("groups");
        for (Group g : groups.values()) {
            ObjectNode node = all.putObject(g.name());
            node.put("created", g.createdMillis());
            ObjectNode streams = node.putObject("streams");
            g.streams().forEach(streams::put);
        }
        try {
            Files.createDirectories(file.getParent());
            AtomicFiles.writeAtomically(file, JSON.writeValueAsBytes(root));
        } catch (IOException | RuntimeException e) {
            undo.run();
            throw e;
        }
    }
}
