package io.loglane.stream.local;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.Set;

/**
 * Opens the channels a lane writes its segment and index files through: {@link FileChannel#open}
 * in production. A seam so tests can run a real lane on a filesystem that fills up or fails an
 * fsync (the way {@link LaneLog}'s fsync hook lets them hold or fail a group commit).
 *
 * <p>Thread-safety: implementations must be safe for concurrent use.
 */
@FunctionalInterface
interface ChannelOpener {
    ChannelOpener DEFAULT = FileChannel::open;

    FileChannel open(Path file, Set<? extends OpenOption> options) throws IOException;
}
