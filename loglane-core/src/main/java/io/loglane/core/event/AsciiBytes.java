package io.loglane.core.event;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Byte-level text helpers for the content detectors, which work on UTF-8 message bytes in place.
 * Case-insensitive helpers fold ASCII only (every word they compare is ASCII).
 *
 * <p>Thread-safety: stateless.
 */
public final class AsciiBytes {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;

    private AsciiBytes() {}

    /**
     * First index of {@code needle} in {@code b[from, to)}, or -1.
     *
     * <p>Why not a plain byte loop: the router runs this over whole request blocks (hundreds of KiB)
     * to rule out field-rule names, and a byte-at-a-time loop was 45-58% of the server's CPU in
     * the ingest benchmark. This looks for one "anchor" byte of the needle eight bytes at a time
     * (SWAR zero-byte test on a little-endian long), preferring a byte that is rare in text
     * (not a letter, digit or space, e.g. the {@code _} of {@code log_type}), and compares the
     * whole needle only at anchor hits.
     */
    public static int indexOf(byte[] b, int from, int to, byte[] needle) {
        int n = needle.length;
        if (n == 0) {
            return from;
        }
        int a = anchor(needle);
        int z = a == 0 ? n - 1 : 0; // a second byte that must match at the same candidate, to cut false hits
        int lastStart = to - n;
        int s = from;
        long anchorPattern = (needle[a] & 0xffL) * ONES;
        long otherPattern = (needle[z] & 0xffL) * ONES;
        while (s + 7 <= lastStart) {
            long wa = (long) LONGS.get(b, s + a) ^ anchorPattern;
            long wz = (long) LONGS.get(b, s + z) ^ otherPattern;
            // every zero byte is flagged (plus maybe false ones above it): candidates, verified below
            long hits = ((wa - ONES) & ~wa) & ((wz - ONES) & ~wz) & HIGHS;
            while (hits != 0) {
                int c = s + (Long.numberOfTrailingZeros(hits) >>> 3);
                if (matchesAt(b, c, needle)) {
                    return c;
                }
                hits &= hits - 1;
            }
            s += 8;
        }
        for (; s <= lastStart; s++) {
            if (matchesAt(b, s, needle)) {
                return s;
            }
        }
        return -1;
    }

    /** {@code b[s, s + needle.length)} equals the needle; a plain loop because most candidates fail at once. */
    private static boolean matchesAt(byte[] b, int s, byte[] needle) {
        for (int k = 0; k < needle.length; k++) {
            if (b[s + k] != needle[k]) {
                return false;
            }
        }
        return true;
    }

    /** Index of the needle byte to scan for: the first that is not an ASCII letter, digit or space, else the last. */
    public static int anchor(byte[] needle) {
        for (int i = 0; i < needle.length; i++) {
            int c = needle[i];
            boolean common = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == ' ';
            if (!common) {
                return i;
            }
        }
        return needle.length - 1;
    }

    /** True when {@code b[pos, to)} starts with {@code lit}. */
    public static boolean startsWith(byte[] b, int pos, int to, byte[] lit) {
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
    public static boolean equalsIgnoreCase(byte[] b, int s, int e, byte[] word) {
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
    public static boolean equals(byte[] b, int s, int e, byte[] other) {
        return java.util.Arrays.equals(b, s, e, other, 0, other.length);
    }

    public static byte[] ascii(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
