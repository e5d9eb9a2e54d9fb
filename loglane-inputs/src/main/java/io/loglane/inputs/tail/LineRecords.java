package io.loglane.inputs.tail;

import io.loglane.core.event.EventFields;
import io.loglane.core.event.RecordBlock;
import io.loglane.core.event.RecordBlockBuilder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Turns the lines of one read into a {@link RecordBlock}: each line becomes the record
 * {@code {"source": <file path>, "log": <line>}}, plus {@code "truncated": true} for a line cut at
 * the maximum length, all stamped with the read time (a lane's parser may set the event time
 * from the line). The record's fixed part is encoded once per file, so a line costs one copy.
 *
 * <p>Bad bytes are kept visible but made safe: a line that is not well-formed UTF-8 has each bad
 * byte replaced by U+FFFD ({@link #invalidUtf8()}); a line holding NUL bytes (binary garbage) is
 * stored as it is and counted ({@link #binary()}).
 *
 * <p>Also the record maker of HTTP ingest's {@code text/plain} bodies, whose prefix carries
 * {@code log_type} instead of {@code source} ({@link #prefix}).
 *
 * <p>Thread-safety: not thread-safe; one per tailer thread (or request), {@link #begin} per batch.
 */
public final class LineRecords implements LineReader.LineSink, LineFormat.RecordOut {
    private static final byte[] LOG_KEY = str(EventFields.MESSAGE_KEYS.get(0));
    private static final byte[] TRUNCATED = concat(str(EventFields.TRUNCATED), new byte[] {(byte) 0xC3});

    private final RecordBlockBuilder builder;
    private byte[] scratch = new byte[1024];
    private byte[] repaired = new byte[0];
    /** fixmap header (2 entries), then "source": path, then "log" key: everything before the line's own string. */
    private byte[] prefix;
    private long tsNanos;
    private int truncated;
    private int invalidUtf8;
    private int binary;
    private long bytes;

    public LineRecords(int initialCapacity) {
        this.builder = new RecordBlockBuilder(initialCapacity);
    }

    /** Starts a batch of lines whose records begin with {@code sourcePrefix} ({@link #prefix}), stamped {@code tsNanos}. */
    public void begin(byte[] sourcePrefix, long tsNanos) {
        builder.reset();
        this.prefix = sourcePrefix;
        this.tsNanos = tsNanos;
        truncated = invalidUtf8 = binary = 0;
        bytes = 0;
    }

    /** The per-file part of every record: {@code "source": path} and the {@code "log"} key; see {@link #begin}. */
    static byte[] sourcePrefix(String path) {
        return prefix(EventFields.SOURCE, path);
    }

    /**
     * The fixed part of every record of a batch: a msgpack map header, the string fields
     * {@code keysAndValues} (key, value, key, value, …; at most 7 pairs) and the {@code "log"} key.
     */
    public static byte[] prefix(String... keysAndValues) {
        if (keysAndValues.length % 2 != 0 || keysAndValues.length > 14) {
            throw new IllegalArgumentException("key/value pairs, at most 7: " + keysAndValues.length + " strings");
        }
        byte[][] parts = new byte[keysAndValues.length + 2][];
        parts[0] = new byte[] {(byte) (0x80 | (keysAndValues.length / 2 + 1))};
        for (int i = 0; i < keysAndValues.length; i++) {
            parts[i + 1] = str(keysAndValues[i]);
        }
        parts[parts.length - 1] = LOG_KEY;
        return concat(parts);
    }

    @Override
    public void line(byte[] buf, int off, int len, boolean cut) {
        record(prefix, tsNanos, buf, off, len, cut);
    }

    @Override
    public void record(byte[] head, long tsNanos, byte[] buf, int off, int len, boolean cut) {
        bytes += len + 1;
        int bad = scan(buf, off, len);
        if (bad == 2) {
            if (repaired.length < 3 * len) {
                repaired = new byte[Math.max(3 * len, 2 * repaired.length)];
            }
            len = Utf8.repair(buf, off, len, repaired);
            buf = repaired;
            off = 0;
            invalidUtf8++;
        } else if (bad == 1) {
            binary++;
        }
        int need = head.length + 5 + len + TRUNCATED.length;
        if (scratch.length < need) {
            scratch = new byte[Math.max(need, 2 * scratch.length)];
        }
        System.arraycopy(head, 0, scratch, 0, head.length);
        scratch[0] = (byte) (head[0] + (cut ? 1 : 0));
        int p = strHeader(scratch, head.length, len);
        System.arraycopy(buf, off, scratch, p, len);
        p += len;
        if (cut) {
            System.arraycopy(TRUNCATED, 0, scratch, p, TRUNCATED.length);
            p += TRUNCATED.length;
            truncated++;
        }
        builder.add(tsNanos, scratch, 0, p);
    }

    /** 0 for clean text, 1 for well-formed UTF-8 holding NUL bytes, 2 for bad UTF-8; one pass over ASCII. */
    private static int scan(byte[] b, int off, int len) {
        int end = off + len;
        for (int i = off; i < end; i++) {
            if (b[i] <= 0) {
                if (Utf8.firstInvalid(b, i, end - i) >= 0) {
                    return 2;
                }
                for (int k = i; k < end; k++) {
                    if (b[k] == 0) {
                        return 1;
                    }
                }
                return 0;
            }
        }
        return 0;
    }

    /** The batch so far (copied out; the builder is reused). */
    public RecordBlock build() { return builder.build(); }

    /** The batch so far without a copy, for a one-batch use: this is empty afterwards ({@link RecordBlockBuilder#take}). */
    public RecordBlock take() { return builder.take(); }

    public int count() { return builder.count(); }

    /** Bytes of the lines handed in, newlines included (as read from the file, before any repair). */
    public long bytes() { return bytes; }

    public int truncated() { return truncated; }

    public int invalidUtf8() { return invalidUtf8; }

    public int binary() { return binary; }

    private static int strHeader(byte[] b, int p, int len) {
        if (len < 32) {
            b[p++] = (byte) (0xA0 | len);
        } else if (len < 256) {
            b[p++] = (byte) 0xD9;
            b[p++] = (byte) len;
        } else if (len < 65_536) {
            b[p++] = (byte) 0xDA;
            b[p++] = (byte) (len >>> 8);
            b[p++] = (byte) len;
        } else {
            b[p++] = (byte) 0xDB;
            b[p++] = (byte) (len >>> 24);
            b[p++] = (byte) (len >>> 16);
            b[p++] = (byte) (len >>> 8);
            b[p++] = (byte) len;
        }
        return p;
    }

    private static byte[] str(String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[utf8.length + 5];
        int p = strHeader(out, 0, utf8.length);
        System.arraycopy(utf8, 0, out, p, utf8.length);
        return Arrays.copyOf(out, p + utf8.length);
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int o = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, o, p.length);
            o += p.length;
        }
        return out;
    }
}
