package io.loglane.stores.archive;

import io.loglane.core.config.Retention;
import io.loglane.core.io.Fsync;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file-level work on one lane's partitions that is not the write path: crash recovery,
 * compaction of closed hours, and retention. Recovery rules are in FORMAT.md.
 *
 * <p>Thread-safety: not thread-safe; driven by the sink's delivery thread.
 */
final class ArchiveMaintenance {
    private static final Logger LOG = LoggerFactory.getLogger(ArchiveMaintenance.class);

    /**
     * What {@link #recover} did.
     *
     * @param deleted files deleted
     * @param covered ranges of the files kept that reach past the committed offset (see {@link CoveredOffsets})
     */
    record Recovery(int deleted, CoveredOffsets covered) {}

    /**
     * What {@link #enforceRetention} deleted.
     *
     * @param byAge     hour partitions past {@code retention.maxAge}
     * @param bySize    hour partitions deleted, oldest first, because the lane held more than {@code retention.maxBytes}
     * @param bytesLeft bytes of the partitions left (0 when the size was not measured: no size limit)
     */
    record RetentionResult(int byAge, int bySize, long bytesLeft) {}

    /** One hour partition and the bytes of its files. */
    private record Partition(Path dir, long bucket, long bytes) {}

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
     * Recovery never deletes a committed file that no other file covers. Files kept whose range
     * reaches past {@code committed} (only possible when the checkpoint went back behind the archive)
     * are returned as {@link Recovery#covered()}: redelivery must skip the rows they hold.
     */
    Recovery recover(long committed) throws IOException {
        int deleted = 0;
        Map<Long, List<ArchiveFile>> straddling = new HashMap<>();
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
            List<ArchiveFile> kept = new ArrayList<>();
            Set<ArchiveFile> covered = ArchiveFile.covered(files); // the rule readers apply too (ArchiveLayout.liveFiles)
            for (ArchiveFile f : files) { // pass 3
                if (covered.contains(f)) {
                    Files.deleteIfExists(f.path());
                    deleted++;
                } else {
                    kept.add(f);
                }
            }
            Long bucket = ArchiveLayout.bucketOf(hourDir);
            for (ArchiveFile f : kept) {
                if (f.lastOffset() >= committed && bucket != null) {
                    straddling.computeIfAbsent(bucket, b -> new ArrayList<>()).add(f);
                }
            }
        }
        return new Recovery(deleted, straddling.isEmpty() ? CoveredOffsets.NONE : new CoveredOffsets(straddling));
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
            List<ArchiveFile> files = ArchiveLayout.partitionFiles(hourDir).stream().filter(f -> f.lastOffset() < committed).toList();
            if (files.size() < Math.max(2, minFiles)) {
                continue;
            }
            long first = files.stream().mapToLong(ArchiveFile::firstOffset).min().orElseThrow();
            long last = files.stream().mapToLong(ArchiveFile::lastOffset).max().orElseThrow();
            String name = ArchiveLayout.fileName(first, last);
            Path partition = layout.laneDir(lane).relativize(hourDir);
            // Both lines are the operator's (and the crash test's) view of a compaction in progress.
            LOG.info("archive {}: compacting {} files of {} into {}", lane, files.size(), partition, name);
            writer.merge(files.stream().map(ArchiveFile::path).toList(), hourDir.resolve(name));
            Fsync.directory(hourDir); // the merged file is durable before its sources go
            for (ArchiveFile f : files) {
                Files.deleteIfExists(f.path());
            }
            LOG.info("archive {}: compacted {} files of {} into {}", lane, files.size(), partition, name);
            done++;
        }
        return done;
    }

    /**
     * Applies the lane's retention to whole hour partitions, by partition time (not file time):
     * <ol>
     *   <li>age: partitions whose hour ended more than {@code retention.maxAge} ago by the injected clock;</li>
     *   <li>size: while the lane's partitions hold more than {@code retention.maxBytes}, the oldest
     *       partition goes, except the newest partition and those in {@code inUse} (being written:
     *       rows staged for them, or the current hour); if only those are left the lane stays over
     *       its size.</li>
     * </ol>
     * Then empty date directories are deleted.
     *
     * @param inUse hour buckets that size retention must not delete
     */
    RetentionResult enforceRetention(Retention retention, Set<Long> inUse) throws IOException {
        if (retention == null) {
            return new RetentionResult(0, 0, 0);
        }
        boolean byAge = retention.maxAge() != null && !retention.maxAge().isZero() && !retention.maxAge().isNegative();
        boolean bySize = retention.maxBytes() > 0;
        Instant cutoff = byAge ? clock.instant().minus(retention.maxAge()) : null;
        int agedOut = 0;
        List<Partition> kept = new ArrayList<>();
        for (Path hourDir : layout.hourDirs(lane)) {
            Long bucket = ArchiveLayout.bucketOf(hourDir);
            if (bucket == null) {
                continue; // not ours
            }
            if (cutoff != null && !ArchiveLayout.bucketStart(bucket + 1).isAfter(cutoff)) {
                deleteTree(hourDir);
                agedOut++;
            } else if (bySize) {
                kept.add(new Partition(hourDir, bucket, bytes(hourDir)));
            }
        }
        int sizedOut = 0;
        long total = kept.stream().mapToLong(Partition::bytes).sum();
        if (bySize && total > retention.maxBytes()) {
            kept.sort(Comparator.comparingLong(Partition::bucket));
            long newest = kept.getLast().bucket();
            for (Partition p : kept) {
                if (total <= retention.maxBytes()) {
                    break;
                }
                if (p.bucket() == newest || inUse.contains(p.bucket())) {
                    continue;
                }
                deleteTree(p.dir());
                total -= p.bytes();
                sizedOut++;
            }
        }
        for (Path dateDir : ArchiveLayout.sortedChildren(layout.laneDir(lane), "date=*")) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dateDir)) {
                if (!ds.iterator().hasNext()) {
                    Files.deleteIfExists(dateDir);
                }
            }
        }
        return new RetentionResult(agedOut, sizedOut, total);
    }

    /** Bytes of the files in one partition directory (what deleting it frees). */
    private static long bytes(Path hourDir) throws IOException {
        long sum = 0;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(hourDir)) {
            for (Path p : ds) {
                if (Files.isRegularFile(p)) {
                    sum += Files.size(p);
                }
            }
        }
        return sum;
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
