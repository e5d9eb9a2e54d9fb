package io.loglane.stream.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.loglane.core.config.Durability;
import io.loglane.stream.testkit.Fixtures;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoint files across the partition change: version 1 files (no partition) keep working. */
class CheckpointFileTest {
    @TempDir Path dir;

    /** A checkpoint file as the version before partitions wrote it (FORMAT.md, checkpoint v1), built byte by byte. */
    static byte[] version1(String consumer, long offset) {
        byte[] name = consumer.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(4 + 2 + 8 + 2 + name.length + 4);
        b.putInt(0x4C4C434B).putShort((short) 1).putLong(offset).putShort((short) name.length).put(name);
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, b.position());
        b.putInt((int) crc.getValue());
        return b.array();
    }

    private Path checkpointFile(String consumer) {
        return dir.resolve("access").resolve(LaneFiles.CHECKPOINT_DIR).resolve(consumer + LaneFiles.CHECKPOINT_SUFFIX);
    }

    @Test
    void aVersion1CheckpointIsReadAsPartitionZerosAndTheNextCommitRewritesItAsVersion2() throws Exception {
        try (LaneLog log = Lanes.open(dir, Durability.DISK)) {
            log.append(Fixtures.request(20, 0)).get(5, TimeUnit.SECONDS);
        }
        Files.write(checkpointFile("archive"), version1("archive", 12));

        try (LaneLog log = Lanes.open(dir, Durability.DISK)) {
            assertThat(log.checkpoints().problems()).isEmpty();
            assertThat(log.checkpoints().committed("archive", 0)).isEqualTo(12);
            log.checkpoints().commit("archive", 0, 15);
        }
        ByteBuffer written = ByteBuffer.wrap(Files.readAllBytes(checkpointFile("archive")));
        assertThat(written.getShort(4)).as("version").isEqualTo((short) CheckpointFile.VERSION);
        assertThat(written.getInt(6)).as("partition").isZero();
        assertThat(written.getLong(10)).as("offset").isEqualTo(15);
        try (LaneLog log = Lanes.open(dir, Durability.DISK)) {
            assertThat(log.checkpoints().committed("archive", 0)).isEqualTo(15);
        }
    }

    @Test
    void aCheckpointOfAnotherPartitionIsReportedAndNotTakenForThisOne() throws Exception {
        try (LaneLog log = Lanes.open(dir, Durability.DISK)) {
            log.append(Fixtures.request(20, 0)).get(5, TimeUnit.SECONDS);
        }
        Files.write(checkpointFile("archive"), CheckpointFile.encode("archive", 1, 12));
        try (LaneLog log = Lanes.open(dir, Durability.DISK)) {
            assertThat(log.checkpoints().problems()).singleElement().asString().contains("partition 1");
            assertThat(log.checkpoints().committed("archive", 0)).isEqualTo(log.startOffset());
        }
    }
}
