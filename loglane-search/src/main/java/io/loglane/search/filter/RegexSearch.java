package io.loglane.search.filter;

import com.google.re2j.Matcher;
import java.nio.charset.StandardCharsets;

/**
 * Runs one compiled {@code %regex%} as a search over UTF-8 bytes in place. ASCII text (the usual
 * log line) is read through a reused {@link CharSequence} over the bytes; other text is decoded.
 *
 * <p>Thread-safety: not thread-safe; one per matcher.
 */
final class RegexSearch {
    private final Matcher matcher;
    private final AsciiChars chars = new AsciiChars();

    RegexSearch(PatternNode.Regex regex) {
        this.matcher = regex.compiled().matcher("");
    }

    /** Whether the regex occurs in {@code b[off, off+len)}. */
    boolean find(byte[] b, int off, int len) {
        CharSequence text = chars.set(b, off, len)
                ? chars : new String(b, off, len, StandardCharsets.UTF_8);
        return matcher.reset(text).find();
    }

    /** ASCII bytes as chars, without copying. */
    private static final class AsciiChars implements CharSequence {
        private byte[] b;
        private int off;
        private int len;

        /** Points at {@code b[off, off+len)}; false (and unusable) when it is not all ASCII. */
        boolean set(byte[] b, int off, int len) {
            for (int i = off, end = off + len; i < end; i++) {
                if (b[i] < 0) {
                    return false;
                }
            }
            this.b = b;
            this.off = off;
            this.len = len;
            return true;
        }

        @Override
        public int length() { return len; }

        @Override
        public char charAt(int i) { return (char) b[off + i]; }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new String(b, off + start, end - start, StandardCharsets.US_ASCII);
        }

        @Override
        public String toString() { return new String(b, off, len, StandardCharsets.US_ASCII); }
    }
}
