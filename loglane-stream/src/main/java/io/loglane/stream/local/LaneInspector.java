package io.loglane.stream.local;

import io.loglane.stream.Partitions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Read-only tools over a lane directory, behind {@code ./loglane stream dump|check} (Kafka's
 * DumpLogSegments, Lucene's CheckIndex). Neither method modifies any file, so both are safe on a
 * lane a running node has open (they may then see a batch being written as torn).
 *
 * <p>Thread-safety: stateless.
 */
public final class LaneInspector {
    private LaneInspector() {}

    /**
     * Prints one line per batch, starting with the batch that holds {@code fromOffset}:
     * offsets, record count, tag, event-time range, receivedAt, chunk id, bytes, codec, CRC status.
     * Stops at the first damaged batch of a segment (printing why) and after {@code maxBatches}.
     */
    public static void dump(Path laneDir, long fromOffset, int maxBatches, PrintStream out) throws IOException {
        int printed = 0;
        for (var e : segmentFiles(laneDir).entrySet()) {
            if (printed >= maxBatches) {
                break;
            }
            try (FileChannel ch = FileChannel.open(e.getValue(), StandardOpenOption.READ)) {
                BatchScanner scan = new BatchScanner(ch, 0, ch.size(), false);
                while (printed < maxBatches) {
                    BatchScanner.Step step = scan.next();
                    if (step instanceof BatchScanner.Batch b) {
                        BatchHeader h = b.header();
                        if (h.nextOffset() <= fromOffset) {
                            continue;
                        }
                        boolean crcOk = crcOk(ch, b.position(), h);
                        out.printf("%s pos=%d offsets=%d..%d count=%d tag=%s ts=%s..%s receivedAt=%s chunk=%s bytes=%d codec=%s crc=%s%n",
                                e.getValue().getFileName(), b.position(), h.baseOffset(), h.nextOffset() - 1, h.recordCount(), h.tag(),
                                instant(h.minTsNanos()), instant(h.maxTsNanos()), instant(h.receivedAtNanos()),
                                h.chunkId() == null ? "-" : h.chunkId(), h.length(), h.codec() == BatchCodec.CODEC_LZ4 ? "lz4" : "none",
                                crcOk ? "ok" : "BAD");
                        printed++;
                    } else if (step instanceof BatchScanner.Damaged d) {
                        out.printf("%s pos=%d DAMAGED%s: %s%n", e.getValue().getFileName(), d.position(), d.torn() ? " (torn)" : "", d.reason());
                        break;
                    } else {
                        break;
                    }
                }
            }
        }
    }

    /**
     * Verifies every batch (framing, CRC, payload decode), the offset order within and between
     * segments, indexes and checkpoints, the way recovery would see them ({@link SegmentScan}: a
     * damaged region does not hide the intact batches after it). Also lists what an earlier
     * recovery left behind: offset gaps between segments and {@code .quarantined} files with the
     * offsets their readable headers claim.
     */
    public static CheckReport check(Path laneDir) throws IOException {
        List<String> corrupt = new ArrayList<>();
        List<String> offsetErrors = new ArrayList<>();
        List<String> gaps = new ArrayList<>();
        List<String> indexProblems = new ArrayList<>();
        List<String> checkpointProblems = new ArrayList<>();
        long batches = 0;
        long records = 0;
        long bytes = 0;
        long prevEnd = -1;
        String prevName = null;
        TreeMap<Long, Path> files = segmentFiles(laneDir);
        for (var e : files.entrySet()) {
            long base = e.getKey();
            Path file = e.getValue();
            String name = file.getFileName().toString();
            if (prevEnd >= 0 && base < prevEnd) {
                offsetErrors.add(name + ": starts at offset " + base + ", below " + prevEnd + " where " + prevName + " ends");
            } else if (prevEnd >= 0 && base > prevEnd) {
                gaps.add("[" + prevEnd + ", " + base + ") between " + prevName + " and " + name);
            }
            SegmentIndex rebuilt = new SegmentIndex(LaneLog.INDEX_INTERVAL_BYTES);
            long size;
            SegmentScan.Result scan;
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                size = ch.size();
                scan = SegmentScan.scan(ch, base, size, LaneLog.INDEX_INTERVAL_BYTES);
                for (SegmentScan.Dropped d : scan.dropped()) {
                    List<RecoveryReport.OffsetRange> readable = SegmentScan.offsetRanges(d.headers());
                    corrupt.add(name + "@" + d.position() + "+" + d.length() + ": " + (d.tornTail() ? "torn tail: " : "") + d.reason()
                            + (readable.isEmpty() ? "" : "; readable offsets " + readable));
                }
                for (SegmentScan.Run run : scan.runs()) {
                    BatchScanner walk = new BatchScanner(ch, run.position(), run.end(), true);
                    while (walk.next() instanceof BatchScanner.Batch b) {
                        BatchHeader h = b.header();
                        try {
                            BatchCodec.records(b.bytes(), 0, h);
                        } catch (CorruptBatchException ex) {
                            corrupt.add(name + "@" + b.position() + "+" + h.length() + ": " + ex.getMessage());
                        }
                        rebuilt.maybeAdd((int) (h.baseOffset() - base), (int) b.position());
                        batches++;
                        records += h.recordCount();
                        bytes += h.length();
                    }
                }
            }
            checkIndex(laneDir, base, size, rebuilt, files.lastKey() == base, indexProblems);
            prevEnd = scan.nextOffset();
            prevName = name;
        }
        Path cpDir = laneDir.resolve(LaneFiles.CHECKPOINT_DIR);
        if (Files.isDirectory(cpDir)) {
            try (DirectoryStream<Path> cps = Files.newDirectoryStream(cpDir, "*" + LaneFiles.CHECKPOINT_SUFFIX)) {
                for (Path f : cps) {
                    String n = f.getFileName().toString();
                    try {
                        CheckpointFile.decode(f, n.substring(0, n.length() - LaneFiles.CHECKPOINT_SUFFIX.length()), Partitions.SINGLE);
                    } catch (IOException ex) {
                        checkpointProblems.add(ex.getMessage());
                    }
                }
            }
        }
        return new CheckReport(files.size(), batches, records, bytes, corrupt, offsetErrors, gaps, quarantined(laneDir),
                indexProblems, checkpointProblems);
    }

    /** The quarantined files of a lane: name, size and the offsets their readable headers claim. */
    private static List<String> quarantined(Path laneDir) throws IOException {
        List<String> out = new ArrayList<>();
        try (DirectoryStream<Path> qs = Files.newDirectoryStream(laneDir, "*" + LaneFiles.QUARANTINE_SUFFIX)) {
            for (Path q : qs) {
                try (FileChannel ch = FileChannel.open(q, StandardOpenOption.READ)) {
                    long size = ch.size();
                    List<RecoveryReport.OffsetRange> readable = SegmentScan.offsetRanges(SegmentScan.headersIn(ch, 0, size, size, 0, Long.MAX_VALUE));
                    out.add(q.getFileName() + ": " + size + " bytes, " + (readable.isEmpty() ? "no readable header"
                            : "readable offsets " + String.join(", ", readable.stream().map(Object::toString).toList())));
                }
            }
        }
        out.sort(null);
        return out;
    }

    private static void checkIndex(Path laneDir, long base, long size, SegmentIndex rebuilt, boolean tail, List<String> problems) {
        String[] problem = new String[1];
        SegmentIndex.Loaded idx = SegmentIndex.load(LaneFiles.indexFile(laneDir, base), base, size, LaneLog.INDEX_INTERVAL_BYTES, problem);
        String name = LaneFiles.indexFile(laneDir, base).getFileName().toString();
        if (idx == null) {
            // The open tail segment of a running or crashed lane legitimately has no index file.
            if (!(tail && "missing".equals(problem[0]))) {
                problems.add(name + ": " + problem[0]);
            }
            return;
        }
        SegmentIndex stored = idx.index();
        for (int i = 0; i < stored.entryCount(); i++) {
            int[] entry = stored.entry(i);
            if (rebuilt.floorPosition(entry[0]) != entry[1]) {
                problems.add(name + ": entry " + i + " (offset +" + entry[0] + " at byte " + entry[1] + ") does not point at that batch");
                return;
            }
        }
    }

    private static boolean crcOk(FileChannel ch, long position, BatchHeader h) throws IOException {
        byte[] b = new byte[h.length()];
        ch.read(java.nio.ByteBuffer.wrap(b), position);
        try {
            BatchCodec.verify(b, 0, h);
            return true;
        } catch (CorruptBatchException e) {
            return false;
        }
    }

    private static String instant(long nanos) {
        return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L)).toString();
    }

    private static TreeMap<Long, Path> segmentFiles(Path laneDir) throws IOException {
        TreeMap<Long, Path> out = new TreeMap<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(laneDir, "*" + LaneFiles.LOG_SUFFIX)) {
            for (Path f : files) {
                long base = LaneFiles.baseOffsetOf(f, LaneFiles.LOG_SUFFIX);
                if (base >= 0) {
                    out.put(base, f);
                }
            }
        }
        return out;
    }
}
