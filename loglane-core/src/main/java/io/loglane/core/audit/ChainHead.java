package io.loglane.core.audit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.zip.CRC32C;

/**
 * The newest record of a lane's audit chain: its offset, its chain hash and its arrival time. The
 * stream keeps one beside the lane ({@code <stream>/<lane>/chain.head}) and the archive one per lane
 * ({@code <archive>/_audit/<lane>.head}); both in this file format:
 * <pre>
 *   head := magic int32 0x4C4C4148 ("LLAH") | version int16 1 | offset int64 | hash byte[32]
 *           | receivedAtMicros int64 | crc32c uint32 (of all bytes before it)
 * </pre>
 *
 * @param offset           the record's offset in its lane
 * @param hash             its chain hash (32 bytes; the array is copied)
 * @param receivedAtMicros when loglane received it, µs since the epoch (the archive's received_at)
 *
 * <p>Thread-safety: immutable.
 */
public record ChainHead(long offset, byte[] hash, long receivedAtMicros) {
    public static final int MAGIC = 0x4C4C4148;
    public static final int VERSION = 1;
    /** Encoded size. */
    public static final int BYTES = 4 + 2 + 8 + AuditChain.HASH_BYTES + 8 + 4;

    public ChainHead {
        if (offset < 0 || hash == null || hash.length != AuditChain.HASH_BYTES) {
            throw new IllegalArgumentException("a chain head needs an offset >= 0 and a 32-byte hash");
        }
        hash = hash.clone();
    }

    @Override
    public byte[] hash() { return hash.clone(); }

    /** The hash as 64 lower-case hex digits. */
    public String hashHex() { return HexFormat.of().formatHex(hash); }

    public byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(BYTES);
        b.putInt(MAGIC).putShort((short) VERSION).putLong(offset).put(hash).putLong(receivedAtMicros);
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, BYTES - 4);
        b.putInt((int) crc.getValue());
        return b.array();
    }

    /**
     * @param what names the file in the error
     * @throws IOException when the bytes are not a whole, intact head of a known version
     */
    public static ChainHead decode(byte[] b, String what) throws IOException {
        if (b.length != BYTES) {
            throw new IOException(what + ": " + b.length + " bytes, a chain head has " + BYTES);
        }
        CRC32C crc = new CRC32C();
        crc.update(b, 0, BYTES - 4);
        ByteBuffer in = ByteBuffer.wrap(b);
        if (in.getInt(BYTES - 4) != (int) crc.getValue()) {
            throw new IOException(what + " fails its CRC");
        }
        if (in.getInt() != MAGIC || in.getShort() != VERSION) {
            throw new IOException(what + " has a bad magic or an unknown version");
        }
        long offset = in.getLong();
        byte[] hash = new byte[AuditChain.HASH_BYTES];
        in.get(hash);
        long received = in.getLong();
        if (offset < 0) {
            throw new IOException(what + " holds negative offset " + offset);
        }
        return new ChainHead(offset, hash, received);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChainHead h && h.offset == offset && h.receivedAtMicros == receivedAtMicros && Arrays.equals(h.hash, hash);
    }

    @Override
    public int hashCode() { return Long.hashCode(offset) * 31 + Arrays.hashCode(hash); }

    @Override
    public String toString() { return "ChainHead[offset=" + offset + ", hash=" + hashHex() + "]"; }
}
