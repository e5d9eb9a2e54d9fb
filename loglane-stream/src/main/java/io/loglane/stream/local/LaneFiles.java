package io.loglane.stream.local;

import io.loglane.stream.io.AtomicFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Every file name and suffix of a lane directory, in one place.
 *
 * <pre>
 *   &lt;lane&gt;/00000000000000000000.log     segment: batches, named after its base offset (20 digits)
 *   &lt;lane&gt;/00000000000000000000.index   sparse offset index of that segment (derived, rebuildable)
 *   &lt;lane&gt;/*.tmp                        a file being written; deleted at start-up
 *   &lt;lane&gt;/&lt;segment&gt;.log@&lt;byte&gt;.quarantined  bytes recovery dropped from that segment at that position; never read
 *   &lt;lane&gt;/&lt;segment&gt;.log.quarantined   a whole segment recovery could not place in the offset order; never read
 *   &lt;lane&gt;/.clean-shutdown              written after a clean close; lets start-up skip the tail scan
 *   &lt;lane&gt;/checkpoints/&lt;consumer&gt;.ckpt  consumer checkpoint
 *   &lt;lane&gt;/memory.hwm                  a memory lane's offset reservation (its only file; named by MemoryLaneStream, see FORMAT.md)
 * </pre>
 *
 * <p>Thread-safety: stateless.
 */
public final class LaneFiles {
    public static final String LOG_SUFFIX = ".log";
    public static final String INDEX_SUFFIX = ".index";
    public static final String TEMP_SUFFIX = AtomicFiles.TEMP_SUFFIX;
    public static final String QUARANTINE_SUFFIX = ".quarantined";
    public static final String CLEAN_SHUTDOWN = ".clean-shutdown";
    public static final String CHECKPOINT_DIR = "checkpoints";
    public static final String CHECKPOINT_SUFFIX = ".ckpt";

    private LaneFiles() {}

    public static String baseName(long baseOffset) {
        return String.format("%020d", baseOffset);
    }

    public static Path logFile(Path laneDir, long baseOffset) {
        return laneDir.resolve(baseName(baseOffset) + LOG_SUFFIX);
    }

    public static Path indexFile(Path laneDir, long baseOffset) {
        return laneDir.resolve(baseName(baseOffset) + INDEX_SUFFIX);
    }

    /** Where recovery keeps the bytes it dropped from {@code logFile} at byte {@code position}. */
    public static Path quarantineFile(Path logFile, long position) {
        return logFile.resolveSibling(logFile.getFileName() + "@" + position + QUARANTINE_SUFFIX);
    }

    /** The base offset a segment or index file is named after, or -1 if the name is not one. */
    public static long baseOffsetOf(Path file, String suffix) {
        String name = file.getFileName().toString();
        if (!name.endsWith(suffix) || name.length() != 20 + suffix.length()) {
            return -1;
        }
        try {
            return Long.parseLong(name.substring(0, 20));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Copies {@code length} bytes of {@code source} from {@code position} into a new file
     * {@code target} (replacing it) and fsyncs it. The caller renames it into place and fsyncs the
     * directory, so several files can share one directory fsync.
     */
    public static void copyDurably(FileChannel source, long position, long length, Path target) throws IOException {
        try (FileChannel ch = FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            long done = 0;
            while (done < length) {
                long n = source.transferTo(position + done, length - done, ch);
                if (n <= 0) {
                    throw new java.io.EOFException("cannot copy " + length + " bytes from byte " + position + ": source ends at "
                            + (position + done));
                }
                done += n;
            }
            ch.force(true);
        }
    }

    /** {@link #copyDurably} to a temp file, then renamed over {@code target}; the directory is not fsynced. */
    public static void copyAtomically(FileChannel source, long position, long length, Path target) throws IOException {
        Path temp = AtomicFiles.tempFile(target);
        copyDurably(source, position, length, temp);
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

}
