package io.loglane.stream.io;

import io.loglane.core.io.Fsync;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Set;

/**
 * Small files replaced whole and atomically (checkpoints, indexes, a memory lane's offset
 * reservation): temp file {@code <name>.tmp}, fsync, rename, fsync of the directory. A reader sees
 * the old file or the new one, never a mix; a leftover temp file is an interrupted write and may be
 * deleted.
 *
 * <p>Thread-safety: stateless; concurrent writers of one target must be serialised by the caller.
 */
public final class AtomicFiles {
    public static final String TEMP_SUFFIX = ".tmp";

    private AtomicFiles() {}

    /** The temp file {@code target} is written through. */
    public static Path tempFile(Path target) {
        return target.resolveSibling(target.getFileName() + TEMP_SUFFIX);
    }

    /** Writes {@code bytes} to {@code target} atomically (see the class comment). */
    public static void writeAtomically(Path target, byte[] bytes) throws IOException {
        writeAtomically(target, bytes, ChannelOpener.DEFAULT);
    }

    /**
     * {@link #writeAtomically(Path, byte[])} through {@code opener}. A failed write (a full disk)
     * removes its temp file, so it holds no space.
     */
    public static void writeAtomically(Path target, byte[] bytes, ChannelOpener opener) throws IOException {
        Path temp = tempFile(target);
        try (FileChannel ch = opener.open(temp, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING))) {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Fsync.directory(target.getParent());
    }
}
