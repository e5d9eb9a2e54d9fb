package io.loglane.stream.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.Set;

/**
 * Opens the channels a lane writes its files through (a disk lane's segments and indexes, a memory
 * lane's offset reservation): {@link FileChannel#open} in production. A seam so tests can run a
 * real lane on a filesystem that fills up, fails an fsync or holds a write (the stream testkit's
 * {@code FillingDisk}).
 *
 * <p>Thread-safety: implementations must be safe for concurrent use.
 */
@FunctionalInterface
public interface ChannelOpener {
    ChannelOpener DEFAULT = FileChannel::open;

    FileChannel open(Path file, Set<? extends OpenOption> options) throws IOException;
}
