package io.loglane.inputs.tail;

import java.util.Arrays;

/**
 * Notes, for each record of one read, where the line it was made from starts (from the read's
 * start), so that a batch can end before a record and leave it, and every record after it, to the
 * next read ({@link MultilineHold}). A record cannot be cut before ({@link #start} is -1) when its
 * line was not the only source of it: it closed a split line a container format was joining (a
 * Docker 16 KiB part, a CRI {@code P} line), it was one of several records one line gave, or the
 * format wrote it at the batch's end.
 *
 * <p>Thread-safety: not thread-safe; one per tailer thread, {@link #wrap} per read.
 */
final class LineStarts implements LineReader.LineSink {
    private final LineRecords records;
    private LineReader.LineSink inner;
    private LineFormat.FileLines lines;
    private int[] starts = new int[1024];
    /** Records noted so far: those written by line calls. */
    private int noted;

    LineStarts(LineRecords records) {
        this.records = records;
    }

    /** Starts a read whose lines go to {@code inner}; {@code lines} is the file's container format, or null. */
    LineReader.LineSink wrap(LineReader.LineSink inner, LineFormat.FileLines lines) {
        this.inner = inner;
        this.lines = lines;
        this.noted = 0;
        return this;
    }

    @Override
    public void line(byte[] buf, int off, int len, boolean truncated) {
        int before = records.count();
        boolean clean = lines == null || !lines.joinOpen();
        inner.line(buf, off, len, truncated);
        int after = records.count();
        if (starts.length < after) {
            starts = Arrays.copyOf(starts, Math.max(after, 2 * starts.length));
        }
        for (int k = noted; k < after; k++) {
            starts[k] = clean && k == before && after == before + 1 ? off : -1;
        }
        noted = after;
    }

    /** Where record {@code k}'s line starts, from the read's start; -1 when the batch cannot end before it. */
    int start(int k) { return k < noted ? starts[k] : -1; }
}
