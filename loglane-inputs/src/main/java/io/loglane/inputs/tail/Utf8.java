package io.loglane.inputs.tail;

/**
 * UTF-8 checks for raw file lines: where the first byte sequence is that is not well-formed UTF-8
 * (overlong forms, surrogates and code points past U+10FFFF included), and a repair that replaces
 * each bad sequence with U+FFFD, as a decoder would. Records carry lines as msgpack strings, which
 * must be UTF-8 for every reader downstream. Public for the CloudWatch Logs API, which repairs a
 * request body the same way ({@code io.loglane.inputs.cloudwatch.PutLogEvents}).
 *
 * <p>Thread-safety: stateless.
 */
public final class Utf8 {
    static final byte[] REPLACEMENT = {(byte) 0xEF, (byte) 0xBF, (byte) 0xBD};

    private Utf8() {}

    /** The index of the first bad byte in {@code b[off, off+len)}, or -1 when it is all well-formed. */
    public static int firstInvalid(byte[] b, int off, int len) {
        int end = off + len;
        int i = off;
        while (i < end) {
            if (b[i] >= 0) { // ASCII, the common case
                i++;
                continue;
            }
            int n = sequenceLength(b, i, end);
            if (n <= 0) {
                return i;
            }
            i += n;
        }
        return -1;
    }

    /** Length of the well-formed multi-byte sequence at {@code i}, or 0 when it is not well-formed. */
    private static int sequenceLength(byte[] b, int i, int end) {
        int c = b[i] & 0xFF;
        int n;
        int lo = 0x80;
        int hi = 0xBF;
        if (c >= 0xC2 && c <= 0xDF) {
            n = 2;
        } else if (c >= 0xE0 && c <= 0xEF) {
            n = 3;
            if (c == 0xE0) lo = 0xA0;       // overlong
            else if (c == 0xED) hi = 0x9F;  // surrogates
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 4;
            if (c == 0xF0) lo = 0x90;       // overlong
            else if (c == 0xF4) hi = 0x8F;  // past U+10FFFF
        } else {
            return 0;
        }
        if (i + n > end) {
            return 0;
        }
        int second = b[i + 1] & 0xFF;
        if (second < lo || second > hi) {
            return 0;
        }
        for (int k = 2; k < n; k++) {
            if ((b[i + k] & 0xC0) != 0x80) {
                return 0;
            }
        }
        return n;
    }

    /**
     * Writes {@code b[off, off+len)} to {@code out} with every bad byte replaced by U+FFFD; returns the
     * length written. {@code out} must hold {@code 3 * len} bytes.
     */
    public static int repair(byte[] b, int off, int len, byte[] out) {
        int end = off + len;
        int o = 0;
        int i = off;
        while (i < end) {
            if (b[i] >= 0) {
                out[o++] = b[i++];
                continue;
            }
            int n = sequenceLength(b, i, end);
            if (n == 0) {
                System.arraycopy(REPLACEMENT, 0, out, o, 3);
                o += 3;
                i++;
            } else {
                System.arraycopy(b, i, out, o, n);
                o += n;
                i += n;
            }
        }
        return o;
    }
}
