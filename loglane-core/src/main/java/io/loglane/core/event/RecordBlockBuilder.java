package io.loglane.core.event;

import java.util.Arrays;

/**
 * Accumulates records into the {@link RecordBlock} encoding. Reusable: {@link #build()} copies
 * out an immutable block and {@link #reset()} starts over without freeing the buffer, so a
 * long-lived builder per connection allocates only when a batch is larger than any before.
 *
 * <p>Thread-safety: not thread-safe.
 */
public final class RecordBlockBuilder {
    private byte[] buf;
    private int size;
    private int count;
    private long min = Long.MAX_VALUE;
    private long max = Long.MIN_VALUE;

    public RecordBlockBuilder() { this(4096); }

    public RecordBlockBuilder(int initialCapacity) { this.buf = new byte[Math.max(64, initialCapacity)]; }

    /** Appends a record whose msgpack map lies in {@code rec[recOff, recOff+recLen)}, without metadata. */
    public RecordBlockBuilder add(long tsNanos, byte[] rec, int recOff, int recLen) {
        return add(tsNanos, rec, recOff, recLen, null, 0, 0);
    }

    /**
     * Appends a record. {@code meta} may be null or empty for none.
     */
    public RecordBlockBuilder add(long tsNanos, byte[] rec, int recOff, int recLen, byte[] meta, int metaOff, int metaLen) {
        if (meta == null) {
            metaLen = 0;
        }
        ensure(8 + 5 + metaLen + 5 + recLen);
        Bytes.putLong(buf, size, tsNanos);
        size += 8;
        size = Bytes.putUVarint(buf, size, metaLen);
        if (metaLen > 0) {
            System.arraycopy(meta, metaOff, buf, size, metaLen);
            size += metaLen;
        }
        size = Bytes.putUVarint(buf, size, recLen);
        System.arraycopy(rec, recOff, buf, size, recLen);
        size += recLen;
        count++;
        if (tsNanos < min) min = tsNanos;
        if (tsNanos > max) max = tsNanos;
        return this;
    }

    /** Appends the record a cursor is positioned on, verbatim. */
    public RecordBlockBuilder addEncoded(RecordCursor c) {
        return addEncoded(c, c.tsNanos());
    }

    /** Appends the record a cursor is positioned on, verbatim but for its event time, which becomes {@code tsNanos}. */
    public RecordBlockBuilder addEncoded(RecordCursor c, long tsNanos) {
        int n = c.encodedLength();
        ensure(n);
        System.arraycopy(c.array(), c.encodedStart(), buf, size, n);
        Bytes.putLong(buf, size, tsNanos);
        size += n;
        count++;
        if (tsNanos < min) min = tsNanos;
        if (tsNanos > max) max = tsNanos;
        return this;
    }

    public int count() { return count; }
    public int sizeBytes() { return size; }
    /** Bytes the buffer can hold before it grows. */
    public int capacity() { return buf.length; }

    /** An immutable copy of what was added so far. */
    public RecordBlock build() {
        if (count == 0) {
            return RecordBlock.EMPTY;
        }
        return new RecordBlock(Arrays.copyOf(buf, size), 0, size, count, min, max);
    }

    /**
     * What was added so far, on the builder's own buffer (nothing copied), which the builder gives
     * up: it starts over empty with a new small buffer. For a builder used once per large batch,
     * where {@link #build()}'s copy would double the batch's memory.
     */
    public RecordBlock take() {
        RecordBlock b = count == 0 ? RecordBlock.EMPTY : new RecordBlock(buf, 0, size, count, min, max);
        buf = new byte[64];
        reset();
        return b;
    }

    public void reset() {
        reset(Integer.MAX_VALUE);
    }

    /**
     * Empties the builder and, if its buffer grew past {@code retainBytes} (one unusually large
     * batch), gives the buffer back so a long-lived builder does not pin its peak size.
     */
    public void reset(int retainBytes) {
        if (buf.length > retainBytes) {
            buf = new byte[Math.max(64, Math.min(4096, retainBytes))];
        }
        size = 0;
        count = 0;
        min = Long.MAX_VALUE;
        max = Long.MIN_VALUE;
    }

    private void ensure(int extra) {
        if (size + extra > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + extra));
        }
    }
}
