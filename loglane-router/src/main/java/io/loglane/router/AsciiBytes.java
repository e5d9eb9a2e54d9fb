package io.loglane.router;

/**
 * Byte-level text helpers for the content detectors, which work on UTF-8 message bytes in place.
 * Case-insensitive helpers fold ASCII only (every word they compare is ASCII).
 *
 * <p>Thread-safety: stateless.
 */
final class AsciiBytes {
    private AsciiBytes() {}

    /** First index of {@code needle} in {@code b[from, to)}, or -1. */
    static int indexOf(byte[] b, int from, int to, byte[] needle) {
        int n = needle.length;
        if (n == 0) {
            return from;
        }
        byte first = needle[0];
        int last = to - n;
        for (int i = from; i <= last; i++) {
            if (b[i] != first) {
                continue;
            }
            int k = 1;
            while (k < n && b[i + k] == needle[k]) {
                k++;
            }
            if (k == n) {
                return i;
            }
        }
        return -1;
    }

    /** True when {@code b[pos, to)} starts with {@code lit}. */
    static boolean startsWith(byte[] b, int pos, int to, byte[] lit) {
        if (to - pos < lit.length) {
            return false;
        }
        for (int i = 0; i < lit.length; i++) {
            if (b[pos + i] != lit[i]) {
                return false;
            }
        }
        return true;
    }

    /** True when {@code b[s, e)} equals the upper-case ASCII {@code word}, ignoring ASCII case. */
    static boolean equalsIgnoreCase(byte[] b, int s, int e, byte[] word) {
        if (e - s != word.length) {
            return false;
        }
        for (int i = 0; i < word.length; i++) {
            int c = b[s + i];
            if (c >= 'a' && c <= 'z') {
                c -= 32;
            }
            if (c != word[i]) {
                return false;
            }
        }
        return true;
    }

    /** True when {@code b[s, e)} equals {@code other}. */
    static boolean equals(byte[] b, int s, int e, byte[] other) {
        return java.util.Arrays.equals(b, s, e, other, 0, other.length);
    }

    static byte[] ascii(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
