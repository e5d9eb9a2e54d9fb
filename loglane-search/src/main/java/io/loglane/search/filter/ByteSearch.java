package io.loglane.search.filter;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Substring search in UTF-8 bytes, in place: how a term is found in a message without decoding it
 * (a substring of valid UTF-8 text is found at a character boundary by byte comparison, since no
 * UTF-8 sequence contains the start of another).
 *
 * <p>Why not a byte-at-a-time loop: a term that is not in the line (the usual case for
 * {@code ERROR}) costs a pass over every byte of every line. The needle's first byte is looked
 * for eight bytes at a time (SWAR: a zero byte of {@code word ^ pattern} marks a candidate), and
 * only candidates are compared whole.
 *
 * <p>Thread-safety: stateless.
 */
final class ByteSearch {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;

    private ByteSearch() {}

    /** Whether {@code b[off, off+len)} contains {@code needle} (the empty needle is everywhere). */
    static boolean contains(byte[] b, int off, int len, byte[] needle) {
        return indexOf(b, off, len, needle) >= 0;
    }

    /** Index in {@code b} of the first {@code needle} in {@code b[off, off+len)}, or -1. */
    static int indexOf(byte[] b, int off, int len, byte[] needle) {
        int n = needle.length;
        if (n == 0) {
            return off;
        }
        int end = off + len;
        int last = end - n; // last index where the needle can start
        long pattern = (needle[0] & 0xffL) * ONES;
        int i = off;
        for (; i + 8 <= end && i <= last; i += 8) {
            long x = (long) LONGS.get(b, i) ^ pattern;
            // high bit set in each byte of x that is zero; above the first such byte there may be
            // false candidates (borrows), so each candidate is checked whole, lowest first
            long zeros = (x - ONES) & ~x & HIGHS;
            while (zeros != 0) {
                int k = i + (Long.numberOfTrailingZeros(zeros) >>> 3);
                if (k > last) {
                    return -1;
                }
                if (Arrays.equals(b, k, k + n, needle, 0, n)) {
                    return k;
                }
                zeros &= zeros - 1;
            }
        }
        byte first = needle[0];
        for (; i <= last; i++) {
            if (b[i] == first && Arrays.equals(b, i + 1, i + n, needle, 1, n)) {
                return i;
            }
        }
        return -1;
    }
}
