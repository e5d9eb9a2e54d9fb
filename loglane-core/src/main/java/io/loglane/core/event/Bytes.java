package io.loglane.core.event;

/**
 * Big-endian and unsigned-varint primitives shared by every binary format of loglane (record
 * blocks, stream batches, index and checkpoint files). One implementation, so the formats agree.
 *
 * <p>Thread-safety: stateless.
 */
public final class Bytes {
    private Bytes() {}

    public static long getLong(byte[] b, int i) {
        return ((long) (b[i] & 0xff) << 56) | ((long) (b[i + 1] & 0xff) << 48) | ((long) (b[i + 2] & 0xff) << 40)
                | ((long) (b[i + 3] & 0xff) << 32) | ((long) (b[i + 4] & 0xff) << 24) | ((b[i + 5] & 0xff) << 16)
                | ((b[i + 6] & 0xff) << 8) | (b[i + 7] & 0xff);
    }

    public static void putLong(byte[] b, int i, long v) {
        for (int k = 7; k >= 0; k--) {
            b[i + k] = (byte) v;
            v >>>= 8;
        }
    }

    public static int getInt(byte[] b, int i) {
        return ((b[i] & 0xff) << 24) | ((b[i + 1] & 0xff) << 16) | ((b[i + 2] & 0xff) << 8) | (b[i + 3] & 0xff);
    }

    public static void putInt(byte[] b, int i, int v) {
        b[i] = (byte) (v >>> 24);
        b[i + 1] = (byte) (v >>> 16);
        b[i + 2] = (byte) (v >>> 8);
        b[i + 3] = (byte) v;
    }

    /** Writes {@code v} (must be non-negative) as an unsigned LEB128 varint; returns the new position. */
    public static int putUVarint(byte[] b, int i, int v) {
        while ((v & ~0x7f) != 0) {
            b[i++] = (byte) ((v & 0x7f) | 0x80);
            v >>>= 7;
        }
        b[i++] = (byte) v;
        return i;
    }
}
