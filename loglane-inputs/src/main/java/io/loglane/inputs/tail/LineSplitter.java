package io.loglane.inputs.tail;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The one line splitter of every line-based source: splits bytes into lines on {@code '\n'}
 * without decoding text, cutting a line longer than a maximum. {@link LineReader} uses it for each
 * block it reads from a file; the HTTP ingest of {@code text/plain} bodies and {@code ./loglane
 * import} use it on bytes they already hold.
 *
 * <h2>Lines</h2>
 * <ul>
 *   <li>A line is the bytes before a {@code '\n'} (the newline is not part of it; a {@code '\r'}
 *       before it is).</li>
 *   <li>A line longer than {@code maxLineBytes} is cut: its first {@code maxLineBytes} bytes are
 *       handed on marked truncated, and the rest up to its newline is skipped, across as many
 *       calls as it takes ({@link Split#skipping()} carries that state to the next call). For a cut
 *       line at least one more byte of it follows the handed-on part in the buffer.</li>
 *   <li>A last line without a newline is not consumed ({@link Split#end()} stays before it) unless
 *       {@code flushPartial}: then it is handed on as it is (cut if it is too long).</li>
 * </ul>
 * A split is a function of the bytes, {@code skipping} and {@code flushPartial}.
 *
 * <p>Thread-safety: immutable; safe for concurrent use (the sink is the caller's).
 */
public final class LineSplitter {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long NEWLINES = 0x0A0A0A0A0A0A0A0AL;
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;

    private final int maxLineBytes;

    /** @param maxLineBytes longest line handed on whole, at least 1 */
    public LineSplitter(int maxLineBytes) {
        if (maxLineBytes < 1) {
            throw new IllegalArgumentException("maxLineBytes must be >= 1: " + maxLineBytes);
        }
        this.maxLineBytes = maxLineBytes;
    }

    public int maxLineBytes() { return maxLineBytes; }

    /**
     * Where a split stopped.
     *
     * @param end      the position after the last byte consumed (lines handed on, and bytes skipped)
     * @param skipping true when {@code end} is inside a cut line whose rest is still to be skipped
     * @param lines    lines handed on
     */
    public record Split(int end, boolean skipping, int lines) {}

    /**
     * Hands the lines of {@code b[from, to)} to {@code sink}.
     *
     * @param skipping     {@code from} is inside a cut line: skip to its newline first
     * @param flushPartial hand on a last line that has no newline
     */
    public Split split(byte[] b, int from, int to, boolean skipping, boolean flushPartial, LineReader.LineSink sink) {
        int lineStart = from;
        int lines = 0;
        if (skipping) {
            int nl = indexOf(b, from, to);
            if (nl < 0) {
                return new Split(to, true, 0);
            }
            lineStart = nl + 1;
        }
        while (true) {
            int nl = indexOf(b, lineStart, to);
            if (nl < 0) {
                break;
            }
            int len = nl - lineStart;
            sink.line(b, lineStart, Math.min(len, maxLineBytes), len > maxLineBytes);
            lines++;
            lineStart = nl + 1;
        }
        int rest = to - lineStart;
        if (rest > maxLineBytes) { // no newline within the limit: cut here, skip the rest later
            sink.line(b, lineStart, maxLineBytes, true);
            return new Split(to, true, lines + 1);
        }
        if (rest > 0 && flushPartial) {
            sink.line(b, lineStart, rest, false);
            return new Split(to, false, lines + 1);
        }
        return new Split(lineStart, false, lines);
    }

    /**
     * The first {@code '\n'} in {@code b[from, to)}, or -1. Eight bytes at a time: a byte of
     * {@code w = word ^ 0x0A…} is zero where a newline is, and {@code (w - 0x01…) & ~w & 0x80…} sets
     * the top bit of the lowest such byte (a borrow can only mark bytes above it), so in a
     * little-endian word the trailing zero count finds the first newline. The splitting is most of
     * a line's cost before parsing, on the tail, text ingest and import paths alike.
     */
    static int indexOf(byte[] b, int from, int to) {
        int i = from;
        for (int last = to - Long.BYTES; i <= last; i += Long.BYTES) {
            long w = (long) LONGS.get(b, i) ^ NEWLINES;
            long found = (w - ONES) & ~w & HIGHS;
            if (found != 0) {
                return i + (Long.numberOfTrailingZeros(found) >>> 3);
            }
        }
        for (; i < to; i++) {
            if (b[i] == '\n') {
                return i;
            }
        }
        return -1;
    }
}
