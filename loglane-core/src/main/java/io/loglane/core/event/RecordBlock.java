package io.loglane.core.event;

import java.util.Arrays;

/**
 * An immutable run of events that share a tag: the unit every stage of the pipeline passes on.
 * Inputs build blocks, the router splits them by lane, the stream stores them as the (compressed)
 * payload of one batch, and delivery reads them back.
 *
 * <h2>Encoding</h2>
 * The bytes are a concatenation of {@code count} records, each:
 * <pre>
 *   record := tsNanos   int64, big-endian  event time, nanoseconds since the epoch (UTC)
 *             metaLen   uvarint            0 when the entry carried no (or an empty) metadata map
 *             meta      byte[metaLen]      msgpack map, as received (Forward {@code [[time, meta], record]})
 *             recLen    uvarint
 *             rec       byte[recLen]       msgpack map: the record, as received from the wire
 * </pre>
 * Keeping the record as msgpack bytes lets the Forward path copy records without decoding them.
 * The router may change two things before a record is stored, as its lane's parser reads the
 * message: {@code tsNanos} (the time the message states) and, for a JSON message, {@code rec}
 * (the object's fields added after the record's own entries; see
 * {@link io.loglane.core.parse.JsonMessage}).
 * The format is part of the stream's on-disk format (see loglane-stream FORMAT.md); change it only
 * with a new batch version.
 *
 * <p>Thread-safety: immutable once built; the backing array must not be modified by anyone.
 */
public final class RecordBlock {
    /** An empty block. */
    public static final RecordBlock EMPTY = new RecordBlock(new byte[0], 0, 0, 0, Long.MAX_VALUE, Long.MIN_VALUE);

    private final byte[] buf;
    private final int off;
    private final int len;
    private final int count;
    private final long minTsNanos;
    private final long maxTsNanos;

    /**
     * Wraps already-encoded records; the caller vouches that {@code buf[off, off+len)} holds exactly
     * {@code count} records. Use {@link #parse} for bytes of unknown provenance.
     */
    public RecordBlock(byte[] buf, int off, int len, int count, long minTsNanos, long maxTsNanos) {
        if (off < 0 || len < 0 || off + len > buf.length || count < 0) {
            throw new IllegalArgumentException("bad block bounds");
        }
        this.buf = buf;
        this.off = off;
        this.len = len;
        this.count = count;
        this.minTsNanos = minTsNanos;
        this.maxTsNanos = maxTsNanos;
    }

    /**
     * Validates the framing of {@code buf[off, off+len)} and returns the block it holds.
     *
     * @throws IllegalArgumentException if the bytes are not a whole number of well-framed records
     *     or do not hold {@code expectedCount} of them (pass -1 to accept any count)
     */
    public static RecordBlock parse(byte[] buf, int off, int len, int expectedCount) {
        RecordCursor c = new RecordCursor(buf, off, len);
        int n = 0;
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        while (c.next()) {
            n++;
            min = Math.min(min, c.tsNanos());
            max = Math.max(max, c.tsNanos());
        }
        if (expectedCount >= 0 && n != expectedCount) {
            throw new IllegalArgumentException("block holds " + n + " records, expected " + expectedCount);
        }
        return new RecordBlock(buf, off, len, n, min, max);
    }

    public byte[] array() { return buf; }
    public int offset() { return off; }
    public int length() { return len; }
    public int count() { return count; }
    public boolean isEmpty() { return count == 0; }
    /** Smallest event time in the block; {@code Long.MAX_VALUE} when empty. */
    public long minTsNanos() { return minTsNanos; }
    /** Largest event time in the block; {@code Long.MIN_VALUE} when empty. */
    public long maxTsNanos() { return maxTsNanos; }

    /** A new cursor over the records, positioned before the first. */
    public RecordCursor cursor() { return new RecordCursor(buf, off, len); }

    /** A record's new event time: given the cursor on a record, its time in nanoseconds since the epoch. */
    @FunctionalInterface
    public interface Retimer {
        /** The answer that abandons {@link #withTimes}: the caller needs more than new times. */
        long STOP = Long.MIN_VALUE;

        long tsNanos(RecordCursor record);
    }

    /**
     * This block with each record's event time replaced by {@code retimer}'s answer: this block
     * itself when no time changes, else a copy with the new times. Records are copied verbatim: the
     * time is a fixed-size header field, so nothing is re-encoded.
     *
     * @return the block with the new times, or null when the retimer answered {@link Retimer#STOP}
     */
    public RecordBlock withTimes(Retimer retimer) {
        byte[] copy = null;
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        RecordCursor c = cursor();
        while (c.next()) {
            long ts = retimer.tsNanos(c);
            if (ts == Retimer.STOP) {
                return null;
            }
            if (ts != c.tsNanos()) {
                if (copy == null) {
                    copy = toByteArray();
                }
                Bytes.putLong(copy, c.encodedStart() - off, ts);
            }
            min = Math.min(min, ts);
            max = Math.max(max, ts);
        }
        return copy == null ? this : new RecordBlock(copy, 0, len, count, min, max);
    }

    /**
     * The first {@code n} records: a view of the same bytes (nothing copied), its time range
     * recomputed; this block itself when {@code n} is its count.
     *
     * @throws IllegalArgumentException when {@code n} is negative or more than the count
     */
    public RecordBlock prefix(int n) {
        if (n < 0 || n > count) {
            throw new IllegalArgumentException("prefix of " + n + " records of a block of " + count);
        }
        if (n == count) {
            return this;
        }
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        int end = off;
        RecordCursor c = cursor();
        for (int i = 0; i < n && c.next(); i++) {
            min = Math.min(min, c.tsNanos());
            max = Math.max(max, c.tsNanos());
            end = c.encodedStart() + c.encodedLength();
        }
        return new RecordBlock(buf, off, end - off, n, min, max);
    }

    /** The encoded bytes as a fresh array of exactly {@link #length()} bytes. */
    public byte[] toByteArray() { return Arrays.copyOfRange(buf, off, off + len); }

    @Override
    public String toString() { return "RecordBlock[count=" + count + ", bytes=" + len + "]"; }
}
