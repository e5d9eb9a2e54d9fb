package io.loglane.core.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * The one directory fsync of loglane (stream segments and checkpoints, archive files): makes a
 * directory's entries (creates, renames, deletes) durable. A failure is thrown, never swallowed: a
 * rename that may not survive a power loss must fail the step that relies on it (an archive flush
 * whose checkpoint would otherwise be committed, a checkpoint commit, a recovery write).
 *
 * <p>Thread-safety: stateless.
 */
public final class Fsync {
    private Fsync() {}

    /** Fsyncs {@code dir}. Windows cannot open a directory for fsync; its renames are durable without it. */
    public static void directory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("win")) {
                throw e;
            }
        }
    }
}
