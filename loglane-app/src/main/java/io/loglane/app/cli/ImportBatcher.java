package io.loglane.app.cli;

import io.loglane.inputs.tail.LineReader;
import io.loglane.inputs.tail.LineSplitter;
import java.io.IOException;
import java.io.InputStream;

/**
 * Cuts a stream of log lines into {@code text/plain} request bodies for HTTP ingest: the lines as
 * they are, whole, one per {@code \n}, split by the file tail's {@link LineSplitter}; the server
 * makes the records ({@code io.loglane.inputs.http.TextBodyDecoder}).
 *
 * <ul>
 *   <li>Empty lines (a lone {@code \r} included) are not sent (counted as blank), so no body is
 *       blank lines only; the rest is sent byte for byte (a {@code \r} before the newline too: the
 *       server drops it), each line ending in {@code \n}.</li>
 *   <li>A line longer than {@code maxLine} bytes: its first {@code maxLine + 1} bytes are sent as
 *       one line and the rest, up to its newline, skipped (counted as truncated). The server, told
 *       the same {@code max_line}, cuts it at {@code maxLine} and marks it {@code "truncated":true},
 *       as the tail input does.</li>
 *   <li>Invalid UTF-8 is sent as it is; the server replaces each bad byte with U+FFFD and says how
 *       many lines it repaired.</li>
 *   <li>A batch is cut before a line that would take it past {@code batchBytes}, so batch
 *       boundaries depend only on the input and the settings: a rerun makes the same batches with
 *       the same keys.</li>
 * </ul>
 *
 * <p>Thread-safety: not thread-safe; one reader thread.
 */
final class ImportBatcher implements LineReader.LineSink {
    /** Bytes read from the input at a time. */
    static final int READ_BLOCK = 1 << 20;

    /** Receives each finished batch. */
    interface Sink {
        void accept(ImportBatch batch) throws IOException, InterruptedException;
    }

    /** Lines counted while reading (not yet sent). */
    record Counts(long lines, long blank, long truncated) {}

    private final int maxLine;
    private final int batchBytes;
    private final LineSplitter splitter;
    private final Sink sink;

    private byte[] body;
    private int size;
    private int batchLines;
    private long batchStart;
    /** Input offset of the read buffer's first byte, for the line being handed on. */
    private long base;
    /** The first failure of the sink: {@link LineReader.LineSink#line} cannot throw checked exceptions. */
    private Exception failed;
    private long lines;
    private long blank;
    private long truncated;

    /** @param batchBytes most bytes in a request body (below the server's {@code http_max_body}), above {@code maxLine + 1} */
    ImportBatcher(int maxLine, int batchBytes, Sink sink) {
        if (maxLine < 1 || (long) maxLine + 2 > batchBytes) {
            throw new IllegalArgumentException("a line of " + maxLine + " bytes may not fit a batch of " + batchBytes + " bytes");
        }
        this.maxLine = maxLine;
        this.batchBytes = batchBytes;
        this.splitter = new LineSplitter(maxLine);
        this.sink = sink;
    }

    Counts counts() { return new Counts(lines, blank, truncated); }

    /** Reads {@code in} to its end, handing each full batch to the sink, and the last part-full one. */
    void run(InputStream in) throws IOException, InterruptedException {
        byte[] buf = new byte[Math.max(READ_BLOCK, 2 * maxLine + 2)]; // a partial line (at most maxLine) leaves room for more
        int end = 0;
        boolean skipping = false; // inside the cut-off rest of a long line
        base = 0;
        while (true) {
            int n = in.read(buf, end, buf.length - end);
            if (n > 0) {
                end += n;
            }
            LineSplitter.Split s = splitter.split(buf, 0, end, skipping, n < 0, this);
            rethrow();
            skipping = s.skipping();
            if (n < 0) {
                break;
            }
            // the partial last line (shorter than a block) to the front, for the next block to complete
            System.arraycopy(buf, s.end(), buf, 0, end - s.end());
            base += s.end();
            end -= s.end();
        }
        finishBatch();
    }

    @Override
    public void line(byte[] b, int off, int len, boolean cut) {
        if (failed != null) {
            return;
        }
        lines++;
        if (!cut && (len == 0 || len == 1 && b[off] == '\r')) {
            blank++;
            return;
        }
        int send = cut ? len + 1 : len; // a cut line has at least one more byte in b (LineSplitter): the server cuts it too
        try {
            if (body != null && size + send + 1 > batchBytes) {
                finishBatch();
            }
        } catch (IOException | InterruptedException e) {
            failed = e;
            return;
        }
        if (body == null) {
            body = new byte[batchBytes];
            size = 0;
            batchStart = base + off;
        }
        System.arraycopy(b, off, body, size, send);
        size += send;
        body[size++] = '\n';
        batchLines++;
        if (cut) {
            truncated++;
        }
    }

    private void rethrow() throws IOException, InterruptedException {
        Exception e = failed;
        if (e instanceof IOException io) {
            throw io;
        }
        if (e instanceof InterruptedException ie) {
            throw ie;
        }
    }

    private void finishBatch() throws IOException, InterruptedException {
        if (body == null) {
            return;
        }
        ImportBatch batch = new ImportBatch(body, size, batchLines, batchStart);
        body = null;
        batchLines = 0;
        sink.accept(batch);
    }
}
