package io.loglane.core.parse;

import io.loglane.core.event.EventFields;
import io.loglane.core.event.PackOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePackException;
import org.msgpack.core.MessagePacker;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.core.buffer.ArrayBufferInput;
import org.msgpack.value.ValueType;

/**
 * Lifts fields a message holds (a msgpack map: a JSON object's, logfmt pairs) to the top level of
 * the record, so routing, columns and {@code attrs} treat them as the record's own, exactly as if
 * the application had sent them flat over HTTP. The record's own fields win a name clash (they
 * come from the collector: container, source, ECS task; the application's value of the same name
 * stays readable in the message), and a field named like a message key that the record's own
 * message key is preferred to ({@link EventFields#MESSAGE_KEYS}) is not lifted, so the original
 * line stays the message.
 *
 * <p>Thread-safety: not thread-safe; one per thread (buffers are reused across records).
 */
public final class FieldLifter {
    private static final byte[][] MESSAGE_KEYS = EventFields.MESSAGE_KEYS.stream()
            .map(k -> k.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);

    private final ArrayBufferInput input = new ArrayBufferInput(new byte[0]);
    private final MessageUnpacker unpacker = MessagePack.newDefaultUnpacker(input);
    private final PackOutput lifted = new PackOutput(1024);
    private final MessagePacker packer = MessagePack.newDefaultPacker(lifted);
    // the record's own string keys, and the entries of the fields to lift: positions, reused
    private int[] keyStart = new int[16];
    private int[] keyLength = new int[16];
    private int[] entryStart = new int[16];
    private int[] entryEnd = new int[16];

    /**
     * Builds the record {@code rec[off, off+len)} (a msgpack map) with the string-keyed entries of
     * the msgpack map {@code fields[0, fieldsLength)} lifted to its top level, as described in the
     * class comment: the record's entries first, verbatim, then each field the record does not have.
     *
     * @return the length of the lifted record in {@link #liftedArray()}, or -1 when nothing is
     *     lifted (every field clashes, or the record is not a map): the record stays as it is
     */
    public int lift(byte[] fields, int fieldsLength, byte[] rec, int off, int len) {
        try {
            input.reset(rec, off, len);
            unpacker.reset(input);
            if (unpacker.getNextFormat().getValueType() != ValueType.MAP) {
                return -1;
            }
            int n = unpacker.unpackMapHeader();
            int bodyStart = off + (int) unpacker.getTotalReadBytes();
            int keys = 0;
            int messageRank = MESSAGE_KEYS.length;
            for (int i = 0; i < n; i++) {
                if (unpacker.getNextFormat().getValueType() != ValueType.STRING) {
                    unpacker.skipValue();
                    unpacker.skipValue();
                    continue;
                }
                int klen = unpacker.unpackRawStringHeader();
                ensure(keys);
                keyStart[keys] = off + (int) unpacker.getTotalReadBytes();
                keyLength[keys] = klen;
                unpacker.readPayloadAsReference(klen);
                if (unpacker.getNextFormat().getValueType() == ValueType.STRING) {
                    messageRank = Math.min(messageRank, messageKeyRank(rec, keyStart[keys], klen));
                }
                keys++;
                unpacker.skipValue();
            }
            int bodyEnd = off + (int) unpacker.getTotalReadBytes();

            input.reset(fields, 0, fieldsLength);
            unpacker.reset(input);
            int m = unpacker.unpackMapHeader();
            int liftCount = 0;
            for (int j = 0; j < m; j++) {
                int start = (int) unpacker.getTotalReadBytes();
                MessageFormat f = unpacker.getNextFormat();
                int klen = unpacker.unpackRawStringHeader(); // JSON keys are strings
                int ks = (int) unpacker.getTotalReadBytes();
                unpacker.readPayloadAsReference(klen);
                unpacker.skipValue();
                if (f.getValueType() == ValueType.STRING && !clashes(fields, rec, keys, ks, klen)
                        && messageKeyRank(fields, ks, klen) >= messageRank) {
                    ensure(liftCount);
                    entryStart[liftCount] = start;
                    entryEnd[liftCount] = (int) unpacker.getTotalReadBytes();
                    liftCount++;
                }
            }
            if (liftCount == 0) {
                return -1;
            }
            packer.flush();
            lifted.reset();
            packer.packMapHeader(n + liftCount);
            packer.writePayload(rec, bodyStart, bodyEnd - bodyStart);
            for (int j = 0; j < liftCount; j++) {
                packer.writePayload(fields, entryStart[j], entryEnd[j] - entryStart[j]);
            }
            packer.flush();
            return lifted.size();
        } catch (IOException | MessagePackException e) {
            return -1; // a malformed record is stored as it came; the input vouched for it
        }
    }

    /** The lifted record of the last successful {@link #lift}, in {@code [0, length)}. */
    public byte[] liftedArray() { return lifted.array(); }

    /** True when the key {@code fields[ks, ks+klen)} equals one of the record's own keys. */
    private boolean clashes(byte[] fields, byte[] rec, int keys, int ks, int klen) {
        for (int i = 0; i < keys; i++) {
            if (keyLength[i] == klen && Arrays.equals(rec, keyStart[i], keyStart[i] + klen, fields, ks, ks + klen)) {
                return true;
            }
        }
        return false;
    }

    /** Preference of the key {@code b[s, s+len)} among the message keys; their count when it is none. */
    private static int messageKeyRank(byte[] b, int s, int len) {
        for (int r = 0; r < MESSAGE_KEYS.length; r++) {
            if (Arrays.equals(b, s, s + len, MESSAGE_KEYS[r], 0, MESSAGE_KEYS[r].length)) {
                return r;
            }
        }
        return MESSAGE_KEYS.length;
    }

    private void ensure(int i) {
        if (i == keyStart.length) {
            keyStart = Arrays.copyOf(keyStart, i * 2);
            keyLength = Arrays.copyOf(keyLength, i * 2);
            entryStart = Arrays.copyOf(entryStart, i * 2);
            entryEnd = Arrays.copyOf(entryEnd, i * 2);
        }
    }
}
