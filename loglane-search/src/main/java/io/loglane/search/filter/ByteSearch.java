package io.loglane.search.filter;

import java.util.Arrays;

/**
 * Substring search in UTF-8 bytes, in place: how a term is found in a message without decoding it
 * (a substring of valid UTF-8 text is found at a character boundary by byte comparison, since no
 * UTF-8 sequence contains the start of another).
 *
 * <p>Thread-safety: stateless.
 */
final class ByteSearch {
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
        byte first = needle[0];
        for (int i = off, last = off + len - n; i <= last; i++) {
            // scan for the first byte, then compare the rest with the (vectorized) range compare
            if (b[i] == first && Arrays.equals(b, i + 1, i + n, needle, 1, n)) {
                return i;
            }
        }
        return -1;
    }
}
