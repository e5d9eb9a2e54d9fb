package io.loglane.app.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import io.loglane.core.event.EventFields;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Turns a stream of log lines into NDJSON request bodies for HTTP ingest: each line becomes
 * {@code {"log":"<line>"}} (plus {@code "log_type":"<lane>"} with {@code --lane}), written with
 * Jackson's streaming generator straight from the read buffer.
 *
 * <ul>
 *   <li>Lines end at {@code \n}; a {@code \r} before it is dropped; a last line without a newline
 *       counts; empty lines are skipped (counted as blank).</li>
 *   <li>A line longer than {@code maxLine} bytes is cut there (counted, and marked
 *       {@code "truncated":true} as the tail input marks it) and the rest of it, up to its newline,
 *       skipped; the next line is read as usual. (The tail input's {@code LineReader} does the same
 *       on a {@code FileChannel}; an import reads streams: gzip and standard input.)</li>
 *   <li>Invalid UTF-8 is kept: such a line is decoded with each bad sequence replaced by U+FFFD
 *       (the body must be valid JSON, so valid UTF-8).</li>
 *   <li>A batch is cut before a line whose worst-case encoding (every byte escaped as
 *       {@code \}{@code u00XX}) might take it past {@code batchBytes}, so batch boundaries depend
 *       only on the input and the settings: a rerun makes the same batches with the same keys.</li>
 * </ul>
 *
 * <p>Thread-safety: not thread-safe; one reader thread.
 */
final class ImportBatcher {
    /** Bytes read from the input at a time. */
    static final int READ_BLOCK = 1 << 20;
    private static final JsonFactory JSON = JsonFactory.builder().build();
    private static final SerializedString LOG = new SerializedString(EventFields.MESSAGE_KEYS.getFirst());
    private static final SerializedString LOG_TYPE = new SerializedString(EventFields.LOG_TYPE);
    /** Marks a cut line, as the tail input does. */
    private static final SerializedString TRUNCATED = new SerializedString("truncated");
    private static final int RECORD_OVERHEAD = 64;

    /** Receives each finished batch. */
    interface Sink {
        void accept(ImportBatch batch) throws IOException, InterruptedException;
    }

    /** Lines counted while reading (not yet sent). */
    record Counts(long lines, long blank, long truncated, long invalidUtf8) {}

    private final int maxLine;
    private final int batchBytes;
    private final SerializedString lane;
    private final Sink sink;

    private Body body;
    private JsonGenerator gen;
    private int batchLines;
    private long batchStart;
    private long lines;
    private long blank;
    private long truncated;
    private long invalidUtf8;

    /**
     * @param lane       value of {@code log_type} on every record, or null for none
     * @param batchBytes most bytes in a request body (below the server's {@code http_max_body})
     */
    ImportBatcher(int maxLine, int batchBytes, String lane, Sink sink) {
        if ((long) maxLine * 6 + RECORD_OVERHEAD + (lane == null ? 0 : lane.length() * 6L) > batchBytes) {
            throw new IllegalArgumentException("a line of " + maxLine + " bytes may not fit a batch of " + batchBytes + " bytes");
        }
        this.maxLine = maxLine;
        this.batchBytes = batchBytes;
        this.lane = lane == null ? null : new SerializedString(lane);
        this.sink = sink;
    }

    Counts counts() { return new Counts(lines, blank, truncated, invalidUtf8); }

    /** Reads {@code in} to its end, handing each full batch to the sink, and the last part-full one. */
    void run(InputStream in) throws IOException, InterruptedException {
        byte[] buf = new byte[Math.max(READ_BLOCK, maxLine + 2)];
        long base = 0;       // input offset of buf[0]
        int start = 0;       // start of the current line in buf
        int end = 0;         // bytes in buf
        int scan = 0;        // where to look for the next newline
        boolean skipping = false; // inside the cut-off rest of a long line
        while (true) {
            int n = in.read(buf, end, buf.length - end);
            if (n < 0) {
                break;
            }
            end += n;
            while (true) {
                int nl = indexOf(buf, scan, end);
                if (nl < 0) {
                    break;
                }
                if (!skipping) {
                    line(buf, start, nl - start, base + start);
                }
                skipping = false;
                start = scan = nl + 1;
            }
            scan = end;
            // a line over the maximum (one more byte may be the \r of a CRLF): keep its head, skip the rest
            if (!skipping && end - start > maxLine + 1) {
                line(buf, start, maxLine + 1, base + start);
                skipping = true;
            }
            if (skipping) {
                base += end;
                start = scan = end = 0;
            } else if (end == buf.length) { // room for the next block: move the partial line to the front
                System.arraycopy(buf, start, buf, 0, end - start);
                base += start;
                end -= start;
                scan -= start;
                start = 0;
            }
        }
        if (!skipping && end > start) {
            line(buf, start, end - start, base + start);
        }
        finishBatch();
    }

    private static int indexOf(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private void line(byte[] b, int off, int len, long offset) throws IOException, InterruptedException {
        if (len > 0 && b[off + len - 1] == '\r') {
            len--;
        }
        lines++;
        if (len == 0) {
            blank++;
            return;
        }
        boolean cut = len > maxLine;
        if (cut) {
            truncated++;
            len = maxLine;
        }
        if (gen != null && body.size() + flushedEstimate(len) > batchBytes) {
            finishBatch();
        }
        if (gen == null) {
            body = new Body(batchBytes);
            gen = JSON.createGenerator(body);
            gen.setRootValueSeparator(null);
            batchStart = offset;
        }
        gen.writeStartObject();
        gen.writeFieldName(LOG);
        if (ascii(b, off, len)) {
            gen.writeUTF8String(b, off, len);
        } else {
            String s = new String(b, off, len, StandardCharsets.UTF_8); // replaces bad sequences with U+FFFD
            if (s.indexOf('\uFFFD') >= 0 && !containsReplacement(b, off, len)) {
                invalidUtf8++;
            }
            gen.writeString(s);
        }
        if (lane != null) {
            gen.writeFieldName(LOG_TYPE);
            gen.writeString(lane);
        }
        if (cut) {
            gen.writeFieldName(TRUNCATED);
            gen.writeBoolean(true);
        }
        gen.writeEndObject();
        gen.writeRaw('\n');
        batchLines++;
    }

    /** Bytes the batch may grow by for a line of {@code len}: generator buffer included, worst-case escaping. */
    private int flushedEstimate(int len) {
        return gen.getOutputBuffered() + len * 6 + RECORD_OVERHEAD + (lane == null ? 0 : lane.getValue().length() * 6);
    }

    private void finishBatch() throws IOException, InterruptedException {
        if (gen == null) {
            return;
        }
        gen.close();
        ImportBatch batch = new ImportBatch(body.array(), body.size(), batchLines, batchStart);
        gen = null;
        body = null;
        batchLines = 0;
        sink.accept(batch);
    }

    private static boolean ascii(byte[] b, int off, int len) {
        for (int i = off, end = off + len; i < end; i++) {
            if (b[i] < 0) {
                return false;
            }
        }
        return true;
    }

    /** Whether the bytes hold an encoded U+FFFD already (so a U+FFFD after decoding is not a repair). */
    private static boolean containsReplacement(byte[] b, int off, int len) {
        for (int i = off, end = off + len - 2; i < end; i++) {
            if (b[i] == (byte) 0xEF && b[i + 1] == (byte) 0xBF && b[i + 2] == (byte) 0xBD) {
                return true;
            }
        }
        return false;
    }

    /** A body buffer whose array is handed on without a copy. */
    private static final class Body extends ByteArrayOutputStream {
        Body(int size) { super(size); }

        byte[] array() { return buf; }
    }
}
