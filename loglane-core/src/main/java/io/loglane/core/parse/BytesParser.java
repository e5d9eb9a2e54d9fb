package io.loglane.core.parse;

import java.nio.charset.StandardCharsets;

/**
 * A parser that reads the message's UTF-8 bytes (as stores hold it), so the text form is only
 * encoded and handed over; with the helpers the byte parsers share.
 *
 * <p>Thread-safety: as the subclass.
 */
abstract class BytesParser implements RecordParser {
    @Override
    public final boolean parse(CharSequence message, ParsedFields out) {
        byte[] b = message.toString().getBytes(StandardCharsets.UTF_8);
        return parse(b, 0, b.length, out);
    }

    @Override
    public abstract boolean parse(byte[] b, int off, int len, ParsedFields out);

    /** The end of {@code b[off, end)} without its trailing line break(s). */
    static int trimEnd(byte[] b, int off, int end) {
        while (end > off && (b[end - 1] == '\n' || b[end - 1] == '\r')) {
            end--;
        }
        return end;
    }

    /**
     * The line {@code b[off, off+len)} without its line break, copied for a regular expression
     * (RE2/J matches whole arrays), or null when longer than {@code max}.
     */
    static byte[] lineCopy(byte[] b, int off, int len, int max) {
        int end = trimEnd(b, off, off + len);
        return end - off > max ? null : java.util.Arrays.copyOfRange(b, off, end);
    }
}
