package io.loglane.stream.memory;

import io.loglane.stream.io.AtomicFiles;
import io.loglane.core.event.Bytes;
import io.loglane.stream.io.AtomicFiles;
import io.loglane.stream.io.ChannelOpener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * The persisted high-water mark of a memory lane's offsets ({@code <lane>/memory.hwm}): an offset
 * {@link #limit()} such that every offset the lane has handed out, in this run or any earlier one,
 * is below it. A memory lane starts at the stored limit, so its offsets never repeat across
 * restarts, crashes included (stores name files by offset and trust that).
 *
 * <p>Offsets are reserved in blocks: when an append would need offsets at or past the limit, a
 * new limit one block further is written (atomically, fsynced) <em>before</em> those offsets are
 * handed out, so the file is rewritten once per block, not per append. A crash therefore skips at
 * most one block of offsets (a gap, never a reuse); a clean close writes the exact end offset, so a
 * graceful restart continues without a gap.
 *
 * <pre>
 * memory.hwm (big-endian): magic int32 0x4C4C4857 ("LLHW"), version int16 1, limit int64,
 *   crc32c uint32 (of the 14 bytes before it)
 * </pre>
 *
 * <p>Thread-safety: not thread-safe; the owning lane calls it under its lock.
 */
final class OffsetReservation {
    static final int MAGIC = 0x4C4C4857;
    static final int VERSION = 1;
    private static final int SIZE = 4 + 2 + 8 + 4;

    private final Path file;
    private final long block;
    private final ChannelOpener opener;
    private long limit;

    private OffsetReservation(Path file, long block, ChannelOpener opener, long limit) {
        this.file = file;
        this.block = block;
        this.opener = opener;
        this.limit = limit;
    }

    /**
     * Reads the stored limit of the lane in {@code laneDir} (created if missing), or 0 when there is
     * no file yet (the lane's first start).
     *
     * @param opener opens the file it writes ({@link ChannelOpener#DEFAULT}; tests pass a failing disk)
     * @throws IOException when the file is unreadable, torn or corrupt: starting over at 0 would
     *     reuse offsets the stores already hold, so the lane must not start
     */
    static OffsetReservation open(Path laneDir, long block, ChannelOpener opener) throws IOException {
        if (block <= 0) {
            throw new IllegalArgumentException("reservation block must be positive: " + block);
        }
        Files.createDirectories(laneDir);
        Path file = laneDir.resolve(MemoryLaneStream.RESERVATION_FILE);
        Files.deleteIfExists(AtomicFiles.tempFile(file)); // an interrupted write; the old file is intact
        long stored;
        try {
            stored = decode(Files.readAllBytes(file), file);
        } catch (NoSuchFileException e) {
            stored = 0;
        }
        return new OffsetReservation(file, block, opener, stored);
    }

    /** Every offset handed out so far is below this (as stored on disk). */
    long limit() { return limit; }

    /**
     * Makes sure offsets below {@code end} may be handed out: when {@code end} passes the limit,
     * durably stores {@code end + block} first.
     *
     * @return true when the file was rewritten
     */
    boolean cover(long end) throws IOException {
        if (end <= limit) {
            return false;
        }
        long next = Math.addExact(end, block);
        AtomicFiles.writeAtomically(file, encode(next), opener);
        limit = next; // only once durable: a failed write leaves the old, still valid limit
        return true;
    }

    /**
     * Stores exactly {@code end} (the lane's end offset at a clean close, when no more offsets will
     * be handed out), so the next start continues without a gap.
     */
    void settle(long end) throws IOException {
        if (end > limit) {
            throw new IllegalStateException("end offset " + end + " was never reserved (limit " + limit + ")");
        }
        if (end != limit) {
            AtomicFiles.writeAtomically(file, encode(end), opener);
            limit = end;
        }
    }

    static byte[] encode(long limit) {
        byte[] b = new byte[SIZE];
        Bytes.putInt(b, 0, MAGIC);
        b[4] = (byte) (VERSION >>> 8);
        b[5] = (byte) VERSION;
        Bytes.putLong(b, 6, limit);
        CRC32C crc = new CRC32C();
        crc.update(b, 0, SIZE - 4);
        Bytes.putInt(b, SIZE - 4, (int) crc.getValue());
        return b;
    }

    static long decode(byte[] b, Path file) throws IOException {
        String what = "memory lane offset reservation " + file;
        if (b.length != SIZE) {
            throw new IOException(what + " has " + b.length + " bytes, expected " + SIZE);
        }
        CRC32C crc = new CRC32C();
        crc.update(b, 0, SIZE - 4);
        if ((int) crc.getValue() != Bytes.getInt(b, SIZE - 4)) {
            throw new IOException(what + " fails its CRC");
        }
        if (Bytes.getInt(b, 0) != MAGIC) {
            throw new IOException(what + " has a bad magic");
        }
        int version = ((b[4] & 0xFF) << 8) | (b[5] & 0xFF);
        if (version != VERSION) {
            throw new IOException(what + " has unknown version " + version);
        }
        long limit = Bytes.getLong(b, 6);
        if (limit < 0) {
            throw new IOException(what + " holds negative offset " + limit);
        }
        return limit;
    }
}
