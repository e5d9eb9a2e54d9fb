package io.loglane.stream.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.loglane.core.config.Durability;
import io.loglane.stream.StoredBatch;
import io.loglane.stream.StreamReader;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecoveryTest {
    @TempDir Path tmp;

    private final io.loglane.core.config.StreamSettings oneSegment = Lanes.settings(1 << 20, 1L << 30);

    /** Writes {@code n} batches, closes cleanly, and returns the batch start positions plus the file end. */
    private List<Long> writeLane(Path root, int n) throws Exception {
        try (LaneLog log = Lanes.open(root, Lanes.spec("access", Durability.DISK), oneSegment, Lanes.fixed())) {
            for (int i = 0; i < n; i++) {
                log.append(Fixtures.request(5, i, 1000 + i, "chunk-" + i)).get(5, TimeUnit.SECONDS);
            }
        }
        List<Long> bounds = new ArrayList<>();
        Path seg = root.resolve("access").resolve(LaneFiles.baseName(0) + ".log");
        try (var ch = java.nio.channels.FileChannel.open(seg)) {
            BatchScanner s = new BatchScanner(ch, 0, ch.size(), true);
            while (s.next() instanceof BatchScanner.Batch b) {
                bounds.add(b.position());
            }
            bounds.add(ch.size());
        }
        return bounds;
    }

    private static void copyDir(Path from, Path to) throws Exception {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path t = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) Files.createDirectories(t); else Files.copy(f, t);
            }
        }
    }

    private static List<StoredBatch> readAll(LaneLog log) throws Exception {
        List<StoredBatch> out = new ArrayList<>();
        try (StreamReader r = log.reader(0)) {
            for (StoredBatch b; (b = r.poll(Duration.ZERO)) != null; ) out.add(b);
        }
        return out;
    }

    @Test
    void truncatingTheLastSegmentAtManyPositionsKeepsEveryCompleteBatch() throws Exception {
        Path original = tmp.resolve("original");
        List<Long> bounds = writeLane(original, 12);
        long end = bounds.get(bounds.size() - 1);
        for (long cut = 1; cut < end; cut += Math.max(1, end / 97)) {
            Path root = tmp.resolve("cut-" + cut);
            copyDir(original, root);
            Path lane = root.resolve("access");
            Files.delete(lane.resolve(LaneFiles.CLEAN_SHUTDOWN));
            Files.deleteIfExists(lane.resolve(LaneFiles.baseName(0) + ".index"));
            try (RandomAccessFile f = new RandomAccessFile(lane.resolve(LaneFiles.baseName(0) + ".log").toFile(), "rw")) {
                f.setLength(cut);
            }
            int complete = 0;
            while (bounds.get(complete + 1) <= cut) complete++;
            long keptBytes = bounds.get(complete);
            long cutAt = cut;
            try (LaneLog log = Lanes.open(root, Lanes.spec("access", Durability.DISK), oneSegment, Lanes.fixed())) {
                RecoveryReport rep = log.recoveryReport();
                assertThat(log.endOffset()).as("cut at %d", cut).isEqualTo(5L * complete);
                assertThat(readAll(log)).hasSize(complete);
                if (keptBytes == cut) {
                    assertThat(rep.truncations()).isEmpty();
                } else {
                    assertThat(rep.truncations()).singleElement().satisfies(t -> {
                        assertThat(t.position()).isEqualTo(keptBytes);
                        assertThat(t.bytesDropped()).isEqualTo(cutAt - keptBytes);
                        assertThat(t.batchesDropped()).isEqualTo(1);
                        assertThat(t.file()).isEqualTo(LaneFiles.baseName(0) + ".log");
                    });
                }
                // the recovered lane accepts appends right after the kept prefix
                assertThat(log.append(Fixtures.request(5, 99)).get(5, TimeUnit.SECONDS).baseOffset()).isEqualTo(5L * complete);
            }
        }
    }

    private Path flipByte(Path original, String name, long position) throws Exception {
        Path root = tmp.resolve(name);
        copyDir(original, root);
        Path lane = root.resolve("access");
        Files.delete(lane.resolve(LaneFiles.CLEAN_SHUTDOWN));
        try (RandomAccessFile f = new RandomAccessFile(lane.resolve(LaneFiles.baseName(0) + ".log").toFile(), "rw")) {
            f.seek(position);
            int b = f.read();
            f.seek(position);
            f.write(b ^ 0x04);
        }
        return root;
    }

    @Test
    void aBitFlipInTheTailBatchDropsOnlyThatBatch() throws Exception {
        Path original = tmp.resolve("original");
        List<Long> bounds = writeLane(original, 10);
        long flip = bounds.get(9) + BatchCodec.HEADER_SIZE + 20;
        Path root = flipByte(original, "tail", flip);
        try (LaneLog log = Lanes.open(root, Lanes.spec("access", Durability.DISK), oneSegment, Lanes.fixed())) {
            assertThat(log.endOffset()).isEqualTo(45);
            assertThat(readAll(log)).hasSize(9);
            RecoveryReport.Truncation t = log.recoveryReport().truncations().get(0);
            assertThat(t.position()).isEqualTo(bounds.get(9));
            assertThat(t.batchesDropped()).isEqualTo(1);
            assertThat(t.firstLostOffset()).isEqualTo(45);
            assertThat(t.reason()).contains("CRC");
        }
    }

    @Test
    void aBitFlipInAMiddleBatchDropsItAndEverythingAfterAndSaysHowMuch() throws Exception {
        Path original = tmp.resolve("original");
        List<Long> bounds = writeLane(original, 10);
        Path root = flipByte(original, "middle", bounds.get(4) + BatchCodec.HEADER_SIZE + 3);
        try (LaneLog log = Lanes.open(root, Lanes.spec("access", Durability.DISK), oneSegment, Lanes.fixed())) {
            assertThat(log.endOffset()).isEqualTo(20);
            assertThat(readAll(log)).extracting(StoredBatch::baseOffset).containsExactly(0L, 5L, 10L, 15L);
            RecoveryReport.Truncation t = log.recoveryReport().truncations().get(0);
            assertThat(t.batchesDropped()).as("the damaged batch and the 5 framed ones after it").isEqualTo(6);
            assertThat(t.bytesDropped()).isEqualTo(bounds.get(10) - bounds.get(4));
            assertThat(log.recoveryReport().summary()).contains("TRUNCATED");
        }
    }

    @Test
    void aDeletedOrCorruptIndexIsRebuiltFromTheLog() throws Exception {
        Path root = tmp.resolve("idx");
        try (LaneLog log = Lanes.open(root, Durability.DISK)) {
            for (int i = 0; i < 100; i++) log.append(Fixtures.request(20, i)).get(5, TimeUnit.SECONDS);
        }
        Path lane = root.resolve("access");
        List<Path> indexes;
        try (Stream<Path> s = Files.list(lane)) {
            indexes = s.filter(p -> p.toString().endsWith(".index")).sorted().toList();
        }
        assertThat(indexes.size()).isGreaterThan(2);
        Files.delete(indexes.get(0));
        byte[] garbled = Files.readAllBytes(indexes.get(1));
        garbled[garbled.length / 2] ^= 0x55;
        Files.write(indexes.get(1), garbled);
        try (LaneLog log = Lanes.open(root, Durability.DISK)) {
            assertThat(log.recoveryReport().indexesRebuilt()).hasSize(2);
            assertThat(log.recoveryReport().lossless()).isTrue();
            List<StoredBatch> all = readAll(log);
            assertThat(all).hasSize(100);
            try (StreamReader r = log.reader(20 * 37 + 5)) {
                assertThat(r.poll(Duration.ZERO).baseOffset()).isEqualTo(20 * 37);
            }
        }
        assertThat(LaneInspector.check(lane).indexProblems()).isEmpty();
    }

    @Test
    void aCorruptCheckpointIsReportedAndTreatedAsAbsent() throws Exception {
        Path root = tmp.resolve("cp");
        try (LaneLog log = Lanes.open(root, Durability.DISK)) {
            for (int i = 0; i < 5; i++) log.append(Fixtures.request(2, i)).get(5, TimeUnit.SECONDS);
            log.checkpoints().register("archive");
            log.checkpoints().register("index");
            log.checkpoints().commit("archive", 6);
            log.checkpoints().commit("index", 8);
        }
        Path cp = root.resolve("access").resolve("checkpoints").resolve("archive.ckpt");
        byte[] b = Files.readAllBytes(cp);
        b[8] ^= 1;
        Files.write(cp, b);
        Files.write(root.resolve("access").resolve("checkpoints").resolve("index.ckpt.tmp"), new byte[] {1, 2});
        try (LaneLog log = Lanes.open(root, Durability.DISK)) {
            assertThat(log.recoveryReport().checkpointProblems()).singleElement().asString().contains("archive").contains("CRC");
            assertThat(log.recoveryReport().tempFilesDeleted()).contains("index.ckpt.tmp");
            assertThat(log.checkpoints().committed("archive")).isZero();
            assertThat(log.checkpoints().committed("index")).isEqualTo(8);
            assertThat(log.checkpoints().all()).containsOnlyKeys("archive", "index");
        }
        assertThat(LaneInspector.check(root.resolve("access")).checkpointProblems()).hasSize(1);
    }

    @Test
    void filesCopiedWhileAWriterThreadAppendsRecoverToAPrefix() throws Exception {
        Path root = tmp.resolve("live");
        Path snap = tmp.resolve("snap");
        try (LaneLog log = Lanes.open(root, Lanes.spec("access", Durability.DISK), oneSegment, Lanes.fixed())) {
            Thread writer = new Thread(() -> {
                for (int i = 0; i < 400; i++) {
                    log.append(Fixtures.request(5, i)).join();
                }
            });
            writer.start();
            while (log.endOffset() < 500 && writer.isAlive()) Thread.onSpinWait();
            copyDir(root, snap); // mid-write: the copy may end inside a batch
            writer.join(TimeUnit.SECONDS.toMillis(30));
        }
        try (LaneLog log = Lanes.open(snap, Lanes.spec("access", Durability.DISK), oneSegment, Lanes.fixed())) {
            List<StoredBatch> all = readAll(log);
            assertThat(all).isNotEmpty();
            for (int i = 0; i < all.size(); i++) {
                assertThat(all.get(i).baseOffset()).isEqualTo(5L * i);
                assertThat(all.get(i).records().toByteArray()).isEqualTo(Fixtures.block(5, i).toByteArray());
            }
            assertThat(log.endOffset()).isEqualTo(5L * all.size());
        }
        assertThat(LaneInspector.check(snap.resolve("access")).ok()).isTrue();
    }
}
