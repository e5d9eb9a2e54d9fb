package io.loglane.stream.local;

import io.loglane.stream.io.ChannelOpener;
import io.loglane.stream.io.AtomicFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;

/**
 * One segment of a lane: the {@code .log} file of batches whose offsets start at
 * {@link #baseOffset()} plus its in-memory {@link SegmentIndex}. Segments of a lane are ordered by
 * base offset. Within a segment offsets are contiguous from its base offset; between segments there
 * may be a gap left by crash recovery ({@code baseOffset >= } the previous segment's
 * {@link #nextOffset()}; see FORMAT.md).
 *
 * <p>Invariants: {@link #size()} is the length of the valid prefix of the file; everything below
 * it is whole, framed batches; {@link #nextOffset()} is the offset after the last of them.
 *
 * <p>Thread-safety: a single writer ({@link #append}, {@link #truncateTo}, {@link #seal} run under
 * the lane's append lock); reads ({@link #read}) are positional and may run concurrently with the
 * writer for positions below a published size.
 */
public final class Segment implements AutoCloseable {
    private final Path dir;
    private final long baseOffset;
    private final FileChannel channel;
    private final ChannelOpener opener;
    private final SegmentIndex index;
    private volatile long size;
    private volatile long nextOffset;
    private volatile long maxReceivedAtNanos;

    private Segment(Path dir, long baseOffset, FileChannel channel, ChannelOpener opener, SegmentIndex index, long size,
            long nextOffset, long maxReceivedAtNanos) {
        this.dir = dir;
        this.baseOffset = baseOffset;
        this.channel = channel;
        this.opener = opener;
        this.index = index;
        this.size = size;
        this.nextOffset = nextOffset;
        this.maxReceivedAtNanos = maxReceivedAtNanos;
    }

    /** Creates a new empty segment file; its channels (also the index file's) come from {@code opener}. */
    static Segment create(Path dir, long baseOffset, int indexIntervalBytes, ChannelOpener opener) throws IOException {
        FileChannel ch = opener.open(LaneFiles.logFile(dir, baseOffset), Set.of(StandardOpenOption.CREATE_NEW,
                StandardOpenOption.READ, StandardOpenOption.WRITE));
        return new Segment(dir, baseOffset, ch, opener, new SegmentIndex(indexIntervalBytes), 0, baseOffset, Long.MIN_VALUE);
    }

    /** Opens an existing segment whose valid prefix, index and summary were established by {@link LaneLoader}. */
    static Segment open(Path dir, long baseOffset, SegmentIndex index, long size, long nextOffset, long maxReceivedAtNanos,
            ChannelOpener opener) throws IOException {
        FileChannel ch = opener.open(LaneFiles.logFile(dir, baseOffset), Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE));
        return new Segment(dir, baseOffset, ch, opener, index, size, nextOffset, maxReceivedAtNanos);
    }

    public long baseOffset() { return baseOffset; }
    public long size() { return size; }
    public long nextOffset() { return nextOffset; }
    public long maxReceivedAtNanos() { return maxReceivedAtNanos; }
    public Path logFile() { return LaneFiles.logFile(dir, baseOffset); }
    public Path indexFile() { return LaneFiles.indexFile(dir, baseOffset); }
    public SegmentIndex index() { return index; }
    FileChannel channel() { return channel; }

    /**
     * Writes an encoded batch (its base offset already set to {@link #nextOffset()}) with one
     * {@code FileChannel.write}. Must run under the lane's append lock.
     *
     * @return the byte position the batch was written at
     */
    public long append(EncodedBatch batch) throws IOException {
        long position = size;
        ByteBuffer bb = ByteBuffer.wrap(batch.bytes(), 0, batch.length());
        long p = position;
        while (bb.hasRemaining()) {
            p += channel.write(bb, p);
        }
        index.maybeAdd((int) (nextOffset - baseOffset), (int) position);
        if (batch.receivedAtNanos() > maxReceivedAtNanos) {
            maxReceivedAtNanos = batch.receivedAtNanos();
        }
        nextOffset += batch.recordCount();
        size = position + batch.length();
        return position;
    }

    /** Reads {@code len} bytes at {@code position} into {@code dst[0, len)}. */
    public void read(long position, byte[] dst, int len) throws IOException {
        ByteBuffer bb = ByteBuffer.wrap(dst, 0, len);
        long p = position;
        while (bb.hasRemaining()) {
            int n = channel.read(bb, p);
            if (n < 0) {
                throw new java.io.EOFException("segment " + logFile() + " ends at " + p);
            }
            p += n;
        }
    }

    /** Byte position of a batch starting at or before {@code offset} (from the sparse index). */
    public long floorPosition(long offset) {
        return SegmentIndex.position(floorEntry(offset));
    }

    /** The sparse index entry of a batch starting at or before {@code offset}, packed as {@link SegmentIndex#floorEntry}. */
    long floorEntry(long offset) {
        long rel = Math.max(0, offset - baseOffset);
        return index.floorEntry((int) Math.min(Integer.MAX_VALUE, rel));
    }

    /** Forces written bytes to the device. */
    public void flush() throws IOException {
        channel.force(false);
    }

    /** Cuts the file back to {@code position} after a failed write, restoring the offset counter. */
    public void truncateTo(long position, long restoredNextOffset) throws IOException {
        channel.truncate(position);
        index.truncateTo(position);
        size = position;
        nextOffset = restoredNextOffset;
    }

    /**
     * Fsyncs the log and then writes the index file: a valid index file therefore proves that the
     * log it describes reached the disk, which lets start-up skip scanning this segment.
     */
    public void seal() throws IOException {
        flush();
        writeIndex();
    }

    /** The second half of {@link #seal}: writes the index file (atomically); only after a {@link #flush}. */
    void writeIndex() throws IOException {
        AtomicFiles.writeAtomically(indexFile(), index.toBytes(baseOffset, size, nextOffset, maxReceivedAtNanos), opener);
    }

    /** Closes and removes the segment's files (log first, so a crash leaves only an orphan index). */
    public void delete() throws IOException {
        close();
        Files.deleteIfExists(logFile());
        Files.deleteIfExists(indexFile());
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    @Override
    public String toString() {
        return "Segment[" + logFile().getFileName() + ", offsets " + baseOffset + ".." + nextOffset + ", " + size + " bytes]";
    }
}
