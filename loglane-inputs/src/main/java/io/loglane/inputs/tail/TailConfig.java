package io.loglane.inputs.tail;

import io.loglane.core.config.InputSpec;
import java.time.Duration;
import java.util.List;

/**
 * A validated {@code type: tail} entry; defaults and bounds come from {@link TailKeys}.
 *
 * @param name           the input's name (metric label, positions file name)
 * @param paths          absolute globs
 * @param exclude        globs of files not to tail
 * @param tag            tag template ({@code {file}} expands to the file's name)
 * @param startAtHead    true: a file first seen at start-up is read from its first line; false: from its end
 * @param maxLineBytes   longest line stored whole
 * @param readBlockBytes bytes read at once, more than {@code maxLineBytes}
 * @param maxInFlightBytes record bytes of batches read and not yet accepted, over all files, before reading waits
 * @param scanInterval   how often the globs are expanded
 * @param pollInterval   how often an idle file is checked for growth
 * @param partialFlush   how long a last line without newline waits before it is stored anyway
 * @param rotateWait     how long a rotated-away or deleted file is kept open after it stopped growing
 */
public record TailConfig(String name, List<String> paths, List<String> exclude, String tag, boolean startAtHead,
                         int maxLineBytes, int readBlockBytes, long maxInFlightBytes, Duration scanInterval, Duration pollInterval,
                         Duration partialFlush, Duration rotateWait) {
    public TailConfig {
        paths = List.copyOf(paths);
        exclude = List.copyOf(exclude);
    }

    /** The configuration of a loader-validated entry. */
    @SuppressWarnings("unchecked")
    public static TailConfig from(InputSpec spec) {
        Object exclude = spec.options().get("exclude");
        return new TailConfig(spec.name(), (List<String>) spec.options().get("paths"),
                exclude == null ? List.of() : (List<String>) exclude, spec.stringOption("tag", "tail"),
                spec.stringOption("start", "head").equals("head"),
                (int) spec.longOption("max_line_bytes", 1 << 20), (int) spec.longOption("read_block_bytes", 4 << 20),
                spec.longOption("max_in_flight_bytes", 64L << 20),
                (Duration) spec.options().get("scan_interval"), (Duration) spec.options().get("poll_interval"),
                (Duration) spec.options().get("partial_flush"), (Duration) spec.options().get("rotate_wait"));
    }

    /** The tag of the file named {@code fileName}. */
    String tagFor(String fileName) {
        if (!tag.contains("{file}")) {
            return tag;
        }
        StringBuilder safe = new StringBuilder(fileName.length());
        for (int i = 0; i < fileName.length(); i++) {
            char c = fileName.charAt(i);
            safe.append(Character.isLetterOrDigit(c) && c < 128 || c == '.' || c == '_' || c == '-' ? c : '_');
        }
        return tag.replace("{file}", safe);
    }
}
