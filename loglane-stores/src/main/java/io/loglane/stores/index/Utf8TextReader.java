package io.loglane.stores.index;

import io.loglane.stores.archive.PlainAscii;
import java.io.Reader;
import java.nio.charset.StandardCharsets;

/**
 * A reusable {@link Reader} over UTF-8 bytes, for the {@code message} words analyzer: ASCII bytes
 * (most log lines) are widened to chars as they are read, with no String built per document; any
 * other text is decoded once as {@code new String(bytes, UTF_8)} would (malformed bytes become
 * U+FFFD), so the analyzer sees exactly the characters it saw from a String.
 *
 * <p>The bytes must stay unchanged until the reader is exhausted (the document is added).
 * Thread-safety: not thread-safe; one per mapper, reset per document.
 */
final class Utf8TextReader extends Reader {
    private byte[] bytes = new byte[0];
    private int pos;
    private int end;
    /** The decoded text when the bytes are not all ASCII, else null. */
    private String decoded;

    /** Reads {@code b[off, off+len)} next. */
    void reset(byte[] b, int off, int len) {
        if (PlainAscii.isAscii(b, off, len)) {
            bytes = b;
            pos = off;
            end = off + len;
            decoded = null;
        } else {
            decoded = new String(b, off, len, StandardCharsets.UTF_8);
            pos = 0;
            end = decoded.length();
        }
    }

    @Override
    public int read(char[] cbuf, int off, int len) {
        int n = Math.min(len, end - pos);
        if (n <= 0) {
            return len == 0 ? 0 : -1;
        }
        if (decoded != null) {
            decoded.getChars(pos, pos + n, cbuf, off);
        } else {
            for (int i = 0; i < n; i++) {
                cbuf[off + i] = (char) bytes[pos + i];
            }
        }
        pos += n;
        return n;
    }

    @Override
    public void close() {
        // nothing to release; the analyzer closes its reader after each document, and reset reuses it
    }
}
