package io.loglane.stores.archive;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** A committed Parquet file (its storage key) and the inclusive stream offset range its name declares. */
record ArchiveFile(String key, long firstOffset, long lastOffset) {
    /** Widest range first among equal first offsets, so a covering file is met before the files it covers. */
    private static final Comparator<ArchiveFile> SWEEP = Comparator.comparingLong(ArchiveFile::firstOffset)
            .thenComparing(Comparator.comparingLong(ArchiveFile::lastOffset).reversed())
            .thenComparing(ArchiveFile::key);

    /** True if this file's range contains {@code other}'s range and is not the same file. */
    boolean covers(ArchiveFile other) {
        return !key.equals(other.key) && firstOffset <= other.firstOffset && lastOffset >= other.lastOffset;
    }

    /**
     * The files of one hour partition whose range another file of the same partition
     * {@linkplain #covers covers}: the sources of a compaction that renamed its merged file in but
     * has not (yet, or before a crash) deleted them. Recovery deletes them (FORMAT.md, rule 4);
     * readers skip them, so that no row is read twice. One sort and one sweep, as a partition may
     * hold thousands of small files: after sorting by first offset (widest first), a file is
     * covered exactly when an earlier file reaches at least as far.
     */
    static Set<ArchiveFile> covered(Collection<ArchiveFile> partition) {
        List<ArchiveFile> sorted = new ArrayList<>(partition);
        sorted.sort(SWEEP);
        Set<ArchiveFile> out = new HashSet<>();
        long reach = Long.MIN_VALUE;
        for (ArchiveFile f : sorted) {
            if (reach >= f.lastOffset) {
                out.add(f);
            } else {
                reach = f.lastOffset;
            }
        }
        return out;
    }
}
