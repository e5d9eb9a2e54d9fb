package io.loglane.stream.local;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * Recovery's read-only scan of one segment file: finds every intact batch, including those after
 * a damaged region, and splits the file into what to keep and what to drop. {@link LaneLoader}
 * acts on the result; {@link LaneInspector#check} reports it. Never writes.
 *
 * <h2>Pass 1: framing and CRC, with resync</h2>
 * Walks the file batch by batch as {@link BatchScanner} checks them (magic, version, a length that
 * fits in the file, header fields, CRC32C, zero chain hash). Where the bytes are not a valid batch
 * it searches forward, byte by byte, for the next position where a whole batch validates and goes
 * on from there. Everything between is a damaged region.
 *
 * <h2>Pass 2: offsets</h2>
 * The CRC leaves the base offset out, so offsets are checked against the writer's rule instead:
 * {@link LaneLog} writes the batches of a segment back to back with contiguous offsets, starting at
 * the segment's name. Hence
 * <ul>
 *   <li>a batch right after a kept batch (or at byte 0) is kept only if its base offset is exactly
 *       the expected one;</li>
 *   <li>a batch right after a damaged region is kept if its base offset is at least the expected one
 *       (records of the region are missing: a gap), at most {@link #MAX_OFFSET_JUMP} beyond it, and
 *       its records end at or before the base offset of the next intact batch found after it (so
 *       one flipped bit in a base offset cannot make every later batch look "backwards" and be
 *       dropped).</li>
 * </ul>
 * Rejected batches join the damaged regions around them. The kept batches form {@link Run}s of
 * contiguous offsets; a run that does not start at byte 0 with the segment's own base offset must
 * be moved to a segment file of its own, because within a segment offsets stay contiguous.
 *
 * <h2>Dropped regions</h2>
 * Each maximal byte range not covered by a kept batch is a {@link Dropped} region. Headers that can
 * still be decoded inside it (at its start and at every later "LLNB" magic) are reported with their
 * offsets and record counts. A header is plausible when its offsets fit where it lies: at or above
 * the expected offset and below the next kept batch (offsets grow with the file position), or, in
 * a dropped tail, at most {@link #MAX_OFFSET_JUMP} above the expected offset. Plausible headers
 * raise {@link Result#droppedEnd()}, the lowest offset the lane may hand out next, since their
 * offsets may have been acknowledged and delivered.
 * The region that runs to the end of the file and starts with a batch the file ends inside is the
 * torn tail of an interrupted write.
 *
 * <p>Thread-safety: stateless; positional reads only, so the channel may be shared.
 */
final class SegmentScan {
    /**
     * Largest step past the expected offset a base offset read from damaged or unchecked bytes may
     * take. Bounds what one flipped high bit can do to the offset space; 2^40 offsets are far more
     * than a segment can hold.
     */
    static final long MAX_OFFSET_JUMP = 1L << 40;
    private static final int SEARCH_CHUNK = 64 * 1024;
    private static final byte[] MAGIC = {0x4C, 0x4C, 0x4E, 0x42};

    /**
     * Kept batches with contiguous offsets, back to back in the file.
     *
     * @param position           byte position of the first batch in the scanned file
     * @param length             bytes of the run
     * @param baseOffset         offset of its first record
     * @param nextOffset         offset after its last record
     * @param batches            batches in the run
     * @param maxReceivedAtNanos newest arrival time in the run
     * @param index              sparse index with positions relative to {@code position}
     */
    record Run(long position, long length, long baseOffset, long nextOffset, int batches, long maxReceivedAtNanos, SegmentIndex index) {
        long end() { return position + length; }
    }

    /**
     * A header decoded in dropped bytes.
     *
     * @param position    where it starts
     * @param baseOffset  base offset it claims (not covered by the CRC)
     * @param recordCount records it claims
     * @param plausible   whether its offsets fit where it lies: at or above the expected offset, and
     *                    below the base offset of the next kept batch (or at most
     *                    {@link #MAX_OFFSET_JUMP} above the expected offset in a dropped tail)
     */
    record Header(long position, long baseOffset, int recordCount, boolean plausible) {
        long nextOffset() { return baseOffset + recordCount; }
    }

    /**
     * A byte range of the file that recovery does not keep.
     *
     * @param position       first byte
     * @param length         bytes
     * @param tornTail       true when it runs to the end of the file and starts with a batch the file
     *                       ends inside (an interrupted write): truncated, not worth quarantining
     * @param reason         why the bytes were rejected (the first problem found in them, and others)
     * @param headers        headers still readable in the range, in file order
     */
    record Dropped(long position, long length, boolean tornTail, String reason, List<Header> headers) {
        Dropped {
            headers = List.copyOf(headers);
        }

        long end() { return position + length; }
    }

    /**
     * What the scan found.
     *
     * @param baseOffset the segment's name
     * @param size       bytes in the file
     * @param runs       kept runs in file order, offsets ascending
     * @param dropped    dropped regions in file order
     */
    record Result(long baseOffset, long size, List<Run> runs, List<Dropped> dropped) {
        Result {
            runs = List.copyOf(runs);
            dropped = List.copyOf(dropped);
        }

        /** The run that stays in the file: the one at byte 0 starting at the segment's name; or null. */
        Run inPlace() {
            if (runs.isEmpty()) {
                return null;
            }
            Run first = runs.get(0);
            return first.position() == 0 && first.baseOffset() == baseOffset ? first : null;
        }

        /** A run that replaces the whole file: it starts at the segment's name, but not at byte 0; or null. */
        Run replacement() {
            for (Run r : runs) {
                if (r.baseOffset() == baseOffset && r != inPlace()) {
                    return r;
                }
            }
            return null;
        }

        /** Runs that go to segment files of their own (the replacement included). */
        List<Run> movedRuns() {
            Run in = inPlace();
            return runs.stream().filter(r -> r != in).toList();
        }

        /** Whether anything is dropped, i.e. the file must be cut or split. */
        boolean damaged() { return !dropped.isEmpty(); }

        /** Offset after the last kept record, or the segment's name when nothing is kept. */
        long nextOffset() {
            return runs.isEmpty() ? baseOffset : runs.get(runs.size() - 1).nextOffset();
        }

        /** Offset after the last plausible header in dropped bytes, or -1 when there is none. */
        long droppedEnd() {
            long max = -1;
            for (Dropped d : dropped) {
                for (Header h : d.headers()) {
                    if (h.plausible()) {
                        max = Math.max(max, h.nextOffset());
                    }
                }
            }
            return max;
        }
    }

    /** An intact batch found by pass 1. */
    private record Found(long position, int length, long baseOffset, int recordCount, long receivedAtNanos) {
        long end() { return position + length; }

        long nextOffset() { return baseOffset + recordCount; }
    }

    /** Bytes pass 1 could not read as a batch: {@code [from, to)}. */
    private record Damage(long from, long to, boolean torn, String reason) {}

    private SegmentScan() {}

    /** Scans {@code [0, size)} of a segment named {@code baseOffset} whose end offset is unknown (the tail, or at start-up). */
    static Result scan(FileChannel ch, long baseOffset, long size, int indexIntervalBytes) throws IOException {
        return scan(ch, baseOffset, size, indexIntervalBytes, Long.MAX_VALUE);
    }

    /**
     * Scans {@code [0, size)} of a segment named {@code baseOffset} whose records all lie below
     * {@code endOffset} (a sealed segment of a running lane: the next segment starts there). A
     * batch claiming offsets at or past it is dropped, and no dropped header past it is plausible.
     */
    static Result scan(FileChannel ch, long baseOffset, long size, int indexIntervalBytes, long endOffset) throws IOException {
        List<Found> found = new ArrayList<>();
        List<Damage> damage = new ArrayList<>();
        findBatches(ch, size, found, damage);
        return decide(ch, baseOffset, size, indexIntervalBytes, endOffset, found, damage);
    }

    private static void findBatches(FileChannel ch, long size, List<Found> found, List<Damage> damage) throws IOException {
        BatchScanner scanner = new BatchScanner(ch, 0, size, true);
        while (true) {
            BatchScanner.Step step = scanner.next();
            if (step instanceof BatchScanner.Batch b) {
                BatchHeader h = b.header();
                found.add(new Found(b.position(), h.length(), h.baseOffset(), h.recordCount(), h.receivedAtNanos()));
            } else if (step instanceof BatchScanner.Damaged d) {
                long resume = nextValidBatch(ch, d.position() + 1, size);
                damage.add(new Damage(d.position(), resume < 0 ? size : resume, d.torn() && resume < 0, d.reason()));
                if (resume < 0) {
                    return;
                }
                scanner = new BatchScanner(ch, resume, size, true);
            } else {
                return;
            }
        }
    }

    private static Result decide(FileChannel ch, long baseOffset, long size, int indexIntervalBytes, long endOffset,
            List<Found> found, List<Damage> damage) throws IOException {
        List<Run> runs = new ArrayList<>();
        List<Dropped> dropped = new ArrayList<>();
        List<String> rejections = new ArrayList<>();
        long expected = baseOffset;
        long keptEnd = 0;
        RunBuilder run = null;
        for (int i = 0; i < found.size(); i++) {
            Found f = found.get(i);
            boolean adjacent = f.position() == keptEnd;
            String why = null;
            if (f.nextOffset() > endOffset) {
                why = "intact batch at byte " + f.position() + " has offsets [" + f.baseOffset() + ", " + f.nextOffset()
                        + ") past the segment's end offset " + endOffset;
            } else if (adjacent) {
                if (f.baseOffset() != expected) {
                    why = "intact batch at byte " + f.position() + " has base offset " + f.baseOffset() + " where " + expected + " follows";
                }
            } else if (f.baseOffset() < expected) {
                why = "intact batch at byte " + f.position() + " has base offset " + f.baseOffset() + " below the expected " + expected;
            } else if (f.baseOffset() - expected > MAX_OFFSET_JUMP) {
                why = "intact batch at byte " + f.position() + " has implausible base offset " + f.baseOffset();
            } else if (i + 1 < found.size() && found.get(i + 1).baseOffset() < f.nextOffset()) {
                why = "intact batch at byte " + f.position() + " has base offset " + f.baseOffset()
                        + ", inconsistent with the next intact batch at offset " + found.get(i + 1).baseOffset();
            }
            if (why != null) {
                rejections.add(why);
                continue;
            }
            if (!adjacent) {
                dropped.add(droppedRegion(ch, keptEnd, f.position(), size, expected, f.baseOffset(), damage, rejections));
                rejections.clear();
                if (run != null) {
                    runs.add(run.build());
                }
                run = null;
            }
            if (run == null) {
                run = new RunBuilder(f.position(), f.baseOffset(), indexIntervalBytes);
            }
            run.add(f);
            expected = f.nextOffset();
            keptEnd = f.end();
        }
        if (run != null) {
            runs.add(run.build());
        }
        if (keptEnd < size) {
            long upper = endOffset - expected < MAX_OFFSET_JUMP ? endOffset : expected + MAX_OFFSET_JUMP;
            dropped.add(droppedRegion(ch, keptEnd, size, size, expected, upper, damage, rejections));
        }
        return new Result(baseOffset, size, runs, dropped);
    }

    /** The dropped bytes {@code [from, to)}, whose records' offsets lie in {@code [expected, upper)}. */
    private static Dropped droppedRegion(FileChannel ch, long from, long to, long size, long expected, long upper,
            List<Damage> damage, List<String> rejections) throws IOException {
        List<String> reasons = new ArrayList<>();
        boolean torn = false;
        for (Damage d : damage) {
            if (d.from() >= from && d.from() < to) {
                reasons.add((d.torn() ? "torn: " : "") + d.reason() + (d.from() == from ? "" : " (at byte " + d.from() + ")"));
                torn = d.torn() && d.from() == from && d.to() == size && to == size;
            }
        }
        reasons.addAll(rejections);
        if (torn && reasons.size() > 1) {
            torn = false; // intact batches were rejected in it: more than an interrupted write
        }
        List<Header> headers = headersIn(ch, from, to, size, expected, upper);
        return new Dropped(from, to - from, torn, String.join("; ", reasons), headers);
    }

    /** The offsets claimed by the plausible headers, contiguous ones merged. */
    static List<RecoveryReport.OffsetRange> offsetRanges(List<Header> headers) {
        List<RecoveryReport.OffsetRange> out = new ArrayList<>();
        for (Header h : headers) {
            if (!h.plausible()) {
                continue;
            }
            RecoveryReport.OffsetRange last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && last.to() == h.baseOffset()) {
                out.set(out.size() - 1, new RecoveryReport.OffsetRange(last.from(), h.nextOffset(), last.batches() + 1));
            } else {
                out.add(new RecoveryReport.OffsetRange(h.baseOffset(), h.nextOffset(), 1));
            }
        }
        return out;
    }

    /**
     * Every header readable in {@code [from, to)}: at {@code from} and at each later magic. One is
     * plausible when its offsets lie in {@code [lower, upper)}.
     */
    static List<Header> headersIn(FileChannel ch, long from, long to, long size, long lower, long upper) throws IOException {
        List<Header> headers = new ArrayList<>();
        for (long p = from; p >= 0 && p < to; p = findMagic(ch, p + 1, to)) {
            BatchHeader h = readHeader(ch, p, size);
            if (h != null) {
                boolean plausible = h.baseOffset() >= lower && h.baseOffset() <= upper - h.recordCount(); // no overflow
                headers.add(new Header(p, h.baseOffset(), h.recordCount(), plausible));
            }
        }
        return headers;
    }

    /**
     * Decodes the header of the batch at {@code position} if its magic, version, length and header
     * fields are sane and the header itself lies in the file (the payload may be cut off); else null.
     */
    static BatchHeader readHeader(FileChannel ch, long position, long size) throws IOException {
        if (size - position < BatchCodec.HEADER_SIZE) {
            return null;
        }
        byte[] fixed = new byte[BatchCodec.HEADER_SIZE];
        readFully(ch, fixed, position);
        int headerLength;
        try {
            headerLength = BatchCodec.headerLength(fixed, 0);
        } catch (CorruptBatchException e) {
            return null;
        }
        if (size - position < headerLength) {
            return null;
        }
        byte[] all = new byte[headerLength];
        readFully(ch, all, position);
        try {
            return BatchCodec.decodeHeader(all, 0);
        } catch (CorruptBatchException e) {
            return null;
        }
    }

    /** The first position at or after {@code from} where a whole, CRC-valid batch starts; -1 if none. */
    static long nextValidBatch(FileChannel ch, long from, long size) throws IOException {
        for (long p = findMagic(ch, from, size); p >= 0; p = findMagic(ch, p + 1, size)) {
            if (new BatchScanner(ch, p, size, true).next() instanceof BatchScanner.Batch) {
                return p;
            }
        }
        return -1;
    }

    /** The first position in {@code [from, to)} where the batch magic starts (all of it before {@code to}); -1 if none. */
    static long findMagic(FileChannel ch, long from, long to) throws IOException {
        byte[] buf = new byte[SEARCH_CHUNK];
        long start = from;
        while (to - start >= MAGIC.length) {
            int len = (int) Math.min(buf.length, to - start);
            readFully(ch, buf, 0, len, start);
            for (int i = 0; i + MAGIC.length <= len; i++) {
                if (buf[i] == MAGIC[0] && buf[i + 1] == MAGIC[1] && buf[i + 2] == MAGIC[2] && buf[i + 3] == MAGIC[3]) {
                    return start + i;
                }
            }
            start += len - (MAGIC.length - 1); // a magic may straddle the chunk boundary
        }
        return -1;
    }

    private static void readFully(FileChannel ch, byte[] dst, long position) throws IOException {
        readFully(ch, dst, 0, dst.length, position);
    }

    private static void readFully(FileChannel ch, byte[] dst, int off, int len, long position) throws IOException {
        BatchScanner.readFully(ch, dst, off, len, position);
    }

    /** Accumulates one {@link Run}. */
    private static final class RunBuilder {
        private final long position;
        private final long baseOffset;
        private final SegmentIndex index;
        private long end;
        private long nextOffset;
        private int batches;
        private long maxReceived = Long.MIN_VALUE;

        RunBuilder(long position, long baseOffset, int indexIntervalBytes) {
            this.position = position;
            this.baseOffset = baseOffset;
            this.index = new SegmentIndex(indexIntervalBytes);
            this.end = position;
            this.nextOffset = baseOffset;
        }

        void add(Found f) {
            index.maybeAdd((int) (f.baseOffset() - baseOffset), (int) (f.position() - position));
            end = f.end();
            nextOffset = f.nextOffset();
            batches++;
            maxReceived = Math.max(maxReceived, f.receivedAtNanos());
        }

        Run build() {
            return new Run(position, end - position, baseOffset, nextOffset, batches, maxReceived, index);
        }
    }
}
