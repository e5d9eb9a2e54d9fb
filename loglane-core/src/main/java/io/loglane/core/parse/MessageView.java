package io.loglane.core.parse;

/**
 * A record's message as a parser sees it at routing time: the UTF-8 bytes of the first string
 * of {@link io.loglane.core.event.EventFields#MESSAGE_KEYS}, in place in the record, plus the
 * scratch parsers need to read it without allocating. One view is reused for every record: the
 * caller {@link #set}s it (or {@link #clear}s it when the record has no message) before asking a
 * parser about the record.
 *
 * <p>Thread-safety: not thread-safe; one per thread.
 */
public final class MessageView {
    private final AccessLineScanner accessScanner = new AccessLineScanner();
    private byte[] buf;
    private int off = -1;
    private int len;

    /** Points the view at the message {@code b[off, off+len)}. */
    public MessageView set(byte[] b, int off, int len) {
        this.buf = b;
        this.off = off;
        this.len = len;
        return this;
    }

    /** The record has no message. */
    public MessageView clear() {
        this.buf = null;
        this.off = -1;
        this.len = 0;
        return this;
    }

    public boolean present() { return off >= 0; }

    public byte[] array() { return buf; }

    /** Offset of the message in {@link #array()}; -1 when absent. */
    public int offset() { return off; }

    public int length() { return len; }

    /** A scanner for access lines, reused across records. */
    AccessLineScanner accessScanner() { return accessScanner; }
}
