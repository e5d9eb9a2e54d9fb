package io.loglane.stores.archive;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Offsets at or past the commit point whose rows a committed file already holds, per hour
 * partition: the ranges of the files that still straddle the committed offset after recovery.
 *
 * <p>Normally there are none: the commit point is always the end of a flush, and compaction only
 * merges files below it. A straddling file appears when delivery restarts <em>behind</em> the
 * archive, i.e. the checkpoint went back: a lost or corrupt checkpoint restarts at the lane's start
 * offset, and once stream retention has trimmed the lane that start falls inside a file (wide
 * compacted files make this the common case). Such a file cannot be cut (rows carry no offset),
 * and deleting it would lose the rows below the restart that the stream no longer has. So it is
 * kept, and a redelivered row is skipped when its offset lies in the range of a file of its own
 * partition: a file {@code <first>-<last>} in an hour partition holds every row of that hour with
 * an offset in {@code [first, last]} (a flush writes all of them, compaction unions whole files).
 * The check is per row and per partition because one batch spreads over several hours, and the
 * straddling files of different hours have different ranges.
 *
 * <p>Thread-safety: immutable.
 */
final class CoveredOffsets {
    static final CoveredOffsets NONE = new CoveredOffsets(Map.of());

    private final Map<Long, List<ArchiveFile>> byBucket;
    /** Largest covered offset, so the common case (a row past every range) costs one comparison. */
    private final long maxLast;
    private final int files;

    CoveredOffsets(Map<Long, List<ArchiveFile>> byBucket) {
        Map<Long, List<ArchiveFile>> copy = new HashMap<>();
        long max = -1;
        int n = 0;
        for (Map.Entry<Long, List<ArchiveFile>> e : byBucket.entrySet()) {
            copy.put(e.getKey(), List.copyOf(e.getValue()));
            for (ArchiveFile f : e.getValue()) {
                max = Math.max(max, f.lastOffset());
                n++;
            }
        }
        this.byBucket = Map.copyOf(copy);
        this.maxLast = max;
        this.files = n;
    }

    /** True if a committed file of hour {@code bucket} already holds the row at {@code offset}. */
    boolean contains(long bucket, long offset) {
        if (offset > maxLast) {
            return false;
        }
        List<ArchiveFile> fs = byBucket.get(bucket);
        if (fs == null) {
            return false;
        }
        for (ArchiveFile f : fs) {
            if (f.firstOffset() <= offset && offset <= f.lastOffset()) {
                return true;
            }
        }
        return false;
    }

    /** Number of straddling files. */
    int files() { return files; }

    /** Largest covered offset, or -1 when nothing is covered. */
    long maxLast() { return maxLast; }
}
