package io.loglane.stream.local;

import io.loglane.core.event.Bytes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * Codec of one consumer checkpoint file: the committed offset of one consumer in one lane
 * partition (see FORMAT.md).
 *
 * <pre>
 * checkpoint v2 (big-endian, written): magic int32 0x4C4C434B ("LLCK"), version int16 2, partition int32,
 *   offset int64, consumerLength uint16, consumer byte[consumerLength] (UTF-8), crc32c uint32 (of all bytes before it)
 * checkpoint v1 (read only; written before partitions): as v2 without the partition field, which is
 *   then partition 0 (every lane had that one partition)
 * </pre>
 *
 * <p>Thread-safety: stateless.
 */
public final class CheckpointFile {
    public static final int MAGIC = 0x4C4C434B;
    public static final int VERSION = 2;
    /** The version before partitions: no partition field, read as partition 0. */
    static final int VERSION_1 = 1;

    private CheckpointFile() {}

    public static byte[] encode(String consumer, int partition, long offset) {
        byte[] name = consumer.getBytes(StandardCharsets.UTF_8);
        byte[] b = new byte[4 + 2 + 4 + 8 + 2 + name.length + 4];
        Bytes.putInt(b, 0, MAGIC);
        BatchCodec.putShort(b, 4, VERSION);
        Bytes.putInt(b, 6, partition);
        Bytes.putLong(b, 10, offset);
        BatchCodec.putShort(b, 18, name.length);
        System.arraycopy(name, 0, b, 20, name.length);
        CRC32C crc = new CRC32C();
        crc.update(b, 0, b.length - 4);
        Bytes.putInt(b, b.length - 4, (int) crc.getValue());
        return b;
    }

    /**
     * Reads a checkpoint file of either version.
     *
     * @return the offset
     * @throws IOException when unreadable, torn or corrupt (wrong size, magic, version, CRC), or when
     *     it names another consumer or another partition
     */
    public static long decode(Path file, String expectedConsumer, int expectedPartition) throws IOException {
        byte[] b = Files.readAllBytes(file);
        if (b.length < 20) {
            throw new IOException("checkpoint " + file.getFileName() + " is too short (" + b.length + " bytes)");
        }
        CRC32C crc = new CRC32C();
        crc.update(b, 0, b.length - 4);
        if ((int) crc.getValue() != Bytes.getInt(b, b.length - 4)) {
            throw new IOException("checkpoint " + file.getFileName() + " fails its CRC");
        }
        if (Bytes.getInt(b, 0) != MAGIC) {
            throw new IOException("checkpoint " + file.getFileName() + " has a bad magic");
        }
        int version = BatchCodec.getShort(b, 4);
        int partition;
        int at; // where the offset starts
        if (version == VERSION) {
            partition = Bytes.getInt(b, 6);
            at = 10;
        } else if (version == VERSION_1) {
            partition = 0;
            at = 6;
        } else {
            throw new IOException("checkpoint " + file.getFileName() + " has unknown version " + version);
        }
        int nameLength = BatchCodec.getShort(b, at + 8);
        int nameAt = at + 10;
        if (nameAt + nameLength + 4 != b.length
                || !new String(b, nameAt, nameLength, StandardCharsets.UTF_8).equals(expectedConsumer)) {
            throw new IOException("checkpoint " + file.getFileName() + " names another consumer");
        }
        if (partition != expectedPartition) {
            throw new IOException("checkpoint " + file.getFileName() + " is of partition " + partition + ", not " + expectedPartition);
        }
        long offset = Bytes.getLong(b, at);
        if (offset < 0) {
            throw new IOException("checkpoint " + file.getFileName() + " holds negative offset " + offset);
        }
        return offset;
    }
}
