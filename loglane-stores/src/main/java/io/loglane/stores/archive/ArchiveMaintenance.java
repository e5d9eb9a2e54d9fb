package io.loglane.stores.archive;

import io.loglane.core.config.Retention;
import java.io.IOException;
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
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file-level work on one lane's partitions that is not the write path: crash recovery,
 * compaction of closed hours, and retention, and the lane's symlink manifests that all of them
 * and the flushes keep current ({@link SymlinkManifests}). Recovery rules are in FORMAT.md.
 * Recovery and compaction work on the files of one stream partition (the sink's): offsets of
 * other partitions are unrelated, and those files belong to their own partition's sink.
 * Retention deletes whole hour partitions, every stream partition's files in them.
 *
 * <p>Thread-safety: not thread-safe; driven by the sink's one maintenance thread ({@link MaintenanceRunner}),
 * concurrently with the flushes that put new files. {@link #published} alone is called from the
 * flushes' converter threads: it only touches the manifests, which are thread-safe.
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

    /** One hour partition: its key prefix, hour bucket and objects. */
    private record Partition(String prefix, long bucket, List<ArchiveStorage.StoredObject> objects) {
        long bytes() { return objects.stream().mapToLong(ArchiveStorage.StoredObject::size).sum(); }
    }

    private final ArchiveStorage storage;
    private final String lane;
    private final int partition;
    private final Clock clock;
    /** The lane's manifests: this class and the flushes ({@link #published}) are their only writers. */
    private final SymlinkManifests manifests;
    /**
     * Covered files no manifest lists any more, by key, with when they were retired: deleted by
     * the first compaction pass at least its grace later, so an outside reader holding the
     * manifest that still listed them finds them. In memory only: recovery deletes covered files at once.
     */
    private final Map<String, Instant> retired = new HashMap<>();

    /** @param partition the stream partition whose files recovery and compaction work on */
    ArchiveMaintenance(ArchiveStorage storage, String lane, int partition, Clock clock) {
        this.storage = storage;
        this.lane = lane;
        this.partition = partition;
        this.clock = clock;
        this.manifests = new SymlinkManifests(storage, lane);
    }

    /**
     * A flush put the file {@code key}: its partition's manifest is replaced to list it. Called
     * from the converter threads, concurrently with the maintenance thread (the manifests
     * serialize their updates).
     */
    void published(String key) throws IOException {
        manifests.update(ArchiveLayout.partitionOf(key));
    }

    /** This stream partition's committed files, per hour partition prefix (in key order). */
    private Map<String, List<ArchiveFile>> ownFiles() throws IOException {
        Map<String, List<ArchiveFile>> out = new java.util.TreeMap<>();
        for (Map.Entry<String, List<ArchiveFile>> e : ArchiveLayout.partitions(storage.list(ArchiveLayout.lanePrefix(lane))).entrySet()) {
            List<ArchiveFile> own = e.getValue().stream().filter(f -> f.partition() == partition).toList();
            if (!own.isEmpty()) {
                out.put(e.getKey(), own);
            }
        }
        return out;
    }

    /**
     * Brings the lane's files of this stream partition back to exactly what was committed, in numbered passes:
     * <ol>
     *   <li>delete temporary files ({@code .*.tmp}): writes or compactions that never renamed;</li>
     *   <li>delete files whose first offset is ≥ {@code committed}: flushed but never committed,
     *       they will be rewritten by redelivery (possibly with other boundaries);</li>
     *   <li>in each partition, delete files whose offset range another file covers: the sources
     *       of a compaction that renamed its output but did not finish deleting them;</li>
     *   <li>make every manifest of the lane match what is left ({@link SymlinkManifests#rebuild}).</li>
     * </ol>
     * Recovery never deletes a committed file that no other file covers. Files kept whose range
     * reaches past {@code committed} (only possible when the checkpoint went back behind the archive)
     * are returned as {@link Recovery#covered()}: redelivery must skip the rows they hold.
     */
    Recovery recover(long committed) throws IOException {
        int deleted = storage.deleteTemporary(ArchiveLayout.lanePrefix(lane)); // pass 1
        storage.deleteTemporary(SymlinkManifests.ROOT + ArchiveLayout.lanePrefix(lane));
        retired.clear(); // pass 3 deletes every covered file
        Map<Long, List<ArchiveFile>> straddling = new HashMap<>();
        for (Map.Entry<String, List<ArchiveFile>> e : ownFiles().entrySet()) {
            List<ArchiveFile> files = new ArrayList<>();
            for (ArchiveFile f : e.getValue()) {
                if (f.firstOffset() >= committed) {
                    storage.delete(f.key()); // pass 2
                    deleted++;
                } else {
                    files.add(f);
                }
            }
            List<ArchiveFile> kept = new ArrayList<>();
            Set<ArchiveFile> covered = ArchiveFile.covered(files); // the rule readers apply too (ArchiveLayout.liveFiles)
            for (ArchiveFile f : files) { // pass 3
                if (covered.contains(f)) {
                    storage.delete(f.key());
                    deleted++;
                } else {
                    kept.add(f);
                }
            }
            long bucket = ArchiveLayout.bucketOf(e.getKey());
            for (ArchiveFile f : kept) {
                if (f.lastOffset() >= committed) {
                    straddling.computeIfAbsent(bucket, k -> new ArrayList<>()).add(f);
                }
            }
        }
        manifests.rebuild(); // pass 4
        return new Recovery(deleted, straddling.isEmpty() ? CoveredOffsets.NONE : new CoveredOffsets(straddling));
    }

    /**
     * Merges the small committed files of this stream partition in each hour that closed at least {@code after} ago.
     * Only live files (not covered by another file of the partition) entirely below
     * {@code committed} take part, so a later {@link #recover} can never find a compacted file
     * straddling the commit point, and a covered file left behind (a failed delete) is never merged
     * a second time. Order: write the merged file (temp + rename), replace the partition's
     * manifest (which lists the merged file instead of its sources from then on), and retire the
     * sources: they are deleted by the first pass at least the grace later; a crash in between is
     * resolved by recovery passes 3 and 4. Runs concurrently with flushes: a flush
     * only ever adds files at or past {@code committed}, which this never selects, names or covers.
     * The Parquet writer is opened for the first partition that needs one and closed at the end.
     *
     * @param grace how long sources outlive the manifest replacement that dropped them
     * @param stop  checked between partitions: the sink is closing
     * @return number of partitions compacted
     */
    int compact(long committed, Duration after, int minFiles, Duration grace, BooleanSupplier stop) throws IOException, SQLException {
        Instant now = clock.instant();
        int done = 0;
        ParquetWriter writer = null;
        try {
            for (Map.Entry<String, List<ArchiveFile>> e : ownFiles().entrySet()) {
                Set<ArchiveFile> covered = ArchiveFile.covered(e.getValue());
                deleteRetired(e.getKey(), covered, now, grace);
                long bucket = ArchiveLayout.bucketOf(e.getKey());
                if (ArchiveLayout.bucketStart(bucket + 1).plus(after).isAfter(now)) {
                    continue;
                }
                List<ArchiveFile> files = e.getValue().stream()
                        .filter(f -> f.lastOffset() < committed && !covered.contains(f)).toList();
                if (files.size() < Math.max(2, minFiles)) {
                    continue;
                }
                if (stop.getAsBoolean()) {
                    break;
                }
                if (writer == null) {
                    writer = new ParquetWriter(lane, List.of()); // merging reads Parquet: no typed staging columns
                }
                compactPartition(writer, e.getKey(), files);
                done++;
            }
        } finally {
            if (writer != null) {
                writer.close();
            }
        }
        return done;
    }

    private void compactPartition(ParquetWriter writer, String prefix, List<ArchiveFile> files) throws IOException, SQLException {
        long first = files.stream().mapToLong(ArchiveFile::firstOffset).min().orElseThrow();
        long last = files.stream().mapToLong(ArchiveFile::lastOffset).max().orElseThrow();
        String name = ArchiveLayout.fileName(partition, first, last);
        String hour = prefix.substring(ArchiveLayout.lanePrefix(lane).length(), prefix.length() - 1);
        // Both lines are the operator's (and the crash test's) view of a compaction in progress.
        LOG.info("archive {}: compacting {} files of {} into {}", lane, files.size(), hour, name);
        String key = prefix + name;
        Path tmp = storage.newTempFile(key);
        writer.merge(files.stream().map(f -> Path.of(storage.location(f.key()))).toList(), tmp);
        storage.put(tmp, key); // durable before its sources go
        manifests.update(prefix); // the merged file in, its sources out, in one replacement
        Instant now = clock.instant();
        for (ArchiveFile f : files) {
            retired.put(f.key(), now);
        }
        LOG.info("archive {}: compacted {} files of {} into {}", lane, files.size(), hour, name);
    }

    /**
     * Deletes the covered files of one partition retired at least {@code grace} before {@code now}.
     * A covered file that was never retired (left by a pass that failed after its put) is first
     * dropped from the manifest and retired now.
     */
    private void deleteRetired(String prefix, Set<ArchiveFile> covered, Instant now, Duration grace) throws IOException {
        Instant retiredBy = now.minus(grace);
        boolean unlisted = false;
        for (ArchiveFile f : covered) {
            Instant at = retired.get(f.key());
            if (at == null) {
                unlisted = true;
            } else if (!at.isAfter(retiredBy)) {
                storage.delete(f.key());
                retired.remove(f.key());
            }
        }
        if (unlisted) {
            manifests.update(prefix);
            for (ArchiveFile f : covered) {
                retired.putIfAbsent(f.key(), now);
            }
        }
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
     * The storage removes the directories a deleted partition leaves empty.
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
        for (Partition p : partitions()) {
            if (cutoff != null && !ArchiveLayout.bucketStart(p.bucket() + 1).isAfter(cutoff)) {
                delete(p);
                agedOut++;
            } else if (bySize) {
                kept.add(p);
            }
        }
        int sizedOut = 0;
        long total = kept.stream().mapToLong(Partition::bytes).sum();
        if (bySize && total > retention.maxBytes()) {
            long newest = kept.getLast().bucket();
            for (Partition p : kept) {
                if (total <= retention.maxBytes()) {
                    break;
                }
                if (p.bucket() == newest || inUse.contains(p.bucket())) {
                    continue;
                }
                delete(p);
                total -= p.bytes();
                sizedOut++;
            }
        }
        return new RetentionResult(agedOut, sizedOut, total);
    }

    /** The lane's hour partitions, oldest first, with every object under each (foreign ones too: retention deletes them). */
    private List<Partition> partitions() throws IOException {
        Map<String, List<ArchiveStorage.StoredObject>> byPrefix = new HashMap<>();
        for (ArchiveStorage.StoredObject o : storage.list(ArchiveLayout.lanePrefix(lane))) {
            byPrefix.computeIfAbsent(ArchiveLayout.partitionOf(o.key()), k -> new ArrayList<>()).add(o);
        }
        List<Partition> out = new ArrayList<>();
        for (Map.Entry<String, List<ArchiveStorage.StoredObject>> e : byPrefix.entrySet()) {
            Long bucket = ArchiveLayout.bucketOf(e.getKey());
            if (bucket != null) { // else not ours
                out.add(new Partition(e.getKey(), bucket, e.getValue()));
            }
        }
        out.sort(Comparator.comparingLong(Partition::bucket));
        return out;
    }

    /**
     * Deletes a whole partition: its manifest first (outside readers stop reading it), then the
     * objects listed, then the manifest is written again from a new listing, in case a flush put
     * a file into the partition meanwhile. The storage removes the directories it empties.
     */
    private void delete(Partition p) throws IOException {
        manifests.remove(p.prefix());
        for (ArchiveStorage.StoredObject o : p.objects()) {
            storage.delete(o.key());
            retired.remove(o.key());
        }
        manifests.update(p.prefix());
    }
}
