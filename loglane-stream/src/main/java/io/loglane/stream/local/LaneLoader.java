package io.loglane.stream.local;

import io.loglane.stream.io.ChannelOpener;
import io.loglane.core.io.Fsync;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a lane directory at start-up and recovers it after a crash, in numbered passes (see
 * {@link #load} and FORMAT.md). Only the segment logs are trusted; every other file is either
 * derived (indexes, rebuilt from the log) or self-checking (checkpoints, with a CRC).
 *
 * <h2>What recovery guarantees</h2>
 * <ul>
 *   <li>Every intact batch is kept, also those after a damaged region ({@link SegmentScan} finds
 *       them again). Only bytes that are not a valid batch, or whose offsets cannot be right, are
 *       dropped; damaged bytes are copied to a {@code .quarantined} file first, a torn tail (the
 *       incomplete last batch of an interrupted write) is just cut off. Every drop is reported with
 *       its byte range and the offsets of the headers still readable in it.</li>
 *   <li>An offset is never handed out twice. The next offset is at least the recovered end, every
 *       consumer checkpoint, and the end of every plausible header in dropped bytes: those offsets
 *       may have been acknowledged, delivered and named in a store (the archive names files by
 *       offsets). Offsets skipped that way, and those of dropped records, are a gap.</li>
 *   <li>Within a segment offsets stay contiguous; gaps lie only between segments. Intact batches
 *       after a damaged region therefore move to a new segment file named after their first offset.</li>
 *   <li>Recovery may be killed at any point and run again: it decides everything before it
 *       changes anything, writes new files by temp+fsync+rename, and cuts a damaged segment only
 *       after the files holding its intact batches, its quarantined bytes and the segment marking
 *       the raised next offset are durable.</li>
 * </ul>
 *
 * <h2>What recovery will NOT do</h2>
 * <ul>
 *   <li>It does not re-verify CRCs of sealed segments that have a valid index file: the index is
 *       written only after the segment was fsynced, so such a segment was complete on disk. Bit rot
 *       inside one is found by {@link LaneInspector#check}, or by a reader, which then has the
 *       running lane recover that segment the same way ({@link LaneLog#repairCorruptSegment}).</li>
 *   <li>It does not repair a batch: one whose base offset (not covered by the CRC) is wrong is
 *       dropped and reported even if its records are intact.</li>
 *   <li>It does not invent a checkpoint: a corrupt checkpoint is treated as absent (the consumer
 *       re-reads from the start of the retained stream).</li>
 *   <li>It does not delete data: a segment whose offsets overlap the one before it (which the
 *       writer never produces) is renamed {@code .quarantined}, not removed. Only an empty one,
 *       which holds nothing, is deleted (an earlier version's failed roll left such files).</li>
 * </ul>
 *
 * <p>Thread-safety: not thread-safe; runs once, before the lane accepts appends.
 */
public final class LaneLoader {
    private static final Logger LOG = LoggerFactory.getLogger(LaneLoader.class);

    /**
     * The recovered lane.
     *
     * @param segments the segments, the last one open for appends
     * @param report   what was found and changed
     */
    public record Loaded(Segments segments, RecoveryReport report) {}

    /**
     * What pass 5 decided for one segment file.
     *
     * @param index the valid index file it was opened with, or null when it was scanned
     * @param scan  the scan, or null when its index was used
     */
    private record Plan(long base, Path file, long size, SegmentIndex.Loaded index, SegmentScan.Result scan) {
        long nextOffset() { return scan == null ? index.nextOffset() : scan.nextOffset(); }

        boolean damaged() { return scan != null && scan.damaged(); }
    }

    private final String lane;
    private final Path dir;
    private final int indexIntervalBytes;
    private final LocalCheckpoints checkpoints;
    private final ChannelOpener opener;

    /** @param opener opens the channels of the segments it loads (see {@link ChannelOpener}) */
    LaneLoader(String lane, Path laneDir, int indexIntervalBytes, LocalCheckpoints checkpoints, ChannelOpener opener) {
        this.lane = lane;
        this.dir = laneDir;
        this.indexIntervalBytes = indexIntervalBytes;
        this.checkpoints = checkpoints;
        this.opener = opener;
    }

    /** Runs the recovery passes. */
    public Loaded load() throws IOException {
        Files.createDirectories(dir);
        List<String> leftovers = new ArrayList<>();
        List<String> rebuilt = new ArrayList<>();
        List<String> quarantined = new ArrayList<>();

        // Pass 1: delete temp files. A *.tmp is a checkpoint, index or recovery write that never
        // reached its rename; the file it was replacing is still intact, so the temp file carries nothing.
        deleteTempFiles(dir, leftovers);
        deleteTempFiles(dir.resolve(LaneFiles.CHECKPOINT_DIR), leftovers);

        // Pass 2: note and remove the clean-shutdown marker. It must be gone before the first new
        // append, or a crash later in this run would be mistaken for a clean stop.
        Path marker = dir.resolve(LaneFiles.CLEAN_SHUTDOWN);
        boolean clean = Files.deleteIfExists(marker);
        if (clean) {
            Fsync.directory(dir);
        }

        // Pass 3: list segments by base offset; an index without its log is an orphan of a
        // retention delete interrupted between the two unlinks.
        TreeMap<Long, Path> logs = new TreeMap<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                long base = LaneFiles.baseOffsetOf(f, LaneFiles.LOG_SUFFIX);
                if (base >= 0) {
                    logs.put(base, f);
                }
            }
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + LaneFiles.INDEX_SUFFIX)) {
            for (Path f : files) {
                long base = LaneFiles.baseOffsetOf(f, LaneFiles.INDEX_SUFFIX);
                if (base >= 0 && !logs.containsKey(base)) {
                    Files.delete(f);
                    leftovers.add(f.getFileName().toString());
                }
            }
        }

        // Pass 4: load consumer checkpoints (corrupt ones are reported and treated as absent). They
        // come before the segments are settled because they bound the next offset (pass 6).
        checkpoints.load();

        // Pass 5: decide what each segment keeps. Nothing is written here except setting aside a
        // segment that overlaps the one before it (a rename a rerun would make just the same).
        List<Plan> plans = plan(logs, clean, leftovers, rebuilt, quarantined);

        // Pass 6: the next offset: never below an offset that may have been handed out.
        long end = plans.isEmpty() ? 0 : plans.get(plans.size() - 1).nextOffset();
        long next = end;
        String raisedBy = null;
        for (Map.Entry<String, Long> c : checkpoints.loadedOffsets().entrySet()) {
            if (c.getValue() > next) {
                next = c.getValue();
                raisedBy = "checkpoint of consumer '" + c.getKey() + "'";
            }
        }
        for (Plan p : plans) {
            if (p.scan() != null && p.scan().droppedEnd() > next) {
                next = p.scan().droppedEnd();
                raisedBy = "header of a dropped batch in " + p.file().getFileName();
            }
        }

        // Pass 7: write, then cut (see apply).
        List<String> created = new ArrayList<>();
        List<RecoveryReport.Drop> drops = new ArrayList<>();
        Segment gapSegment = apply(plans, end, next, raisedBy, created, drops);

        // Pass 8: open the segments; the last takes appends.
        Segments segments = new Segments();
        Map<Segment, String> droppedAfter = open(plans, gapSegment, segments);
        List<RecoveryReport.Gap> gaps = gaps(segments, droppedAfter, gapSegment, end, next, raisedBy);

        RecoveryReport report = new RecoveryReport(lane, clean, logs.isEmpty(), segments.count(), leftovers, rebuilt, drops, created, quarantined,
                gaps, checkpoints.problems(), segments.first().baseOffset(), segments.last().nextOffset());
        if (report.lossless()) {
            LOG.info("recovered {}", report.summary());
        } else {
            LOG.warn("recovered with loss: {}", report.summary());
        }
        return new Loaded(segments, report);
    }

    /**
     * Pass 5. A sealed segment with a valid index file (checked against the log length) is taken
     * as is. The tail segment after an unclean stop, and any segment whose index is missing or
     * unusable, is scanned ({@link SegmentScan}). Segments keep their place in the offset order
     * even after a damaged one; only a segment starting below the end of the one before is set aside.
     */
    private List<Plan> plan(TreeMap<Long, Path> logs, boolean clean, List<String> leftovers, List<String> rebuilt,
            List<String> quarantined) throws IOException {
        List<Plan> plans = new ArrayList<>();
        TreeMap<Long, Path> pending = new TreeMap<>(logs);
        Long lastBase = logs.isEmpty() ? null : logs.lastKey();
        long prevEnd = -1;
        while (!pending.isEmpty()) {
            Map.Entry<Long, Path> e = pending.pollFirstEntry();
            long base = e.getKey();
            Path logFile = e.getValue();
            if (base < prevEnd && Files.size(logFile) == 0) {
                // Holds nothing to lose: an empty file a segment roll created before an earlier
                // version failed to seal the segment before it (which then took more appends).
                Files.delete(logFile);
                Files.deleteIfExists(LaneFiles.indexFile(dir, base));
                Fsync.directory(dir);
                leftovers.add(logFile.getFileName() + " (empty, inside the offsets of the segment before it)");
                continue;
            }
            if (base < prevEnd) {
                Path q = logFile.resolveSibling(logFile.getFileName() + LaneFiles.QUARANTINE_SUFFIX);
                Files.move(logFile, q, StandardCopyOption.REPLACE_EXISTING);
                Files.deleteIfExists(LaneFiles.indexFile(dir, base));
                Fsync.directory(dir);
                quarantined.add(logFile.getFileName() + " (starts at offset " + base + ", below " + prevEnd
                        + " where the segment before it ends)");
                continue;
            }
            long logBytes = Files.size(logFile);
            boolean tail = lastBase == base;
            String[] problem = new String[1];
            SegmentIndex.Loaded idx = SegmentIndex.load(LaneFiles.indexFile(dir, base), base, logBytes, indexIntervalBytes, problem);
            Plan plan;
            if (idx != null && (clean || !tail)) {
                plan = new Plan(base, logFile, logBytes, idx, null);
            } else {
                if (idx == null && !(tail && !clean && "missing".equals(problem[0]))) {
                    rebuilt.add(logFile.getFileName() + ": " + problem[0]);
                }
                SegmentScan.Result scan;
                try (FileChannel ch = FileChannel.open(logFile, StandardOpenOption.READ)) {
                    scan = SegmentScan.scan(ch, base, logBytes, indexIntervalBytes);
                }
                plan = new Plan(base, logFile, logBytes, null, scan);
                if (plan.damaged()) {
                    // Files named like the runs this segment hands off are leftovers of a recovery
                    // killed before it cut this segment: they are written again from it below.
                    for (SegmentScan.Run r : scan.movedRuns()) {
                        pending.remove(r.baseOffset());
                    }
                }
            }
            plans.add(plan);
            prevEnd = plan.nextOffset();
        }
        return plans;
    }

    /**
     * Pass 7, in an order that survives being killed at any step (a rerun decides the same and
     * redoes the rest):
     * <ol>
     *   <li>delete the index files of damaged segments (a valid one would let a rerun skip the scan);</li>
     *   <li>copy damaged bytes to {@code .quarantined} files and the runs after them to segments of
     *       their own (temp, fsync, rename);</li>
     *   <li>create the empty segment at a raised next offset;</li>
     *   <li>fsync the directory: all of the above is durable;</li>
     *   <li>only now cut the damaged segments down to their in-place run (truncate, fsync), or
     *       rename a replacement over them.</li>
     * </ol>
     *
     * @return the empty segment created at the raised next offset (also the first segment of an
     *     empty lane), or null
     */
    private Segment apply(List<Plan> plans, long end, long next, String raisedBy, List<String> created,
            List<RecoveryReport.Drop> drops) throws IOException {
        List<Plan> damaged = plans.stream().filter(Plan::damaged).toList();
        boolean deleted = false;
        for (Plan p : damaged) {
            deleted |= SegmentRepair.deleteIndex(dir, p.base());
        }
        if (deleted) {
            Fsync.directory(dir);
        }
        for (Plan p : damaged) {
            SegmentRepair.copyOut(dir, p.file(), p.scan(), false, drops, created);
        }
        Segment gap = null;
        if (plans.isEmpty() || next > end) {
            gap = Segment.create(dir, next, indexIntervalBytes, opener);
            if (next > end) {
                created.add(LaneFiles.logFile(dir, next).getFileName() + " (empty: next offset raised from " + end + " by the "
                        + raisedBy + ")");
            }
        }
        if (!damaged.isEmpty() || gap != null) {
            Fsync.directory(dir);
        }
        for (Plan p : damaged) {
            SegmentRepair.cut(p.file(), p.scan());
        }
        if (!damaged.isEmpty()) {
            Fsync.directory(dir);
        }
        return gap;
    }

    /**
     * Pass 8: opens every segment; indexes of scanned sealed segments are written, the tail's is
     * removed.
     *
     * @return for each segment that ends where a damaged segment's dropped bytes began, that segment's file name
     */
    private Map<Segment, String> open(List<Plan> plans, Segment gapSegment, Segments segments) throws IOException {
        List<Segment> scanned = new ArrayList<>();
        Map<Segment, String> droppedAfter = new IdentityHashMap<>();
        for (Plan p : plans) {
            if (p.scan() == null) {
                SegmentIndex.Loaded idx = p.index();
                segments.add(Segment.open(dir, p.base(), idx.index(), p.size(), idx.nextOffset(), idx.maxReceivedAtNanos(), opener));
                continue;
            }
            List<Segment> mine = SegmentRepair.open(dir, p.scan(), indexIntervalBytes, opener);
            List<SegmentScan.Dropped> dropped = p.scan().dropped();
            if (!dropped.isEmpty() && dropped.get(dropped.size() - 1).end() == p.size()) {
                droppedAfter.put(mine.get(mine.size() - 1), p.file().getFileName().toString());
            }
            for (int i = 1; i < mine.size(); i++) {
                droppedAfter.put(mine.get(i - 1), p.file().getFileName().toString());
            }
            scanned.addAll(mine);
        }
        scanned.forEach(segments::add);
        if (gapSegment != null) {
            segments.add(gapSegment);
        }
        Segment last = segments.last();
        for (Segment s : scanned) {
            if (s != last) {
                s.seal(); // persist the rebuilt index of a sealed segment
            }
        }
        // The open tail keeps its index in memory; a stale file on disk would only mislead.
        Files.deleteIfExists(last.indexFile());
        return droppedAfter;
    }

    /** Offset ranges between consecutive segments that hold no records, and why. */
    private static List<RecoveryReport.Gap> gaps(Segments segments, Map<Segment, String> droppedAfter, Segment gapSegment,
            long end, long next, String raisedBy) {
        List<RecoveryReport.Gap> gaps = new ArrayList<>();
        Segment prev = null;
        for (Segment s : segments.all()) {
            if (s == gapSegment && next > end) {
                gaps.add(new RecoveryReport.Gap(end, next, "skipped: next offset raised by the " + raisedBy, true));
            } else if (prev != null && s.baseOffset() > prev.nextOffset()) {
                String from = droppedAfter.get(prev);
                gaps.add(new RecoveryReport.Gap(prev.nextOffset(), s.baseOffset(),
                        from != null ? "records dropped from " + from : "left by earlier segment files", from != null));
            }
            prev = s;
        }
        return gaps;
    }

    private static void deleteTempFiles(Path d, List<String> deleted) throws IOException {
        if (!Files.isDirectory(d)) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(d, "*" + LaneFiles.TEMP_SUFFIX)) {
            for (Path f : files) {
                Files.delete(f);
                deleted.add(f.getFileName().toString());
            }
        }
    }
}
