package io.loglane.inputs.forward;

import io.loglane.core.event.Bytes;
import io.loglane.core.event.RecordBlockBuilder;
import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.ValueType;

import java.io.IOException;

/**
 * Reads one Forward entry, {@code [time, record]} or {@code [[time, metadata], record]} (or, for
 * Message mode, a bare {@code time, record} pair), locating the record and metadata maps as byte
 * ranges of the array the unpacker reads; nothing is materialized and nothing is allocated.
 *
 * <p>Two steps, so a caller that runs out of bytes half-way can retry the same entry later:
 * {@link #parseEntry}/{@link #parseTimeAndRecord} only read (and throw
 * {@link org.msgpack.core.MessageInsufficientBufferException} if the entry is incomplete);
 * {@link #commit} then appends the entry to a builder, or counts it as rejected when it was
 * well-formed msgpack but not a valid event (time that is not a time, record that is not a map,
 * wrong entry shape).
 *
 * <p>Accepted times: EventTime (ext type 0, 8 bytes, as fixext 8 or ext 8), a non-negative integer
 * of seconds (any integer encoding, including uint64 headers), a non-negative float of seconds
 * (rounded to the microsecond, which is all a double holds at today's epoch).
 *
 * <p>Thread-safety: not thread-safe; one per decoder.
 */
final class EntryReader {
    private static final long NANOS = 1_000_000_000L;
    private static final long MAX_SECONDS = Long.MAX_VALUE / NANOS;

    private byte[] arr;
    private int absBase;
    private boolean valid;
    private long tsNanos;
    private int recOff;
    private int recLen;
    private int metaOff;
    private int metaLen;
    private int rejected;
    private long rejectedBytes;
    private long entryBytes;

    /** Rejected entries since the last {@link #resetRejected()}. */
    int rejected() { return rejected; }

    /** Msgpack bytes of the rejected entries since the last {@link #resetRejected()}. */
    long rejectedBytes() { return rejectedBytes; }

    void resetRejected() {
        rejected = 0;
        rejectedBytes = 0;
    }

    /**
     * Reads a whole entry. {@code arr[absBase]} is the byte at the unpacker's position 0.
     */
    void parseEntry(MessageUnpacker u, byte[] arr, int absBase) throws IOException {
        long start = u.getTotalReadBytes();
        readEntry(u, arr, absBase);
        entryBytes = u.getTotalReadBytes() - start; // every path reads the whole entry, valid or not
    }

    private void readEntry(MessageUnpacker u, byte[] arr, int absBase) throws IOException {
        begin(arr, absBase);
        MessageFormat f = u.getNextFormat();
        if (f.getValueType() != ValueType.ARRAY) {
            u.skipValue();
            valid = false;
            return;
        }
        int n = u.unpackArrayHeader();
        if (n != 2) {
            u.skipValue(n);
            valid = false;
            return;
        }
        if (u.getNextFormat().getValueType() == ValueType.ARRAY) {
            int m = u.unpackArrayHeader();
            if (m != 2) {
                u.skipValue(m + 1);
                valid = false;
                return;
            }
            readTime(u);
            readMetadata(u);
        } else {
            readTime(u);
        }
        readRecord(u);
    }

    /** Reads Message mode's {@code time, record} (two consecutive values). */
    void parseTimeAndRecord(MessageUnpacker u, byte[] arr, int absBase) throws IOException {
        long start = u.getTotalReadBytes();
        begin(arr, absBase);
        readTime(u);
        readRecord(u);
        entryBytes = u.getTotalReadBytes() - start;
    }

    /** Appends the entry just parsed, or counts it as rejected. */
    void commit(RecordBlockBuilder builder) {
        if (valid) {
            builder.add(tsNanos, arr, recOff, recLen, arr, metaOff, metaLen);
        } else {
            rejected++;
            rejectedBytes += entryBytes;
        }
    }

    private void begin(byte[] arr, int absBase) {
        this.arr = arr;
        this.absBase = absBase;
        valid = true;
        metaLen = 0;
        metaOff = 0;
    }

    private void readTime(MessageUnpacker u) throws IOException {
        MessageFormat f = u.getNextFormat();
        int start = absBase + (int) u.getTotalReadBytes();
        switch (f.getValueType()) {
            case EXTENSION -> {
                u.skipValue(); // the whole ext value is now known to be present in arr
                int payload = eventTimePayload(start);
                if (payload < 0) {
                    valid = false;
                    return;
                }
                long sec = Bytes.getInt(arr, payload) & 0xffffffffL;
                long nanos = Bytes.getInt(arr, payload + 4) & 0xffffffffL;
                if (nanos >= NANOS) {
                    valid = false;
                    return;
                }
                tsNanos = sec * NANOS + nanos;
            }
            case INTEGER -> {
                long sec;
                if (f == MessageFormat.UINT64) {
                    // unpackLong would throw on values above Long.MAX_VALUE; read the 8 bytes ourselves
                    u.skipValue();
                    sec = Bytes.getLong(arr, start + 1);
                } else {
                    sec = u.unpackLong();
                }
                if (sec < 0 || sec > MAX_SECONDS) {
                    valid = false;
                    return;
                }
                tsNanos = sec * NANOS;
            }
            case FLOAT -> {
                double d = u.unpackDouble();
                if (!(d >= 0) || d >= MAX_SECONDS) { // also rejects NaN
                    valid = false;
                    return;
                }
                long sec = (long) d;
                long micros = Math.round((d - sec) * 1_000_000d);
                tsNanos = sec * NANOS + micros * 1000L;
            }
            default -> {
                u.skipValue();
                valid = false;
            }
        }
    }

    /** Index of the 8-byte EventTime payload of the ext value at {@code p}, or -1 if it is another ext. */
    private int eventTimePayload(int p) {
        byte h = arr[p];
        if (h == (byte) 0xd7 && arr[p + 1] == 0) {          // fixext 8, type 0
            return p + 2;
        }
        if (h == (byte) 0xc7 && arr[p + 1] == 8 && arr[p + 2] == 0) { // ext 8, length 8, type 0
            return p + 3;
        }
        return -1;
    }

    private void readMetadata(MessageUnpacker u) throws IOException {
        if (u.getNextFormat().getValueType() != ValueType.MAP) {
            u.skipValue();
            valid = false;
            return;
        }
        int start = (int) u.getTotalReadBytes();
        int size = u.unpackMapHeader();
        u.skipValue(size); // keys
        u.skipValue(size); // values
        if (size > 0) {
            metaOff = absBase + start;
            metaLen = (int) u.getTotalReadBytes() - start;
        }
    }

    private void readRecord(MessageUnpacker u) throws IOException {
        if (u.getNextFormat().getValueType() != ValueType.MAP) {
            u.skipValue();
            valid = false;
            return;
        }
        int start = (int) u.getTotalReadBytes();
        u.skipValue();
        recOff = absBase + start;
        recLen = (int) u.getTotalReadBytes() - start;
    }
}
