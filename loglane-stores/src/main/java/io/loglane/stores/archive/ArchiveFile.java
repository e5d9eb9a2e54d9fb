package io.loglane.stores.archive;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A committed Parquet file (its storage key), the stream partition it holds rows of and the
 * inclusive offset range of that partition its name declares. Files named before partitions
 * existed ({@code <first>-<last>.parquet}) are of partition 0.
 */
record ArchiveFile(String key, int partition, long firstOffset, long lastOffset) {
    /**
     * By partition, then widest range first among equal first offsets, so a covering file is met
     * before the files it covers.
     */
    private static final Comparator<ArchiveFile> SWEEP = Comparator.comparingInt(ArchiveFile::partition)
            .thenComparingLong(ArchiveFile::firstOffset)
            .thenComparing(Comparator.comparingLong(ArchiveFile::lastOffset).reversed())
            .thenComparing(ArchiveFile::key);

    /**
     * True if this file's range contains {@code other}'s range in the same stream partition and it
     * is not the same file. Offsets of different partitions are unrelated: no file covers another
     * partition's.
     */
    boolean covers(ArchiveFile other) {
        return !key.equals(other.key) && partition == other.partition
                && firstOffset <= other.firstOffset && lastOffset >= other.lastOffset;
    }

    /**
     * The files of one hour partition whose range another file of the same hour and stream
     * partition {@linkplain #covers covers}: the sources of a compaction that renamed its merged
     * file in but has not (yet, or before a crash) deleted them. Recovery deletes them (FORMAT.md,
     * rule 4); readers skip them, so that no row is read twice. One sort and one sweep, as a
     * partition may hold thousands of small files: after sorting by stream partition and first
     * offset (widest first), a file is covered exactly when an earlier file of its stream
     * partition reaches at least as far.
     */
    static Set<ArchiveFile> covered(Collection<ArchiveFile> partition) {
        List<ArchiveFile> sorted = new ArrayList<>(partition);
        sorted.sort(SWEEP);
        Set<ArchiveFile> out = new HashSet<>();
        long reach = Long.MIN_VALUE;
        int streamPartition = -1;
        for (ArchiveFile f : sorted) {
            if (f.partition != streamPartition) {
                streamPartition = f.partition;
                reach = Long.MIN_VALUE;
            }
            if (reach >= f.lastOffset) {
                out.add(f);
            } else {
                reach = f.lastOffset;
            }
        }
        return out;
    }
}
