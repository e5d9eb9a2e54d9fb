package io.loglane.stream.journal;

import io.loglane.core.event.Bytes;
import io.loglane.core.event.RecordBlock;
import io.loglane.stream.AppendRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Encodes and decodes the records of the request journal (see FORMAT.md beside this class).
 *
 * <pre>
 *  off  field      type    notes
 *    0  magic      int32   0x4C4C544A "LLTJ"
 *    4  version    int16   1
 *    6  type       int8    1 request, 2 applied
 *    7  length     int32   whole record, header included
 *   11  crc        uint32  CRC32C of bytes [15, length)
 *   15  body
 * </pre>
 * All integers big-endian. The CRC covers the whole body; magic, version, type and length are
 * checked by framing (a wrong type or length also breaks the CRC check of what follows).
 *
 * <p>Thread-safety: stateless.
 */
final class JournalCodec {
    static final int MAGIC = 0x4C4C544A;
    static final short VERSION = 1;
    static final byte TYPE_REQUEST = 1;
    static final byte TYPE_APPLIED = 2;
    static final int OFF_MAGIC = 0;
    static final int OFF_VERSION = OFF_MAGIC + 4;
    static final int OFF_TYPE = OFF_VERSION + 2;
    static final int OFF_LENGTH = OFF_TYPE + 1;
    static final int OFF_CRC = OFF_LENGTH + 4;
    static final int HEADER_SIZE = OFF_CRC + 4;
    /** Largest record accepted when reading: a request is at most a few request bodies long. */
    static final int MAX_RECORD = 1 << 30;
    private static final int MAX_FIELD = 0xFFFF;

    private JournalCodec() {}

    /** A journaled request: every part's lane and records, and what the parts share. */
    record Request(long txnId, long receivedAtNanos, String tag, String chunkId, byte[] sourcePosition, List<Part> parts) implements Decoded {}

    /** One lane's part of a journaled request. */
    record Part(String lane, RecordBlock records) {}

    /** A decoded record: a {@link Request} or an {@link Applied}. */
    sealed interface Decoded permits Request, Applied {}

    /** Part {@code partIndex} of request {@code txnId} is stored in its lane. */
    record Applied(long txnId, int partIndex) implements Decoded {}

    /**
     * The request record of parts that share {@code first}'s tag, arrival time and source
     * position (the router gives every part of a request the same), with {@code chunkId}.
     *
     * @throws IllegalArgumentException when a field is longer than 65535 bytes
     */
    static byte[] request(long txnId, String chunkId, List<String> lanes, List<AppendRequest> parts) {
        AppendRequest first = parts.getFirst();
        byte[] tag = utf8(first.tag());
        byte[] chunk = utf8(chunkId);
        byte[] pos = first.sourcePosition() == null ? new byte[0] : first.sourcePosition();
        check(pos.length, "source position");
        int length = HEADER_SIZE + 8 + 8 + 2 + 2 + tag.length + 2 + chunk.length + 2 + pos.length;
        byte[][] laneNames = new byte[lanes.size()][];
        for (int i = 0; i < parts.size(); i++) {
            laneNames[i] = utf8(lanes.get(i));
            length += 2 + laneNames[i].length + 4 + 4 + parts.get(i).records().length();
        }
        byte[] b = new byte[length];
        int at = HEADER_SIZE;
        Bytes.putLong(b, at, txnId);
        Bytes.putLong(b, at + 8, first.receivedAtNanos());
        at += 16;
        putShort(b, at, parts.size());
        at += 2;
        at = putField(b, at, tag);
        at = putField(b, at, chunk);
        at = putField(b, at, pos);
        for (int i = 0; i < parts.size(); i++) {
            RecordBlock r = parts.get(i).records();
            at = putField(b, at, laneNames[i]);
            Bytes.putInt(b, at, r.count());
            Bytes.putInt(b, at + 4, r.length());
            at += 8;
            System.arraycopy(r.array(), r.offset(), b, at, r.length());
            at += r.length();
        }
        return seal(b, TYPE_REQUEST);
    }

    static byte[] applied(long txnId, int partIndex) {
        byte[] b = new byte[HEADER_SIZE + 8 + 2];
        Bytes.putLong(b, HEADER_SIZE, txnId);
        putShort(b, HEADER_SIZE + 8, partIndex);
        return seal(b, TYPE_APPLIED);
    }

    /** The record's whole length from its header, or -1 when the header is not a journal record header. */
    static int length(byte[] header) {
        if (Bytes.getInt(header, OFF_MAGIC) != MAGIC || getShort(header, OFF_VERSION) != VERSION) {
            return -1;
        }
        int length = Bytes.getInt(header, OFF_LENGTH);
        return length < HEADER_SIZE || length > MAX_RECORD ? -1 : length;
    }

    /**
     * Decodes a whole record.
     *
     * @throws IllegalArgumentException when the CRC, the type or a field does not check out
     */
    static Decoded decode(byte[] b) {
        CRC32C crc = new CRC32C();
        crc.update(b, HEADER_SIZE, b.length - HEADER_SIZE);
        if ((int) crc.getValue() != Bytes.getInt(b, OFF_CRC)) {
            throw new IllegalArgumentException("CRC mismatch");
        }
        int at = HEADER_SIZE;
        switch (b[OFF_TYPE]) {
            case TYPE_APPLIED -> {
                return new Applied(Bytes.getLong(b, at), getShort(b, at + 8));
            }
            case TYPE_REQUEST -> {
                long txn = Bytes.getLong(b, at);
                long receivedAt = Bytes.getLong(b, at + 8);
                int n = getShort(b, at + 16);
                at += 18;
                int[] cursor = {at};
                String tag = new String(field(b, cursor), StandardCharsets.UTF_8);
                byte[] chunk = field(b, cursor);
                byte[] pos = field(b, cursor);
                List<Part> parts = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    String lane = new String(field(b, cursor), StandardCharsets.UTF_8);
                    int count = Bytes.getInt(b, cursor[0]);
                    int len = Bytes.getInt(b, cursor[0] + 4);
                    int off = cursor[0] + 8;
                    if (len < 0 || off + len > b.length) {
                        throw new IllegalArgumentException("part " + i + " runs past the record");
                    }
                    parts.add(new Part(lane, RecordBlock.parse(b, off, len, count)));
                    cursor[0] = off + len;
                }
                return new Request(txn, receivedAt, tag, chunk.length == 0 ? null : new String(chunk, StandardCharsets.UTF_8),
                        pos.length == 0 ? null : pos, parts);
            }
            default -> throw new IllegalArgumentException("unknown record type " + b[OFF_TYPE]);
        }
    }

    private static byte[] seal(byte[] b, byte type) {
        Bytes.putInt(b, OFF_MAGIC, MAGIC);
        putShort(b, OFF_VERSION, VERSION);
        b[OFF_TYPE] = type;
        Bytes.putInt(b, OFF_LENGTH, b.length);
        CRC32C crc = new CRC32C();
        crc.update(b, HEADER_SIZE, b.length - HEADER_SIZE);
        Bytes.putInt(b, OFF_CRC, (int) crc.getValue());
        return b;
    }

    private static byte[] utf8(String s) {
        byte[] b = s == null ? new byte[0] : s.getBytes(StandardCharsets.UTF_8);
        check(b.length, "field");
        return b;
    }

    private static void check(int length, String what) {
        if (length > MAX_FIELD) {
            throw new IllegalArgumentException(what + " longer than " + MAX_FIELD + " bytes");
        }
    }

    private static int putField(byte[] b, int at, byte[] field) {
        putShort(b, at, field.length);
        System.arraycopy(field, 0, b, at + 2, field.length);
        return at + 2 + field.length;
    }

    private static byte[] field(byte[] b, int[] cursor) {
        int len = getShort(b, cursor[0]);
        int off = cursor[0] + 2;
        if (off + len > b.length) {
            throw new IllegalArgumentException("field runs past the record");
        }
        cursor[0] = off + len;
        return java.util.Arrays.copyOfRange(b, off, off + len);
    }

    private static void putShort(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 8);
        b[at + 1] = (byte) v;
    }

    private static int getShort(byte[] b, int at) {
        return (b[at] & 0xFF) << 8 | b[at + 1] & 0xFF;
    }
}
