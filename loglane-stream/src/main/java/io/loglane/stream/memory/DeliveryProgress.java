package io.loglane.stream.memory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A memory lane's delivery progress in a small memory-mapped file ({@code <lane>/memory.progress}),
 * so the events a process crash loses can be counted at the next start, for the lane and for each
 * store (consumer) it delivers to. The lane writes into the mapping on every append and every
 * commit: {@code end} (the lane's end offset), {@code covered} (every offset below it was committed
 * by every consumer, or already counted as dropped for overflow) and, per consumer, that consumer's
 * own covered offset. Events in {@code [covered, end)} are what a crash loses for at least one
 * store; events in {@code [covered(c), end)} are what it loses for consumer {@code c}.
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
 * memory.progress version 2 (big-endian, 32 + 16 * 64 = 1056 bytes):
 *   magic     int32 0x4C4C4D50 ("LLMP")
 *   version   int16 2
 *   flags     int16   bit 0: the run ended with a clean close (its loss is a shutdown's, not a crash's)
 *   end       int64   the lane's end offset
 *   covered   int64   0 ≤ covered ≤ end: the minimum over every consumer (all of them, also those past the slots)
 *   consumers int32   slots in use, 0..16
 *   reserved  int32   0
 *   16 slots of 64 bytes: covered int64 (that consumer's), name length int16 (1..54), name UTF-8 (zero padded)
 * version 1 (24 bytes, still read): magic | version 1 | flags | end | covered — no slots
 * </pre>
 * No checksum: each offset is one aligned store, so a killed process leaves it either old or new,
 * never torn, and a covered offset only moves up after {@code end} did. A slot's name is written
 * before {@code consumers} counts it. The file is written whole through the channel before it is
 * mapped, so its block is allocated and a store into the mapping cannot fault on a full disk. A
 * file with a bad magic, version, size or a covered offset above {@code end} is reported as
 * unreadable ({@link Previous#unknown}) and rewritten: the count of that one run is lost, never the lane.
 *
 * <p>Thread-safety: not thread-safe; the owning lane calls it under its lock.
 */
final class DeliveryProgress implements AutoCloseable {
    static final String FILE = "memory.progress";
    static final int MAGIC = 0x4C4C4D50;
    static final short VERSION = 2;
    static final int SLOTS = 16;
    static final int MAX_NAME = 54;
    private static final int HEADER = 32;
    private static final int SLOT = 64;
    static final int SIZE = HEADER + SLOTS * SLOT;
    private static final int V1_SIZE = 24;
    private static final int FLAGS = 6;
    private static final int END = 8;
    private static final int COVERED = 16;
    private static final int CONSUMERS = 24;
    private static final short CLEAN = 1;

    /**
     * What the previous run left.
     *
     * @param end        its end offset (0 when unknown)
     * @param lost       events accepted by it and not delivered to every store ({@code end - covered}); 0 when unknown
     * @param clean      it ended with a clean close
     * @param unknown    the file was unreadable, so the previous run's loss is not known
     * @param byConsumer per consumer with a slot, the events it had not committed ({@code end - covered(c)}); empty
     *                   for a version 1 file (no per-consumer offsets), an unreadable file or a lane without consumers
     */
    record Previous(long end, long lost, boolean clean, boolean unknown, Map<String, Long> byConsumer) {
        static final Previous NONE = new Previous(0, 0, true, false, Map.of());
        static final Previous UNKNOWN = new Previous(0, 0, false, true, Map.of());

        Previous {
            byConsumer = Map.copyOf(byConsumer);
        }
    }

    private final FileChannel channel;
    private final MappedByteBuffer map;
    private final Previous previous;
    /** Slot of each consumer that has one (consumers past {@link #SLOTS} only count in {@code covered}). */
    private final Map<String, Integer> slots = new HashMap<>();

    private DeliveryProgress(FileChannel channel, MappedByteBuffer map, Previous previous) {
        this.channel = channel;
        this.map = map;
        this.previous = previous;
    }

    /**
     * Reads what the previous run left in {@code laneDir} and starts this run at {@code start}
     * (end = covered = start, no consumers, not clean), in version 2.
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
            ByteBuffer init = encode(start, start, false, Map.of());
            while (init.hasRemaining()) {
                ch.write(init, init.position());
            }
            ch.truncate(SIZE);
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

    /**
     * Gives {@code consumer} a slot (once), its covered offset starting at {@code covered}; a
     * consumer past {@link #SLOTS}, or with a name longer than {@link #MAX_NAME} bytes, gets none and
     * only counts in the lane's {@code covered}.
     *
     * @return whether the consumer has a slot
     */
    boolean track(String consumer, long covered) {
        if (slots.containsKey(consumer)) {
            return true;
        }
        byte[] name = consumer.getBytes(StandardCharsets.UTF_8);
        if (slots.size() >= SLOTS || name.length == 0 || name.length > MAX_NAME) {
            return false;
        }
        int i = slots.size();
        int at = HEADER + i * SLOT;
        map.putLong(at, covered);
        map.putShort(at + 8, (short) name.length);
        map.put(at + 10, name);
        map.putInt(CONSUMERS, i + 1); // after the name: a kill before this leaves the slot unused
        slots.put(consumer, i);
        return true;
    }

    /** Records the lane's end offset and the offset below which nothing more can be lost to any store. */
    void record(long end, long covered) {
        map.putLong(END, end); // end first: a kill between the stores over-counts, never under-counts
        map.putLong(COVERED, Math.min(covered, end));
    }

    /** Records the offset below which nothing more can be lost to {@code consumer}; ignored when it has no slot. Call after {@link #record}. */
    void cover(String consumer, long covered) {
        Integer i = slots.get(consumer);
        if (i != null) {
            map.putLong(HEADER + i * SLOT, Math.min(covered, map.getLong(END)));
        }
    }

    /** Marks the run as closed cleanly (what remains in {@code [covered, end)} was lost to a shutdown). */
    void markClean() {
        map.putShort(FLAGS, CLEAN);
    }

    /** A whole version 2 file with {@code consumers} in slot order (name to covered offset). */
    static ByteBuffer encode(long end, long covered, boolean clean, Map<String, Long> consumers) {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.BIG_ENDIAN);
        b.putInt(MAGIC).putShort(VERSION).putShort(clean ? CLEAN : 0).putLong(end).putLong(covered).putInt(consumers.size()).putInt(0);
        int i = 0;
        for (Map.Entry<String, Long> c : consumers.entrySet()) {
            byte[] name = c.getKey().getBytes(StandardCharsets.UTF_8);
            b.putLong(HEADER + i * SLOT, c.getValue()).putShort(HEADER + i * SLOT + 8, (short) name.length).put(HEADER + i * SLOT + 10, name);
            i++;
        }
        return b.position(0).limit(SIZE);
    }

    /** A whole version 1 file (what binaries before per-consumer offsets wrote); for tests of reading it. */
    static ByteBuffer encodeV1(long end, long covered, boolean clean) {
        ByteBuffer b = ByteBuffer.allocate(V1_SIZE).order(ByteOrder.BIG_ENDIAN);
        b.putInt(MAGIC).putShort((short) 1).putShort(clean ? CLEAN : 0).putLong(end).putLong(covered);
        return b.flip();
    }

    static Previous decode(byte[] bytes) {
        if (bytes.length < V1_SIZE) {
            return Previous.UNKNOWN;
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN);
        int magic = b.getInt();
        short version = b.getShort();
        short flags = b.getShort();
        long end = b.getLong();
        long covered = b.getLong();
        boolean clean = (flags & CLEAN) != 0;
        if (magic != MAGIC || covered < 0 || covered > end) {
            return Previous.UNKNOWN;
        }
        if (version == 1 && bytes.length == V1_SIZE) {
            return new Previous(end, end - covered, clean, false, Map.of());
        }
        if (version != VERSION || bytes.length != SIZE) {
            return Previous.UNKNOWN;
        }
        int count = b.getInt(CONSUMERS);
        if (count < 0 || count > SLOTS) {
            return Previous.UNKNOWN;
        }
        Map<String, Long> byConsumer = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            int at = HEADER + i * SLOT;
            long c = b.getLong(at);
            int len = b.getShort(at + 8);
            if (c < 0 || c > end || len <= 0 || len > MAX_NAME) {
                return Previous.UNKNOWN;
            }
            byConsumer.put(new String(bytes, at + 10, len, StandardCharsets.UTF_8), end - c);
        }
        return new Previous(end, end - covered, clean, false, byConsumer);
    }

    @Override
    public void close() throws IOException {
        map.force();
        channel.close();
    }
}
