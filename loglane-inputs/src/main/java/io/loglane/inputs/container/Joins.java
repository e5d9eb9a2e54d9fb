package io.loglane.inputs.container;

import io.loglane.inputs.tail.LineFormat;

/**
 * The records of one batch of a container log file, with its split lines joined per stream
 * ({@link Joiner}), and where the batch must end so that a line whose last part is not read yet
 * is read whole by the next batch instead of being stored in two pieces.
 *
 * <p>A batch may end before the first part of an open join when no record was written after that
 * part (the batch's records are then exactly those of the bytes before it, so re-reading the
 * shortened range after a crash yields them again). It does not when the join starts the batch and
 * the block is full or the file idle ({@code flushOpen}): the open join is stored as it is, or the
 * reader could never move on.
 *
 * <p>Thread-safety: not thread-safe; one per file, on the tailer thread.
 */
final class Joins {
    private final Joiner stdout;
    private final Joiner stderr;
    private LineFormat.RecordOut out;
    /** Position (from the read's start) of the first part of the oldest open join; -1 when none is open. */
    private int openedAt = -1;
    private boolean writtenSince;

    Joins(int maxLineBytes) {
        this.stdout = new Joiner(maxLineBytes);
        this.stderr = new Joiner(maxLineBytes);
    }

    void begin(LineFormat.RecordOut out) {
        this.out = out;
        stdout.reset();
        stderr.reset();
        openedAt = -1;
        writtenSince = false;
    }

    /** True while a split line's parts are being joined on either stream. */
    boolean isOpen() { return stdout.isOpen() || stderr.isOpen(); }

    /** A whole line's record. */
    void record(byte[] head, long ts, byte[] buf, int off, int len, boolean truncated) {
        out.record(head, ts, buf, off, len, truncated);
        writtenSince = openedAt >= 0;
    }

    /** A line that is not made a record (malformed): a batch ends after it like after a record, so it is read once. */
    void reject() {
        writtenSince = openedAt >= 0;
    }

    /** A part that is not the last one, of the line at {@code lineAt} (from the read's start). */
    void part(boolean err, byte[] buf, int off, int len, long ts, int lineAt) {
        if (openedAt < 0) {
            openedAt = lineAt;
        }
        (err ? stderr : stdout).part(buf, off, len, ts);
    }

    /** The last part of a line (or a whole one): joined with its stream's open parts, if any. */
    void last(boolean err, byte[] head, byte[] buf, int off, int len, long ts, boolean truncated) {
        Joiner j = err ? stderr : stdout;
        if (!j.isOpen()) {
            record(head, ts, buf, off, len, truncated);
            return;
        }
        j.part(buf, off, len, ts);
        j.flush(out, head, truncated);
        if (!stdout.isOpen() && !stderr.isOpen()) {
            openedAt = -1;
            writtenSince = false;
        } else {
            writtenSince = true;
        }
    }

    /**
     * Ends the batch.
     *
     * @param flushOpen the block is full or the file idle: an open join at the batch's start is stored as it is
     * @return where the batch ends (from the read's start) to leave an open join to the next batch, or -1 for where it read to
     */
    int end(byte[] stdoutHead, byte[] stderrHead, boolean flushOpen) {
        int hold = -1;
        if (openedAt >= 0 && !writtenSince && (openedAt > 0 || !flushOpen)) {
            hold = openedAt;
        } else {
            if (stdout.isOpen()) {
                stdout.flush(out, stdoutHead, false);
            }
            if (stderr.isOpen()) {
                stderr.flush(out, stderrHead, false);
            }
        }
        stdout.reset();
        stderr.reset();
        out = null;
        return hold;
    }
}
