package io.loglane.stream.local;

import io.loglane.core.event.Bytes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Sparse offset index of one segment: entries (offset relative to the segment base, byte position
 * of the batch that starts there), ascending. An entry is added for a batch when at least
 * {@code intervalBytes} were appended since the last entry (and always for the first batch).
 *
 * <p>The index is derived: it lives in memory while the segment is open and is written to the
 * {@code .index} file only when the segment is sealed (after the log was fsynced) or at a clean
 * close. The file records the log length it describes; on load a file whose CRC, header or log
 * length does not match is ignored and the index is rebuilt from the log (see {@link LaneLoader}).
 *
 * <pre>
 * index file (big-endian): magic int32 0x4C4C4958 ("LLIX"), version int16 1, baseOffset int64,
 *   logBytes int64, nextOffset int64, maxReceivedAtNanos int64, entryCount int32,
 *   entries {relativeOffset int32, position int32}[entryCount], crc32c uint32 (of all bytes before it)
 * </pre>
 *
 * <p>Thread-safety: one writer (under the lane's append lock) and any number of concurrent
 * readers: an entry is published by the volatile size write after the array slot is filled.
 */
public final class SegmentIndex {
    public static final int MAGIC = 0x4C4C4958;
    public static final int VERSION = 1;
    private static final int HEADER = 4 + 2 + 8 + 8 + 8 + 8 + 4;

    private final int intervalBytes;
    private volatile long[] entries = new long[64];
    private volatile int size;
    private long lastIndexedPosition = -1;

    public SegmentIndex(int intervalBytes) {
        this.intervalBytes = intervalBytes;
    }

    /** Records the batch at {@code position} if the interval since the last entry has passed. */
    public void maybeAdd(int relativeOffset, int position) {
        if (lastIndexedPosition >= 0 && position - lastIndexedPosition < intervalBytes) {
            return;
        }
        long[] e = entries;
        if (size == e.length) {
            e = Arrays.copyOf(e, e.length * 2);
            entries = e;
        }
        e[size] = ((long) relativeOffset << 32) | (position & 0xFFFFFFFFL);
        size = size + 1;
        lastIndexedPosition = position;
    }

    /** Drops entries at or beyond {@code position} (after a truncation). */
    public void truncateTo(long position) {
        int n = size;
        long[] e = entries;
        while (n > 0 && (e[n - 1] & 0xFFFFFFFFL) >= position) {
            n--;
        }
        size = n;
        lastIndexedPosition = n == 0 ? -1 : (e[n - 1] & 0xFFFFFFFFL);
    }

    /** Byte position of the last indexed batch starting at or before {@code relativeOffset}; 0 if none. */
    public int floorPosition(int relativeOffset) {
        return position(floorEntry(relativeOffset));
    }

    /**
     * The last entry at or before {@code relativeOffset}, packed as {@code relativeOffset << 32 |
     * position} (read it with {@link #relativeOffset(long)} and {@link #position(long)}); entry
     * (0, 0) when there is none: the first batch of a segment starts there.
     */
    public long floorEntry(int relativeOffset) {
        int n = size;
        long[] e = entries;
        int lo = 0;
        int hi = n - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if ((int) (e[mid] >>> 32) <= relativeOffset) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found < 0 ? 0 : e[found];
    }

    /** The relative offset of a packed entry. */
    public static int relativeOffset(long entry) { return (int) (entry >>> 32); }

    /** The byte position of a packed entry. */
    public static int position(long entry) { return (int) entry; }

    public int entryCount() { return size; }

    /** Entry i as {relativeOffset, position}. */
    public int[] entry(int i) {
        long v = entries[i];
        return new int[] {(int) (v >>> 32), (int) v};
    }

    /** Serializes the index for a segment whose log is {@code logBytes} long. */
    public byte[] toBytes(long baseOffset, long logBytes, long nextOffset, long maxReceivedAtNanos) {
        int n = size;
        long[] e = entries;
        byte[] b = new byte[HEADER + n * 8 + 4];
        Bytes.putInt(b, 0, MAGIC);
        BatchCodec.putShort(b, 4, VERSION);
        Bytes.putLong(b, 6, baseOffset);
        Bytes.putLong(b, 14, logBytes);
        Bytes.putLong(b, 22, nextOffset);
        Bytes.putLong(b, 30, maxReceivedAtNanos);
        Bytes.putInt(b, 38, n);
        for (int i = 0; i < n; i++) {
            Bytes.putLong(b, HEADER + i * 8, e[i]);
        }
        CRC32C crc = new CRC32C();
        crc.update(b, 0, b.length - 4);
        Bytes.putInt(b, b.length - 4, (int) crc.getValue());
        return b;
    }

    /**
     * A loaded index file with the summary it stores.
     *
     * @param index              the entries
     * @param nextOffset         offset after the segment's last record
     * @param maxReceivedAtNanos newest arrival time in the segment
     */
    public record Loaded(SegmentIndex index, long nextOffset, long maxReceivedAtNanos) {}

    /**
     * Reads an index file and checks it against its segment: CRC, magic, version, base offset,
     * the log length it was written for, ascending entries inside the log.
     *
     * @return the index, or null (with {@code problem[0]} set) when it is missing or unusable
     */
    public static Loaded load(Path file, long baseOffset, long logBytes, int intervalBytes, String[] problem) {
        byte[] b;
        try {
            b = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            problem[0] = "missing";
            return null;
        } catch (IOException e) {
            problem[0] = "unreadable: " + e.getMessage();
            return null;
        }
        if (b.length < HEADER + 4) {
            problem[0] = "too short (" + b.length + " bytes)";
            return null;
        }
        CRC32C crc = new CRC32C();
        crc.update(b, 0, b.length - 4);
        if ((int) crc.getValue() != Bytes.getInt(b, b.length - 4)) {
            problem[0] = "CRC mismatch";
            return null;
        }
        int n = Bytes.getInt(b, 38);
        if (Bytes.getInt(b, 0) != MAGIC || BatchCodec.getShort(b, 4) != VERSION || Bytes.getLong(b, 6) != baseOffset
                || n < 0 || b.length != HEADER + n * 8L + 4) {
            problem[0] = "bad header";
            return null;
        }
        if (Bytes.getLong(b, 14) != logBytes) {
            problem[0] = "stale: written for " + Bytes.getLong(b, 14) + " log bytes, log has " + logBytes;
            return null;
        }
        SegmentIndex index = new SegmentIndex(intervalBytes);
        long prevRel = -1;
        long prevPos = -1;
        for (int i = 0; i < n; i++) {
            long v = Bytes.getLong(b, HEADER + i * 8);
            long rel = v >>> 32;
            long pos = v & 0xFFFFFFFFL;
            if (rel <= prevRel || pos <= prevPos || pos >= logBytes) {
                problem[0] = "entry " + i + " out of order or outside the log";
                return null;
            }
            index.maybeAddUnchecked(v);
            prevRel = rel;
            prevPos = pos;
        }
        return new Loaded(index, Bytes.getLong(b, 22), Bytes.getLong(b, 30));
    }

    private void maybeAddUnchecked(long packed) {
        long[] e = entries;
        if (size == e.length) {
            e = Arrays.copyOf(e, e.length * 2);
            entries = e;
        }
        e[size] = packed;
        size = size + 1;
        lastIndexedPosition = packed & 0xFFFFFFFFL;
    }
}
