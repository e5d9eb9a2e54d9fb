package io.loglane.stores.archive;

import io.loglane.core.config.Retention;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The file-level work on one lane's partitions that is not the write path: crash recovery,
 * compaction of closed hours, and retention. Recovery rules are in FORMAT.md.
 *
 * <p>Thread-safety: not thread-safe; driven by the sink's delivery thread.
 */
final class ArchiveMaintenance {
    private final ArchiveLayout layout;
    private final String lane;
    private final Clock clock;

    ArchiveMaintenance(ArchiveLayout layout, String lane, Clock clock) {
        this.layout = layout;
        this.lane = lane;
        this.clock = clock;
    }

    /**
     * Brings the lane's files back to exactly what was committed, in numbered passes:
     * <ol>
     *   <li>delete temporary files ({@code .*.tmp}): writes or compactions that never renamed;</li>
     *   <li>delete files whose first offset is ≥ {@code committed}: flushed but never committed,
     *       they will be rewritten by redelivery (possibly with other boundaries);</li>
     *   <li>in each partition, delete files whose offset range another file covers: the sources
     *       of a compaction that renamed its output but did not finish deleting them.</li>
     * </ol>
     * Recovery never deletes a committed file that no other file covers.
     *
     * @return number of files deleted
     */
    int recover(long committed) throws IOException {
        int deleted = 0;
        for (Path hourDir : layout.hourDirs(lane)) {
            List<ArchiveFile> files = new ArrayList<>();
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(hourDir)) {
                for (Path p : ds) {
                    if (ArchiveLayout.isTemp(p)) {
                        Files.deleteIfExists(p); // pass 1
                        deleted++;
                        continue;
                    }
                    ArchiveFile f = ArchiveLayout.parseFile(p);
                    if (f == null) {
                        continue; // not ours: leave foreign files alone
                    }
                    if (f.firstOffset() >= committed) {
                        Files.deleteIfExists(p); // pass 2
                        deleted++;
                    } else {
                        files.add(f);
                    }
                }
            }
            for (ArchiveFile f : files) { // pass 3
                if (files.stream().anyMatch(o -> o.covers(f))) {
                    Files.deleteIfExists(f.path());
                    deleted++;
                }
            }
        }
        return deleted;
    }

    /** The committed files of one partition, ordered by first offset. */
    static List<ArchiveFile> files(Path hourDir) throws IOException {
        List<ArchiveFile> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(hourDir, "*.parquet")) {
            for (Path p : ds) {
                ArchiveFile f = ArchiveLayout.parseFile(p);
                if (f != null) {
                    out.add(f);
                }
            }
        }
        out.sort(Comparator.comparingLong(ArchiveFile::firstOffset));
        return out;
    }

    /**
     * Merges the small committed files of each hour that closed at least {@code after} ago.
     * Only files entirely below {@code committed} take part, so a later {@link #recover} can never
     * find a compacted file straddling the commit point. Order: write the merged file (temp +
     * rename), then delete the sources; a crash in between is resolved by recovery pass 3.
     *
     * @return number of partitions compacted
     */
    int compact(ParquetWriter writer, long committed, Duration after, int minFiles) throws IOException, SQLException {
        Instant now = clock.instant();
        int done = 0;
        for (Path hourDir : layout.hourDirs(lane)) {
            Long bucket = ArchiveLayout.bucketOf(hourDir);
            if (bucket == null || ArchiveLayout.bucketStart(bucket + 1).plus(after).isAfter(now)) {
                continue;
            }
            List<ArchiveFile> files = files(hourDir).stream().filter(f -> f.lastOffset() < committed).toList();
            if (files.size() < Math.max(2, minFiles)) {
                continue;
            }
            long first = files.stream().mapToLong(ArchiveFile::firstOffset).min().orElseThrow();
            long last = files.stream().mapToLong(ArchiveFile::lastOffset).max().orElseThrow();
            writer.merge(files.stream().map(ArchiveFile::path).toList(), hourDir.resolve(ArchiveLayout.fileName(first, last)));
            ParquetWriter.fsyncDir(hourDir);
            for (ArchiveFile f : files) {
                Files.deleteIfExists(f.path());
            }
            done++;
        }
        return done;
    }

    /**
     * Deletes whole hour partitions (and then empty date directories) whose hour ended more than
     * {@code retention.maxAge} ago by the injected clock. Partition time, not file time, decides.
     *
     * @return number of hour partitions deleted
     */
    int enforceRetention(Retention retention) throws IOException {
        if (retention == null || retention.maxAge() == null || retention.maxAge().isZero() || retention.maxAge().isNegative()) {
            return 0;
        }
        Instant cutoff = clock.instant().minus(retention.maxAge());
        int deleted = 0;
        for (Path hourDir : layout.hourDirs(lane)) {
            Long bucket = ArchiveLayout.bucketOf(hourDir);
            if (bucket != null && !ArchiveLayout.bucketStart(bucket + 1).isAfter(cutoff)) {
                deleteTree(hourDir);
                deleted++;
            }
        }
        for (Path dateDir : ArchiveLayout.sortedChildren(layout.laneDir(lane), "date=*")) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dateDir)) {
                if (!ds.iterator().hasNext()) {
                    Files.deleteIfExists(dateDir);
                }
            }
        }
        return deleted;
    }

    private static void deleteTree(Path dir) throws IOException {
        // Parquet files first, so a concurrent query's glob sees the partition shrink, never a torn file.
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                Files.deleteIfExists(p);
            }
        }
        Files.deleteIfExists(dir);
    }
}
