package io.loglane.core.event;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePackException;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.core.buffer.ArrayBufferInput;
import org.msgpack.value.ValueType;

/**
 * Low-allocation lookup of top-level string fields in a msgpack map held in a byte range (a
 * record of a {@link RecordBlock}). Values are reported as positions in the caller's array, so
 * the router can inspect {@code log_type} or the message without decoding the record. One
 * {@link MessageUnpacker} over a reused {@link ArrayBufferInput} does the msgpack work; keys are
 * compared after copying them into a reused scratch buffer.
 *
 * <p>Only string values are found: a key whose value is another type counts as absent. Malformed
 * msgpack (or a record that is not a map) counts as "no such field" rather than an error, because
 * records are validated where they enter (the inputs).
 *
 * <p>Thread-safety: not thread-safe; use one instance per thread.
 */
public final class RecordFields {
    private final ArrayBufferInput input = new ArrayBufferInput(new byte[0]);
    private final MessageUnpacker unpacker = MessagePack.newDefaultUnpacker(input);
    private byte[] scratch = new byte[64];
    private int valueOff = -1;
    private int valueLen = -1;

    /**
     * Looks up {@code key} in the map in {@code buf[off, off+len)}.
     *
     * @return true when the key is present with a string value; then {@link #valueOffset()} and
     *     {@link #valueLength()} locate its UTF-8 bytes in {@code buf}
     */
    public boolean find(byte[] buf, int off, int len, byte[] keyUtf8) {
        valueOff = -1;
        valueLen = -1;
        try {
            int n = open(buf, off, len);
            for (int i = 0; i < n; i++) {
                if (keyMatches(keyUtf8) >= 0) {
                    return readStringValue(off, false);
                }
                unpacker.skipValue();
            }
        } catch (IOException | MessagePackException e) {
            return false;
        }
        return false;
    }

    /**
     * Looks up many keys in one pass. For each {@code keys[i]} found with a string value, sets
     * {@code offsets[i]} and {@code lengths[i]} (positions in {@code buf}); sets them to -1
     * otherwise. Stops early once every key was seen.
     *
     * @return how many keys were found with a string value
     */
    public int scan(byte[] buf, int off, int len, byte[][] keys, int[] offsets, int[] lengths) {
        Arrays.fill(offsets, 0, keys.length, -1);
        Arrays.fill(lengths, 0, keys.length, -1);
        int found = 0;
        int seen = 0;
        try {
            int n = open(buf, off, len);
            for (int i = 0; i < n && seen < keys.length; i++) {
                int k = keyMatches(keys);
                if (k >= 0 && offsets[k] < 0) {
                    seen++;
                    if (readStringValue(off, true)) {
                        offsets[k] = valueOff;
                        lengths[k] = valueLen;
                        found++;
                    }
                } else {
                    unpacker.skipValue();
                }
            }
        } catch (IOException | MessagePackException e) {
            return found;
        }
        return found;
    }

    /** The value of {@code key} decoded as a String, or null when absent or not a string. */
    public String getString(byte[] buf, int off, int len, String key) {
        if (!find(buf, off, len, key.getBytes(StandardCharsets.UTF_8))) {
            return null;
        }
        return new String(buf, valueOff, valueLen, StandardCharsets.UTF_8);
    }

    /** Offset in the caller's array of the last found value; -1 when the last lookup failed. */
    public int valueOffset() { return valueOff; }

    /** Length in bytes of the last found value; -1 when the last lookup failed. */
    public int valueLength() { return valueLen; }

    /** Positions the unpacker on the map and returns its size (0 when it is not a map). */
    private int open(byte[] buf, int off, int len) throws IOException {
        input.reset(buf, off, len);
        unpacker.reset(input);
        if (len == 0 || unpacker.getNextFormat().getValueType() != ValueType.MAP) {
            return 0;
        }
        return unpacker.unpackMapHeader();
    }

    /**
     * Consumes the next key; returns 0 when it is a string equal to {@code key}, -1 otherwise. A
     * non-string key is skipped entirely.
     */
    private int keyMatches(byte[] key) throws IOException {
        int klen = readKey();
        return klen == key.length && Arrays.equals(scratch, 0, klen, key, 0, klen) ? 0 : -1;
    }

    /** Consumes the next key; returns the index of the equal key in {@code keys}, or -1. */
    private int keyMatches(byte[][] keys) throws IOException {
        int klen = readKey();
        if (klen < 0) {
            return -1;
        }
        for (int i = 0; i < keys.length; i++) {
            byte[] k = keys[i];
            if (k.length == klen && Arrays.equals(scratch, 0, klen, k, 0, klen)) {
                return i;
            }
        }
        return -1;
    }

    /** Reads a string key into {@link #scratch} and returns its length; -1 (key skipped) when not a string. */
    private int readKey() throws IOException {
        MessageFormat f = unpacker.getNextFormat();
        if (f.getValueType() != ValueType.STRING) {
            unpacker.skipValue();
            return -1;
        }
        int klen = unpacker.unpackRawStringHeader();
        if (klen > scratch.length) {
            scratch = new byte[Math.max(klen, scratch.length * 2)];
        }
        unpacker.readPayload(scratch, 0, klen);
        return klen;
    }

    /** Reads the value after a matching key: true and positions set when it is a string, else skips it. */
    private boolean readStringValue(int off, boolean skipPayload) throws IOException {
        if (unpacker.getNextFormat().getValueType() != ValueType.STRING) {
            unpacker.skipValue();
            return false;
        }
        int vlen = unpacker.unpackRawStringHeader();
        int start = off + (int) unpacker.getTotalReadBytes();
        if (skipPayload) {
            // Move past the payload so a scan can go on; a long value is skipped by reference
            // (a small slice object) rather than copied.
            if (vlen <= scratch.length) {
                unpacker.readPayload(scratch, 0, vlen);
            } else {
                unpacker.readPayloadAsReference(vlen);
            }
        }
        valueOff = start;
        valueLen = vlen;
        return true;
    }
}
