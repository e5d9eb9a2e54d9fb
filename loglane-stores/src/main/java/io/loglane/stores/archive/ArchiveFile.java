package io.loglane.stores.archive;

import java.nio.file.Path;

/** A committed Parquet file and the inclusive stream offset range its name declares. */
record ArchiveFile(Path path, long firstOffset, long lastOffset) {
    /** True if this file's range contains {@code other}'s range and is not the same file. */
    boolean covers(ArchiveFile other) {
        return !path.equals(other.path) && firstOffset <= other.firstOffset && lastOffset >= other.lastOffset;
    }
}
