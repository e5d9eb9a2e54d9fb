package io.loglane.core.event;

/**
 * Forward-only iterator over the records of a {@link RecordBlock} encoding. It allocates nothing
 * per record: accessors return positions in the shared backing array.
 *
 * <p>Thread-safety: not thread-safe; one cursor per reader.
 */
public final class RecordCursor {
    private final byte[] buf;
    private final int end;
    private int pos;
    private long ts;
    private int metaOff;
    private int metaLen;
    private int recOff;
    private int recLen;
    private int recordStart;

    public RecordCursor(byte[] buf, int off, int len) {
        this.buf = buf;
        this.pos = off;
        this.end = off + len;
    }

    /**
     * Advances to the next record.
     *
     * @return false at the end of the block
     * @throws IllegalArgumentException if the framing is broken (a truncated or overlong record)
     */
    public boolean next() {
        if (pos >= end) {
            return false;
        }
        recordStart = pos;
        if (end - pos < 8) {
            throw new IllegalArgumentException("truncated record header at " + pos);
        }
        ts = Bytes.getLong(buf, pos);
        pos += 8;
        metaLen = readLength();
        metaOff = pos;
        pos += metaLen;
        recLen = readLength();
        recOff = pos;
        pos += recLen;
        if (pos > end) {
            throw new IllegalArgumentException("record overruns block at " + recordStart);
        }
        return true;
    }

    private int readLength() {
        int value = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            if (pos >= end) {
                throw new IllegalArgumentException("truncated varint at " + pos);
            }
            byte b = buf[pos++];
            value |= (b & 0x7f) << shift;
            if (b >= 0) {
                if (value < 0 || value > end - pos) {
                    throw new IllegalArgumentException("length " + value + " overruns block at " + pos);
                }
                return value;
            }
        }
        throw new IllegalArgumentException("varint too long at " + pos);
    }

    public byte[] array() { return buf; }
    /** Event time of the current record, nanoseconds since the epoch. */
    public long tsNanos() { return ts; }
    public int metaOffset() { return metaOff; }
    /** 0 when the record has no metadata map. */
    public int metaLength() { return metaLen; }
    public int recordOffset() { return recOff; }
    public int recordLength() { return recLen; }
    /** Start of the whole encoded record (its timestamp), for copying it verbatim. */
    public int encodedStart() { return recordStart; }
    /** Length of the whole encoded record. */
    public int encodedLength() { return pos - recordStart; }
}
