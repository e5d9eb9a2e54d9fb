package io.loglane.stream.local;

import io.loglane.core.event.RecordBlock;
import io.loglane.stream.Partitions;
import io.loglane.stream.StoredBatch;
import io.loglane.stream.StreamReader;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;

/**
 * Sequential reader of a {@link LaneLog}. Remembers where the next batch starts in its segment, so
 * sequential polls need no index lookup; a seek uses the sparse index and walks forward from the
 * indexed batch. Verifies each batch before decoding it: its CRC, that it lies inside the segment,
 * and that its base offset (which the CRC does not cover) continues where the batch before it
 * ended, so a damaged header can never hand out records under wrong offsets.
 *
 * <p>A batch failing those checks means the segment changed on disk (start-up trusts the index of
 * a sealed segment and does not re-check it). The reader then has the lane recover that segment
 * ({@link LaneLog#repairCorruptSegment}), as start-up recovery would, and reads on past the gap the
 * dropped records leave.
 *
 * <p>Offsets may have gaps between segments (left by crash recovery, see FORMAT.md): a position in
 * a gap moves to the next segment's base offset and the first batch there is returned; gaps are
 * not counted in {@link #skipped()}, as no record was ever stored there.
 *
 * <p>Thread-safety: one thread per reader.
 */
final class LaneReader implements StreamReader {
    private final LaneLog log;
    private long position;
    private long skipped;
    private Segment hintSegment;
    private long hintFilePos = -1;
    /** Base offset the batch at {@link #hintFilePos} must have. */
    private long hintExpected;
    private byte[] buf = new byte[64 * 1024];

    LaneReader(LaneLog log, long position) {
        this.log = log;
        this.position = position;
    }

    @Override
    public StoredBatch poll(Duration wait) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Math.max(0, wait.toNanos());
        while (true) {
            long start = log.startOffset();
            if (position < start) {
                // Retention removed what this (unregistered) reader had not read yet.
                skipped += start - position;
                position = start;
                hintSegment = null;
            }
            if (position < log.durableEnd()) {
                StoredBatch b = readAt(position);
                if (b != null) {
                    position = b.nextOffset();
                    return b;
                }
                continue;
            }
            if (!log.awaitData(position, deadline - System.nanoTime())) {
                return null;
            }
        }
    }

    /**
     * The batch holding {@code offset} or, when {@code offset} lies in a gap, the first batch after
     * it. Null when its segment vanished under us (retention) or when the gap ends at or beyond the
     * durable end; the position has then moved past the gap.
     */
    private StoredBatch readAt(long offset) throws IOException {
        Segment seg = hintSegment;
        long filePos = hintFilePos;
        long expected = hintExpected;
        if (seg == null) {
            seg = log.segments().floor(offset);
            if (seg == null) {
                return null;
            }
            long entry = seg.floorEntry(offset);
            filePos = SegmentIndex.position(entry);
            expected = seg.baseOffset() + SegmentIndex.relativeOffset(entry);
        }
        try {
            while (true) {
                if (filePos >= seg.size()) {
                    Segment next = log.segments().next(seg);
                    if (next == null) {
                        throw new CorruptBatchException("offset " + offset + " is below the durable end but past the last segment");
                    }
                    seg = next;
                    filePos = 0;
                    expected = next.baseOffset();
                    if (next.baseOffset() > offset) {
                        // A gap: offsets recovery left without records (see FORMAT.md). Nothing is
                        // there to return, so the position moves past it; an empty segment at the
                        // end of the lane leaves the reader waiting at its base offset.
                        offset = next.baseOffset();
                        position = offset;
                        hintSegment = next;
                        hintFilePos = 0;
                        hintExpected = offset;
                        if (offset >= log.durableEnd()) {
                            return null;
                        }
                    }
                    continue;
                }
                seg.read(filePos, buf, BatchCodec.HEADER_SIZE);
                int headerLength = BatchCodec.headerLength(buf, 0);
                int length = BatchCodec.length(buf, 0);
                long base = io.loglane.core.event.Bytes.getLong(buf, BatchCodec.OFF_BASE_OFFSET);
                int count = io.loglane.core.event.Bytes.getInt(buf, BatchCodec.OFF_RECORD_COUNT);
                if (filePos + length > seg.size()) {
                    throw new CorruptBatchException("batch of " + length + " bytes runs past the segment's end at byte " + seg.size());
                }
                if (base != expected) {
                    throw new CorruptBatchException("batch has base offset " + base + " where " + expected + " follows");
                }
                if (count < 1) {
                    throw new CorruptBatchException("impossible record count " + count);
                }
                if (base + count <= offset) {
                    filePos += length;
                    expected = base + count;
                    continue;
                }
                if (buf.length < length) {
                    buf = new byte[Math.max(length, buf.length * 2)];
                }
                seg.read(filePos, buf, Math.max(length, headerLength));
                BatchHeader h = BatchCodec.decodeHeader(buf, 0);
                BatchCodec.verify(buf, 0, h);
                RecordBlock records = BatchCodec.records(buf, 0, h);
                hintSegment = seg;
                hintFilePos = filePos + length;
                hintExpected = h.nextOffset();
                return new StoredBatch(Partitions.SINGLE, h.baseOffset(), h.tag(), h.receivedAtNanos(), records, h.chunkId(), h.sourcePosition(),
                        h.source(), h.hashChained() ? BatchCodec.chainHash(buf, 0) : null);
            }
        } catch (ClosedChannelException e) {
            hintSegment = null;
            if (!log.isOpen()) {
                throw e;
            }
            return null;
        } catch (CorruptBatchException e) {
            hintSegment = null;
            CorruptBatchException located = new CorruptBatchException("lane " + log.lane() + ", " + seg.logFile().getFileName()
                    + " at byte " + filePos + ": " + e.getMessage(), e);
            if (log.repairCorruptSegment(seg, located)) {
                return null; // the segment was recovered: look the position up again
            }
            throw located;
        }
    }

    @Override
    public long position() { return position; }

    @Override
    public void seek(long offset) {
        position = Math.max(offset, log.startOffset());
        hintSegment = null;
    }

    @Override
    public long skipped() { return skipped; }

    @Override
    public void close() {
        hintSegment = null;
    }
}
