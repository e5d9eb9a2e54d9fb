package io.loglane.app.cli;

import java.io.IOException;
import java.io.InputStream;

/**
 * Cuts a stream of log lines into {@code text/plain} request bodies for HTTP ingest: the input's
 * bytes as they are, each body as full as {@code batchBytes} allows and ending at a line's end; the
 * server splits the lines and makes the records ({@code io.loglane.inputs.http.TextBodyDecoder}),
 * and its answer says how many lines, blank lines and cut lines each body held.
 *
 * <p>Why bodies and not lines: the import's CLI would otherwise look at every byte (splitting lines)
 * that the server looks at again; here it looks only for the last newline of each body, so its cost
 * per GB is reading the file and one copy (measured in {@code ./loglane bench import}).
 *
 * <ul>
 *   <li>A body ends after its last {@code \n}; the partial line after it starts the next body (the
 *       input's last line needs no newline).</li>
 *   <li>A line longer than a whole body (no {@code \n} in {@code batchBytes}): its first
 *       {@code maxLine + 1} bytes are sent as one line and the rest, up to its newline, skipped. The
 *       server, told the same {@code max_line}, cuts it at {@code maxLine} and marks it
 *       {@code "truncated":true}, as it does with any line longer than {@code maxLine}.</li>
 *   <li>A body of blank lines only ({@code \n} and {@code \r} bytes) is not sent (the server
 *       would refuse it as empty): its lines are counted here ({@link #blankNotSent()}).</li>
 *   <li>Boundaries depend only on the input and the settings: a rerun makes the same bodies with
 *       the same offsets, so the same idempotency keys.</li>
 * </ul>
 *
 * <p>Thread-safety: not thread-safe; one reader thread. Each body handed to the sink is an array
 * of {@link ImportBodies} the batcher does not touch again until it is given back.
 */
final class ImportBatcher {
    /** Receives each finished batch. */
    interface Sink {
        void accept(ImportBatch batch) throws IOException, InterruptedException;
    }

    private final int maxLine;
    private final int batchBytes;
    private final ImportBodies bodies;
    private final Sink sink;
    private long blankNotSent;

    /** @param bodies the body arrays; their size is the most bytes in a request body (below the server's {@code http_max_body}), above {@code maxLine + 1} */
    ImportBatcher(int maxLine, ImportBodies bodies, Sink sink) {
        int batchBytes = bodies.bytes();
        if (maxLine < 1 || (long) maxLine + 2 > batchBytes) {
            throw new IllegalArgumentException("a line of " + maxLine + " bytes may not fit a batch of " + batchBytes + " bytes");
        }
        this.maxLine = maxLine;
        this.batchBytes = batchBytes;
        this.bodies = bodies;
        this.sink = sink;
    }

    /** Lines in bodies of blank lines only, which were not sent. */
    long blankNotSent() { return blankNotSent; }

    /** Reads {@code in} to its end, handing each full body to the sink, and the last part-full one. */
    void run(InputStream in) throws IOException, InterruptedException {
        byte[] body = bodies.take();
        int size = 0;       // bytes in body
        long start = 0;     // input offset of the line body[0] starts
        long read = 0;      // input bytes read so far; body[size - 1], when read from the input, is byte read - 1
        boolean skipping = false; // reading past the rest of a cut line: bytes up to its newline are dropped
        boolean eof = false;
        while (true) {
            while (size < batchBytes && !eof) {
                int n = in.read(body, size, batchBytes - size);
                if (n < 0) {
                    eof = true;
                } else if (skipping) {
                    read += n;
                    int nl = indexOfNewline(body, size, size + n);
                    if (nl >= 0) {
                        skipping = false;
                        int kept = size + n - nl - 1; // the lines after the cut line's newline
                        System.arraycopy(body, nl + 1, body, size, kept);
                        size += kept;
                    }
                } else {
                    size += n;
                    read += n;
                }
            }
            if (size == 0) {
                bodies.give(body);
                return;
            }
            int end = eof ? size : lastNewline(body, size) + 1;
            if (end == 0) {
                // one line fills the body: its head is sent as a line of its own, its rest skipped
                body[maxLine + 1] = '\n';
                size = maxLine + 2;
                skipping = true;
                continue;
            }
            byte[] next = bodies.take();
            int rest = size - end;
            System.arraycopy(body, end, next, 0, rest);
            emit(body, end, start);
            body = next;
            size = rest;
            start = read - rest;
        }
    }

    private void emit(byte[] body, int len, long start) throws IOException, InterruptedException {
        if (blankOnly(body, len)) {
            blankNotSent += lines(body, len);
            bodies.give(body);
            return;
        }
        sink.accept(new ImportBatch(body, len, start));
    }

    private static boolean blankOnly(byte[] b, int len) {
        for (int i = 0; i < len; i++) {
            if (b[i] != '\n' && b[i] != '\r') {
                return false;
            }
        }
        return true;
    }

    /** Lines in {@code b[0, len)}: its newlines, and one more when it does not end with one. */
    static long lines(byte[] b, int len) {
        long n = 0;
        for (int i = 0; i < len; i++) {
            if (b[i] == '\n') {
                n++;
            }
        }
        return len > 0 && b[len - 1] != '\n' ? n + 1 : n;
    }

    private static int indexOfNewline(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static int lastNewline(byte[] b, int len) {
        for (int i = len - 1; i >= 0; i--) {
            if (b[i] == '\n') {
                return i;
            }
        }
        return -1;
    }
}
