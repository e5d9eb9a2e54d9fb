package io.loglane.stream.memory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A memory lane's delivery progress in a small memory-mapped file ({@code <lane>/memory.progress}),
 * so the events a process crash loses can be counted at the next start. The lane writes two offsets
 * into the mapping on every append and every commit: {@code end} (the lane's end offset) and
 * {@code covered} (every offset below it was committed by every consumer, or already counted as
 * dropped for overflow). Events in {@code [covered, end)} are what a crash loses.
 *
 * <h2>Why a mapped file</h2>
 * A store into a shared mapping is a memory write, not a system call, so the hot path pays nothing
 * measurable; the pages belong to the kernel's page cache, so they survive the process being
 * killed (SIGKILL, OOM killer, a JVM crash) and reach the disk later by writeback. A <em>power
 * loss</em> or kernel crash can lose the newest values (nothing is fsynced): after one, the count
 * of the lost run is only as recent as the last writeback. That matches what a memory lane
 * promises (nothing across power loss).
 *
 * <h2>Format</h2>
 * (also in {@code stream/local/FORMAT.md}, "Memory lanes: memory.progress")
 * <pre>
 * memory.progress (big-endian, 24 bytes):
 *   magic   int32 0x4C4C4D50 ("LLMP")
 *   version int16 1
 *   flags   int16   bit 0: the run ended with a clean close (its loss is a shutdown's, not a crash's)
 *   end     int64   the lane's end offset
 *   covered int64   0 ≤ covered ≤ end
 * </pre>
 * No checksum: each field is one aligned store, so a killed process leaves each field either old or
 * new, never torn, and {@code covered} only moves up after {@code end} did. The file is written
 * whole through the channel before it is mapped, so its block is allocated and a store into the
 * mapping cannot fault on a full disk. A file with a bad magic, version, size or
 * {@code covered > end} is reported as unreadable ({@link Previous#unknown}) and rewritten: the
 * count of that one run is lost, never the lane.
 *
 * <p>Thread-safety: not thread-safe; the owning lane calls it under its lock.
 */
final class DeliveryProgress implements AutoCloseable {
    static final String FILE = "memory.progress";
    static final int MAGIC = 0x4C4C4D50;
    static final short VERSION = 1;
    static final int SIZE = 24;
    private static final int FLAGS = 6;
    private static final int END = 8;
    private static final int COVERED = 16;
    private static final short CLEAN = 1;

    /**
     * What the previous run left.
     *
     * @param lost    events accepted by it and not delivered everywhere ({@code end - covered}); 0 when unknown
     * @param clean   it ended with a clean close
     * @param unknown the file was unreadable, so the previous run's loss is not known
     */
    record Previous(long lost, boolean clean, boolean unknown) {
        static final Previous NONE = new Previous(0, true, false);
    }

    private final FileChannel channel;
    private final MappedByteBuffer map;
    private final Previous previous;

    private DeliveryProgress(FileChannel channel, MappedByteBuffer map, Previous previous) {
        this.channel = channel;
        this.map = map;
        this.previous = previous;
    }

    /**
     * Reads what the previous run left in {@code laneDir} and starts this run at {@code start}
     * (end = covered = start, not clean).
     *
     * @throws IOException when the file cannot be read, written or mapped
     */
    static DeliveryProgress open(Path laneDir, long start) throws IOException {
        Files.createDirectories(laneDir);
        Path file = laneDir.resolve(FILE);
        Previous previous;
        try {
            previous = decode(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            previous = Previous.NONE;
        }
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            ch.truncate(SIZE);
            ByteBuffer init = encode(start, start, false);
            while (init.hasRemaining()) {
                ch.write(init, init.position());
            }
            ch.force(false); // allocates the block before any store into the mapping
            MappedByteBuffer map = ch.map(FileChannel.MapMode.READ_WRITE, 0, SIZE);
            map.order(ByteOrder.BIG_ENDIAN);
            return new DeliveryProgress(ch, map, previous);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** What the run before this one left (read at {@link #open}). */
    Previous previous() { return previous; }

    /** Records the lane's end offset and the offset below which nothing more can be lost. */
    void record(long end, long covered) {
        map.putLong(END, end); // end first: a kill between the two stores over-counts, never under-counts
        map.putLong(COVERED, Math.min(covered, end));
    }

    /** Marks the run as closed cleanly (what remains in {@code [covered, end)} was lost to a shutdown). */
    void markClean() {
        map.putShort(FLAGS, CLEAN);
    }

    static ByteBuffer encode(long end, long covered, boolean clean) {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.BIG_ENDIAN);
        b.putInt(MAGIC).putShort(VERSION).putShort(clean ? CLEAN : 0).putLong(end).putLong(covered);
        return b.flip();
    }

    static Previous decode(byte[] bytes) {
        if (bytes.length != SIZE) {
            return new Previous(0, false, true);
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN);
        int magic = b.getInt();
        short version = b.getShort();
        short flags = b.getShort();
        long end = b.getLong();
        long covered = b.getLong();
        if (magic != MAGIC || version != VERSION || covered < 0 || covered > end) {
            return new Previous(0, false, true);
        }
        return new Previous(end - covered, (flags & CLEAN) != 0, false);
    }

    @Override
    public void close() throws IOException {
        map.force();
        channel.close();
    }
}
