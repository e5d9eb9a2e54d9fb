package io.loglane.stream.local;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a lane directory at start-up and recovers it after a crash, in numbered passes (see
 * {@link #load}). Only the segment logs are trusted; every other file is either derived (indexes,
 * rebuilt from the log) or self-checking (checkpoints, with a CRC).
 *
 * <h2>What recovery will NOT do</h2>
 * <ul>
 *   <li>It does not guess: after the first batch that is torn, fails its CRC, or breaks the offset
 *       sequence, it does not search for a later "good looking" batch; everything from that byte on is
 *       cut off and reported (Vector's disk buffer and Kafka's log recovery take the same line).</li>
 *   <li>It does not re-verify CRCs of sealed segments that have a valid index file: the index is
 *       written only after the segment was fsynced, so such a segment was complete on disk. Bit rot
 *       inside one is found by {@link LaneInspector#check} or by a reader (which then fails).</li>
 *   <li>It does not invent a checkpoint: a corrupt checkpoint is treated as absent (the consumer
 *       re-reads from the start of the retained stream).</li>
 *   <li>It does not delete data it did not prove damaged: segments after a truncated one are renamed
 *       {@code .quarantined} (they would leave an offset gap), not removed.</li>
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

    private final String lane;
    private final Path dir;
    private final int indexIntervalBytes;
    private final LocalCheckpoints checkpoints;

    public LaneLoader(String lane, Path laneDir, int indexIntervalBytes, LocalCheckpoints checkpoints) {
        this.lane = lane;
        this.dir = laneDir;
        this.indexIntervalBytes = indexIntervalBytes;
        this.checkpoints = checkpoints;
    }

    /** Runs the recovery passes. */
    public Loaded load() throws IOException {
        Files.createDirectories(dir);
        List<String> leftovers = new ArrayList<>();
        List<String> rebuilt = new ArrayList<>();
        List<RecoveryReport.Truncation> truncations = new ArrayList<>();
        List<String> quarantined = new ArrayList<>();

        // Pass 1: delete temp files. A *.tmp is a checkpoint or index write that never reached its
        // rename; the file it was replacing is still intact, so the temp file carries nothing.
        deleteTempFiles(dir, leftovers);
        deleteTempFiles(dir.resolve(LaneFiles.CHECKPOINT_DIR), leftovers);

        // Pass 2: note and remove the clean-shutdown marker. It must be gone before the first new
        // append, or a crash later in this run would be mistaken for a clean stop.
        Path marker = dir.resolve(LaneFiles.CLEAN_SHUTDOWN);
        boolean clean = Files.deleteIfExists(marker);
        if (clean) {
            LaneFiles.fsyncDirectory(dir);
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

        // Pass 4: open each segment. A sealed segment with a valid index file (checked against the
        // log length) is taken as is. The tail segment after an unclean stop, and any segment whose
        // index is missing or unusable, is scanned batch by batch: framing, CRC, contiguous offsets.
        // The index is rebuilt from that scan. The first damaged byte ends the scan.
        Segments segments = new Segments();
        long expectedBase = -1;
        boolean cut = false;
        Long lastBase = logs.isEmpty() ? null : logs.lastKey();
        for (var e : logs.entrySet()) {
            long base = e.getKey();
            Path logFile = e.getValue();
            if (cut || (expectedBase >= 0 && base != expectedBase)) {
                // Pass 4b: an earlier segment lost its tail, or the names leave a gap: set aside.
                Path q = logFile.resolveSibling(logFile.getFileName() + LaneFiles.QUARANTINE_SUFFIX);
                Files.move(logFile, q, StandardCopyOption.REPLACE_EXISTING);
                Files.deleteIfExists(LaneFiles.indexFile(dir, base));
                quarantined.add(logFile.getFileName() + (cut ? " (after a truncated segment)"
                        : " (expected base offset " + expectedBase + ")"));
                cut = true;
                continue;
            }
            long logBytes = Files.size(logFile);
            boolean tail = base == lastBase;
            String[] problem = new String[1];
            SegmentIndex.Loaded idx = SegmentIndex.load(LaneFiles.indexFile(dir, base), base, logBytes, indexIntervalBytes, problem);
            Segment seg;
            if (idx != null && (clean || !tail)) {
                seg = Segment.open(dir, base, idx.index(), logBytes, idx.nextOffset(), idx.maxReceivedAtNanos());
            } else {
                if (idx == null && !(tail && !clean && "missing".equals(problem[0]))) {
                    rebuilt.add(logFile.getFileName() + ": " + problem[0]);
                }
                seg = scan(base, logFile, logBytes, truncations);
                cut = seg.size() < logBytes;
                if (!tail && !cut) {
                    seg.seal(); // persist the rebuilt index of a sealed segment
                }
            }
            if (tail || cut) {
                // The open tail keeps its index in memory; a stale file on disk would only mislead.
                Files.deleteIfExists(LaneFiles.indexFile(dir, base));
            }
            segments.add(seg);
            expectedBase = seg.nextOffset();
        }

        // Pass 5: a lane with no segment (new, or everything quarantined) starts a fresh one where
        // the last good data ended, so offsets never go back.
        if (segments.last() == null) {
            segments.add(Segment.create(dir, 0, indexIntervalBytes));
        }
        if (!truncations.isEmpty() || !quarantined.isEmpty()) {
            LaneFiles.fsyncDirectory(dir);
        }

        // Pass 6: load consumer checkpoints; corrupt ones are reported and treated as absent.
        checkpoints.load();

        RecoveryReport report = new RecoveryReport(lane, clean, segments.count(), leftovers, rebuilt, truncations, quarantined,
                checkpoints.problems(), segments.first().baseOffset(), segments.last().nextOffset());
        if (report.lossless()) {
            LOG.info("recovered {}", report.summary());
        } else {
            LOG.warn("recovered with loss: {}", report.summary());
        }
        return new Loaded(segments, report);
    }

    /** Scans a segment, rebuilding its index; truncates the file at the first damaged byte. */
    private Segment scan(long base, Path logFile, long logBytes, List<RecoveryReport.Truncation> truncations) throws IOException {
        SegmentIndex index = new SegmentIndex(indexIntervalBytes);
        long next = base;
        long maxReceived = Long.MIN_VALUE;
        long valid;
        try (FileChannel ch = FileChannel.open(logFile, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            BatchScanner scanner = new BatchScanner(ch, 0, logBytes, true);
            String damage = null;
            while (true) {
                BatchScanner.Step step = scanner.next();
                if (step instanceof BatchScanner.Batch b) {
                    if (b.header().baseOffset() != next) {
                        damage = "base offset " + b.header().baseOffset() + " where " + next + " was expected";
                        break;
                    }
                    index.maybeAdd((int) (next - base), (int) b.position());
                    next = b.header().nextOffset();
                    maxReceived = Math.max(maxReceived, b.header().receivedAtNanos());
                } else if (step instanceof BatchScanner.Damaged d) {
                    damage = d.reason();
                    break;
                } else {
                    break;
                }
            }
            valid = scanner.position();
            if (damage != null) {
                int dropped = countFramedBatches(ch, valid, logBytes);
                ch.truncate(valid);
                ch.force(true);
                truncations.add(new RecoveryReport.Truncation(logFile.getFileName().toString(), valid, logBytes - valid,
                        dropped, next, damage));
            }
        }
        return Segment.open(dir, base, index, valid, next, maxReceived);
    }

    /** Batches in {@code [from, limit)} going by length fields alone: the damaged one, then any still framed. */
    private static int countFramedBatches(FileChannel ch, long from, long limit) throws IOException {
        int n = 1;
        byte[] head = new byte[BatchCodec.HEADER_SIZE];
        if (limit - from >= BatchCodec.HEADER_SIZE) {
            ch.read(java.nio.ByteBuffer.wrap(head), from);
            try {
                BatchCodec.headerLength(head, 0);
                long after = from + BatchCodec.length(head, 0);
                if (after < limit) {
                    BatchScanner walk = new BatchScanner(ch, after, limit, false);
                    while (walk.next() instanceof BatchScanner.Batch) {
                        n++;
                    }
                }
            } catch (CorruptBatchException e) {
                // the damaged batch's own header is gone: nothing after it can be framed
            }
        }
        return n;
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
