package io.loglane.stream.local;

import io.loglane.core.event.Bytes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * Codec of one consumer checkpoint file.
 *
 * <pre>
 * checkpoint (big-endian): magic int32 0x4C4C434B ("LLCK"), version int16 1, offset int64,
 *   consumerLength uint16, consumer byte[consumerLength] (UTF-8), crc32c uint32 (of all bytes before it)
 * </pre>
 *
 * <p>Thread-safety: stateless.
 */
public final class CheckpointFile {
    public static final int MAGIC = 0x4C4C434B;
    public static final int VERSION = 1;

    private CheckpointFile() {}

    public static byte[] encode(String consumer, long offset) {
        byte[] name = consumer.getBytes(StandardCharsets.UTF_8);
        byte[] b = new byte[4 + 2 + 8 + 2 + name.length + 4];
        Bytes.putInt(b, 0, MAGIC);
        BatchCodec.putShort(b, 4, VERSION);
        Bytes.putLong(b, 6, offset);
        BatchCodec.putShort(b, 14, name.length);
        System.arraycopy(name, 0, b, 16, name.length);
        CRC32C crc = new CRC32C();
        crc.update(b, 0, b.length - 4);
        Bytes.putInt(b, b.length - 4, (int) crc.getValue());
        return b;
    }

    /**
     * Reads a checkpoint file.
     *
     * @return the offset
     * @throws IOException when unreadable, or a {@link CorruptBatchException}-style message when the
     *     file is torn or corrupt (wrong size, magic, version, CRC or consumer name)
     */
    public static long decode(Path file, String expectedConsumer) throws IOException {
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
        if (BatchCodec.getShort(b, 4) != VERSION) {
            throw new IOException("checkpoint " + file.getFileName() + " has unknown version " + BatchCodec.getShort(b, 4));
        }
        int nameLength = BatchCodec.getShort(b, 14);
        if (16 + nameLength + 4 != b.length
                || !new String(b, 16, nameLength, StandardCharsets.UTF_8).equals(expectedConsumer)) {
            throw new IOException("checkpoint " + file.getFileName() + " names another consumer");
        }
        long offset = Bytes.getLong(b, 6);
        if (offset < 0) {
            throw new IOException("checkpoint " + file.getFileName() + " holds negative offset " + offset);
        }
        return offset;
    }
}
