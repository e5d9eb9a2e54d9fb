package io.loglane.inputs.tail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * The line source of every file-based input (tail now; Docker and CRI files build on it): reads a
 * file in large blocks and splits each block into lines with {@link LineSplitter}, without
 * decoding text. One {@link #read} is one block and becomes one batch; it reports where it stopped, so the
 * caller owns the read position and can hand it on with the batch.
 *
 * <h2>Lines</h2>
 * <ul>
 *   <li>A line is the bytes before a {@code '\n'} (the newline is not part of it; a {@code '\r'}
 *       before it is).</li>
 *   <li>A line longer than {@code maxLineBytes} is cut: its first {@code maxLineBytes} bytes are
 *       handed on marked truncated, and the rest up to its newline is skipped, across as many
 *       blocks as it takes ({@link Read#skipping()} carries that state to the next read), so the
 *       lines after it are still read.</li>
 *   <li>A partial last line (no newline yet) is not consumed: {@link Read#end()} stays before it,
 *       unless the caller asks for it with {@code flushPartial} (the writer did not finish it within
 *       the flush timeout, or the range being re-read ended there).</li>
 * </ul>
 * A read is a function of the bytes in {@code [start, limit)}, {@code skipping} and
 * {@code flushPartial}: re-reading the range a batch came from yields the same lines, which is
 * what lets a tail re-send a batch after a crash under the same chunk id.
 *
 * <p>Thread-safety: not thread-safe; one reader per thread (it owns the block buffer).
 */
public final class LineReader {
    /** Receives the lines of one read; the bytes are valid only during the call. */
    @FunctionalInterface
    public interface LineSink {
        void line(byte[] buf, int off, int len, boolean truncated);
    }

    /**
     * Where a read stopped.
     *
     * @param end      the position after the last byte consumed (lines handed on, and bytes skipped)
     * @param skipping true when {@code end} is inside a cut line whose rest is still to be skipped
     * @param lines    lines handed on
     * @param full     true when the read filled its block: more bytes may follow at once
     * @param read     bytes read (from the read's start; some may not be consumed)
     */
    public record Read(long end, boolean skipping, int lines, boolean full, int read) {}

    private final byte[] block;
    private final ByteBuffer buffer;
    private final LineSplitter splitter;

    /**
     * @param blockBytes   bytes read at once (raised to {@code maxLineBytes + 1}, so a line that is not
     *                     cut always fits in one block)
     * @param maxLineBytes longest line handed on whole
     */
    public LineReader(int blockBytes, int maxLineBytes) {
        this.splitter = new LineSplitter(maxLineBytes);
        this.block = new byte[Math.max(blockBytes, maxLineBytes + 1)];
        this.buffer = ByteBuffer.wrap(block);
    }

    /** Bytes read at once. */
    public int blockBytes() { return block.length; }

    /**
     * Reads one block of {@code ch} from {@code start}, not past {@code limit}, and hands its lines to {@code sink}.
     *
     * @param limit        where to stop reading (exclusive); {@link Long#MAX_VALUE} for the end of the file
     * @param skipping     {@code start} is inside a cut line: skip to its newline first
     * @param flushPartial hand on a partial line at the end of what was read (at end of file or at {@code limit})
     */
    public Read read(FileChannel ch, long start, long limit, boolean skipping, boolean flushPartial, LineSink sink)
            throws IOException {
        int want = (int) Math.min(block.length, limit - start);
        int n = fill(ch, start, want);
        boolean full = n == block.length;
        LineSplitter.Split s = splitter.split(block, 0, n, skipping, flushPartial && !full, sink);
        return new Read(start + s.end(), s.skipping(), s.lines(), full, n);
    }

    /** CRC-32C of the first {@code len} bytes the last read returned (at most {@link Read#read()}). */
    public long prefixCrc(int len) {
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(block, 0, len);
        return crc.getValue();
    }

    /** Reads up to {@code want} bytes at {@code pos}; fewer at end of file (a file truncated meanwhile reads short). */
    private int fill(FileChannel ch, long pos, int want) throws IOException {
        buffer.clear().limit(want);
        while (buffer.hasRemaining()) {
            int r = ch.read(buffer, pos + buffer.position());
            if (r <= 0) {
                break;
            }
        }
        return buffer.position();
    }
}
