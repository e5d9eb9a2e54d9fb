package io.loglane.core.parse;

/**
 * A record's message as routing and parsers see it: the UTF-8 bytes of the first string of
 * {@link io.loglane.core.event.EventFields#MESSAGE_KEYS}, in place in the record, its JSON object
 * or logfmt pairs when it holds them ({@link #json()}, {@link #logfmt()}, each decoded at most once
 * per record however many ask), and the
 * scratch parsers need to read it without allocating. One view is reused for every record: the
 * caller {@link #set}s it (or {@link #clear}s it when the record has no message) before asking
 * about the record.
 *
 * <p>Thread-safety: not thread-safe; one per thread.
 */
public final class MessageView {
    private static final int UNKNOWN = 0;
    private static final int JSON = 1; // for logfmt too: decoded
    private static final int NOT_JSON = 2;

    private final CommonLogTimes commonLogTimes = new CommonLogTimes();
    private final JsonMessage json = new JsonMessage();
    private final LogfmtMessage logfmt = new LogfmtMessage();
    private int jsonState;
    private int logfmtState;
    private byte[] buf;
    private int off = -1;
    private int len;

    /** Points the view at the message {@code b[off, off+len)}. */
    public MessageView set(byte[] b, int off, int len) {
        this.buf = b;
        this.off = off;
        this.len = len;
        this.jsonState = UNKNOWN;
        this.logfmtState = UNKNOWN;
        return this;
    }

    /** The record has no message. */
    public MessageView clear() {
        this.buf = null;
        this.off = -1;
        this.len = 0;
        this.jsonState = NOT_JSON;
        this.logfmtState = NOT_JSON;
        return this;
    }

    public boolean present() { return off >= 0; }

    public byte[] array() { return buf; }

    /** Offset of the message in {@link #array()}; -1 when absent. */
    public int offset() { return off; }

    public int length() { return len; }

    /**
     * The message's JSON object ({@link JsonMessage}), or null when the message is not one (or
     * absent). Decoded on the first call for this record; a message that cannot start an object
     * costs one byte test.
     */
    public JsonMessage json() {
        if (jsonState == UNKNOWN) {
            jsonState = json.decode(buf, off, len) ? JSON : NOT_JSON;
        }
        return jsonState == JSON ? json : null;
    }

    /** The message's logfmt pairs ({@link LogfmtMessage}), or null when it is not logfmt; decoded once per record. */
    public LogfmtMessage logfmt() {
        if (logfmtState == UNKNOWN) {
            logfmtState = logfmt.decode(buf, off, len) ? JSON : NOT_JSON;
        }
        return logfmtState == JSON ? logfmt : null;
    }

    /** A reader of access-line times, reused across records (it remembers the last date). */
    CommonLogTimes commonLogTimes() { return commonLogTimes; }
}
