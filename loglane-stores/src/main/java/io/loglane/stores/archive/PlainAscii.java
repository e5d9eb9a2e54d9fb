package io.loglane.stores.archive;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Word-at-a-time checks of UTF-8 bytes on the archive's hot path (SWAR on a little-endian long,
 * eight bytes per step). {@link #isPlain}: whether text can be written into JSON as it is, ASCII
 * with no byte JSON must escape (control characters, {@code "} and {@code \}); most staged values
 * are (IP addresses, paths, container ids), and writing them raw skips the JSON writer's per-byte
 * escaping pass. {@link #isAscii}: whether text is valid UTF-8 without a decode.
 *
 * <p>Public for the index's message reader ({@code io.loglane.stores.index.Utf8TextReader}), which
 * widens ASCII bytes to chars without a decode. Thread-safety: stateless.
 */
public final class PlainAscii {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;
    private static final long QUOTES = 0x2222222222222222L;
    private static final long BACKSLASHES = 0x5C5C5C5C5C5C5C5CL;
    private static final long SPACES = 0x2020202020202020L;

    private PlainAscii() {}

    /** True when every byte of {@code b[off, off+len)} is ASCII from 0x20 up, and none is {@code "} or {@code \}. */
    static boolean isPlain(byte[] b, int off, int len) {
        int i = off;
        int end = off + len;
        for (; i + 8 <= end; i += 8) {
            long w = (long) LONGS.get(b, i);
            long special = w & HIGHS                               // a byte >= 0x80
                    | (w - SPACES) & ~w & HIGHS                    // a byte < 0x20
                    | zeroByte(w ^ QUOTES) | zeroByte(w ^ BACKSLASHES);
            if (special != 0) {
                return false;
            }
        }
        for (; i < end; i++) {
            int c = b[i];
            if (c < 0x20 || c == '"' || c == '\\') { // negative: a byte >= 0x80
                return false;
            }
        }
        return true;
    }

    /**
     * True when every byte of {@code b[off, off+len)} is ASCII (below 0x80): such bytes are valid
     * UTF-8 as they are, with no decode to check them.
     */
    public static boolean isAscii(byte[] b, int off, int len) {
        int i = off;
        int end = off + len;
        for (; i + 8 <= end; i += 8) {
            if (((long) LONGS.get(b, i) & HIGHS) != 0) {
                return false;
            }
        }
        for (; i < end; i++) {
            if (b[i] < 0) {
                return false;
            }
        }
        return true;
    }

    /** Non-zero when some byte of {@code v} is zero (exact as a yes/no answer). */
    private static long zeroByte(long v) {
        return (v - ONES) & ~v & HIGHS;
    }
}
