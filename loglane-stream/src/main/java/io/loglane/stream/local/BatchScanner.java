package io.loglane.stream.local;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Walks the batches of one segment file from a byte position, checking framing and (optionally)
 * CRCs. Used by recovery, index rebuilds, the dedup-window rebuild and {@link LaneInspector}; it
 * never writes.
 *
 * <p>Thread-safety: not thread-safe; one scanner per walk. Positional reads only, so the channel
 * may be shared with other readers.
 */
public final class BatchScanner {
    /** What the next step of the walk found. */
    public sealed interface Step permits Batch, Damaged, End {}

    /**
     * A well-framed batch (CRC-verified if the scan verifies).
     *
     * @param position byte position of the batch in the segment
     * @param header   its header
     * @param bytes    buffer holding the batch from index 0 (whole batch when verified, else the
     *                 header only); reused by the next step
     */
    public record Batch(long position, BatchHeader header, byte[] bytes) implements Step {}

    /**
     * Bytes at {@code position} are not a valid batch.
     *
     * @param position  where the damage starts
     * @param torn      true when the file ends inside the batch (an interrupted write)
     * @param reason    human-readable cause
     */
    public record Damaged(long position, boolean torn, String reason) implements Step {}

    /** The walk reached the end of the file exactly at a batch boundary. */
    public record End(long position) implements Step {}

    private final FileChannel channel;
    private final long limit;
    private final boolean verify;
    private long position;
    private byte[] buf = new byte[64 * 1024];

    public BatchScanner(FileChannel channel, long from, long limit, boolean verify) {
        this.channel = channel;
        this.position = from;
        this.limit = limit;
        this.verify = verify;
    }

    public long position() { return position; }

    /** Reads the next batch; on {@link Damaged} or {@link End} the position stays put. */
    public Step next() throws IOException {
        long remaining = limit - position;
        if (remaining == 0) {
            return new End(position);
        }
        if (remaining < BatchCodec.HEADER_SIZE) {
            return new Damaged(position, true, "file ends " + remaining + " bytes into a batch header");
        }
        readFully(0, BatchCodec.HEADER_SIZE, position);
        int headerLength;
        try {
            headerLength = BatchCodec.headerLength(buf, 0);
        } catch (CorruptBatchException e) {
            return new Damaged(position, false, e.getMessage());
        }
        int length = BatchCodec.length(buf, 0);
        if (length > remaining) {
            return new Damaged(position, true, "batch of " + length + " bytes but only " + remaining + " left in the file");
        }
        // At least the fixed header already read: a version 1 header is shorter than a version 2 one.
        int toRead = Math.max(verify ? length : headerLength, BatchCodec.HEADER_SIZE);
        if (buf.length < toRead) {
            buf = new byte[Math.max(toRead, buf.length * 2)];
            readFully(0, BatchCodec.HEADER_SIZE, position);
        }
        readFully(BatchCodec.HEADER_SIZE, toRead - BatchCodec.HEADER_SIZE, position + BatchCodec.HEADER_SIZE);
        BatchHeader header;
        try {
            header = BatchCodec.decodeHeader(buf, 0);
            if (verify) {
                BatchCodec.verify(buf, 0, header);
            }
        } catch (CorruptBatchException e) {
            return new Damaged(position, false, e.getMessage());
        }
        Batch batch = new Batch(position, header, buf);
        position += length;
        return batch;
    }

    private void readFully(int bufOff, int len, long filePos) throws IOException {
        readFully(channel, buf, bufOff, len, filePos);
    }

    /** Reads exactly {@code len} bytes at {@code position} into {@code dst[off, off+len)}; EOF before that is an error. */
    static void readFully(FileChannel ch, byte[] dst, int off, int len, long position) throws IOException {
        ByteBuffer bb = ByteBuffer.wrap(dst, off, len);
        long p = position;
        while (bb.hasRemaining()) {
            int n = ch.read(bb, p);
            if (n < 0) {
                throw new java.io.EOFException("unexpected end of segment at " + p);
            }
            p += n;
        }
    }
}
