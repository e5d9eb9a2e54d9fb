package io.loglane.stream.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.loglane.core.config.Durability;
import io.loglane.stream.AppendRequest;
import io.loglane.stream.StoredBatch;
import io.loglane.stream.testkit.Fixtures;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A lane directory as the version before partitions and sources left it (version 1 batches and
 * checkpoints), built by code: it opens, reads and takes appends without migration.
 */
class Version1LaneTest {
    @TempDir Path dir;

    @Test
    void aLaneOfVersion1BatchesAndCheckpointsOpensReadsAndTakesVersion2AppendsAfterThem() throws Exception {
        Path laneDir = dir.resolve("access");
        Files.createDirectories(laneDir.resolve(LaneFiles.CHECKPOINT_DIR));
        ByteArrayOutputStream segment = new ByteArrayOutputStream();
        for (int i = 0; i < 4; i++) {
            byte[] v1 = BatchCodecTest.asVersion1(BatchCodec.encode(new AppendRequest("app.access", Fixtures.block(5, i), 1L, null, null), i % 2 == 0));
            BatchCodec.setBaseOffset(v1, i * 5L);
            segment.write(v1);
        }
        Files.write(LaneFiles.logFile(laneDir, 0), segment.toByteArray());
        Files.write(laneDir.resolve(LaneFiles.CHECKPOINT_DIR).resolve("archive" + LaneFiles.CHECKPOINT_SUFFIX), CheckpointFileTest.version1("archive", 10));

        try (LaneLog log = Lanes.open(dir, Durability.DISK)) {
            assertThat(log.checkpoints().problems()).isEmpty();
            assertThat(log.endOffset()).as("recovery kept every version 1 batch").isEqualTo(20);
            assertThat(log.checkpoints().committed("archive", 0)).isEqualTo(10);
            log.append(Fixtures.request(5, 4, 7L, "c4")).get(5, TimeUnit.SECONDS);
        }
        for (int run = 0; run < 2; run++) { // after a clean shutdown, then after a crash (no marker: the tail is scanned)
            try (LaneLog log = Lanes.open(dir, Durability.DISK)) {
                List<StoredBatch> read = LaneContents.readAll(log);
                assertThat(LaneContents.bases(read)).containsExactly(0L, 5L, 10L, 15L, 20L);
                LaneContents.assertIntact(read);
                assertThat(read.subList(0, 4)).allSatisfy(b -> assertThat(b.source()).isNull());
                assertThat(read.get(4).source()).isEqualTo(Fixtures.SOURCE);
                assertThat(LaneInspector.check(laneDir).ok()).isTrue();
            }
            Files.deleteIfExists(laneDir.resolve(LaneFiles.CLEAN_SHUTDOWN));
        }
    }
}
