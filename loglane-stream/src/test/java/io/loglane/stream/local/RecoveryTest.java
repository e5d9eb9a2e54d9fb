package io.loglane.stream.local;

import static io.loglane.stream.local.LaneContents.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.loglane.core.config.Durability;
import io.loglane.core.config.StreamSettings;
import io.loglane.stream.StoredBatch;
import io.loglane.stream.StreamReader;
import io.loglane.stream.testkit.Fixtures;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecoveryTest {
    @TempDir Path tmp;

    private final StreamSettings oneSegment = Lanes.settings(1 << 20, 1L << 30);
    private static final String SEG0 = LaneFiles.baseName(0) + ".log";

    /** Writes {@code n} batches of 5 records, closes cleanly, and returns the batch start positions plus the file end. */
    private List<Long> writeLane(Path root, int n) throws Exception {
        return writeLane(root, n, Durability.DISK, null);
    }

    private List<Long> writeLane(Path root, int n, Durability durability, Long checkpoint) throws Exception {
        try (LaneLog log = Lanes.open(root, Lanes.spec("access", durability), oneSegment, Lanes.fixed())) {
            for (int i = 0; i < n; i++) {
                log.append(Fixtures.request(5, i, 1000 + i, "chunk-" + i)).get(5, TimeUnit.SECONDS);
            }
            if (checkpoint != null) {
                log.checkpoints().register("archive");
                log.checkpoints().commit("archive", checkpoint);
            }
        }
        return bounds(root.resolve("access").resolve(SEG0));
    }

    /** A copy of {@code original} as after a crash: no clean-shutdown marker, the tail's index gone. */
    private Path crashedCopy(Path original, String name) throws Exception {
        Path root = tmp.resolve(name);
        copyDir(original, root);
        Path lane = root.resolve("access");
        Files.deleteIfExists(lane.resolve(LaneFiles.CLEAN_SHUTDOWN));
        Files.deleteIfExists(lane.resolve(LaneFiles.baseName(0) + ".index"));
        return root;
    }

    private LaneLog open(Path root) throws Exception {
        return Lanes.open(root, Lanes.spec("access", Durability.DISK), oneSegment, Lanes.fixed());
    }

    @Test
    void truncatingTheLastSegmentAtManyPositionsKeepsEveryCompleteBatchAndNeverReusesTheTornBatchsOffsets() throws Exception {
        Path original = tmp.resolve("original");
        List<Long> bounds = writeLane(original, 12);
        byte[] bytes = Files.readAllBytes(original.resolve("access").resolve(SEG0));
        long end = bounds.get(bounds.size() - 1);
        int sawReadableTornHeader = 0;
        for (long cut = 1; cut < end; cut += Math.max(1, end / 97)) {
            Path root = crashedCopy(original, "cut-" + cut);
            cut(root.resolve("access").resolve(SEG0), cut);
            int complete = 0;
            while (bounds.get(complete + 1) <= cut) complete++;
            long keptBytes = bounds.get(complete);
            long cutAt = cut;
            // The torn batch's offsets count as handed out when its header survived the cut.
            boolean headerReadable = keptBytes < cut && cut - keptBytes >= BatchCodec.HEADER_SIZE
                    && cut - keptBytes >= BatchCodec.headerLength(bytes, (int) keptBytes);
            long expectedEnd = 5L * complete + (headerReadable ? 5 : 0);
            if (headerReadable) sawReadableTornHeader++;
            try (LaneLog log = open(root)) {
                RecoveryReport rep = log.recoveryReport();
                assertThat(log.endOffset()).as("cut at %d", cut).isEqualTo(expectedEnd);
                List<StoredBatch> all = readAll(log);
                assertThat(bases(all)).isEqualTo(offsetsExcept(complete));
                assertIntact(all);
                if (keptBytes == cut) {
                    assertThat(rep.drops()).isEmpty();
                    assertThat(rep.lossless()).isTrue();
                } else {
                    assertThat(rep.drops()).singleElement().satisfies(d -> {
                        assertThat(d.tornTail()).isTrue();
                        assertThat(d.position()).isEqualTo(keptBytes);
                        assertThat(d.bytes()).isEqualTo(cutAt - keptBytes);
                        assertThat(d.file()).isEqualTo(SEG0);
                        assertThat(d.quarantinedAs()).as("a torn tail is only cut off").isNull();
                        assertThat(d.readable()).isEqualTo(headerReadable
                                ? List.of(new RecoveryReport.OffsetRange(expectedEnd - 5, expectedEnd, 1)) : List.of());
                    });
                    assertThat(rep.lossless()).isFalse();
                    assertThat(names(root.resolve("access"))).noneMatch(n -> n.endsWith(LaneFiles.QUARANTINE_SUFFIX));
                }
                // the recovered lane accepts appends right after the highest offset possibly handed out
                assertThat(log.append(Fixtures.request(5, 99)).get(5, TimeUnit.SECONDS).baseOffset()).isEqualTo(expectedEnd);
            }
        }
        assertThat(sawReadableTornHeader).as("the sweep covers torn batches with a readable header").isGreaterThan(5);
    }

    @Test
    void aBitFlipInTheLastBatchDropsOnlyThatBatchQuarantinesItAndNeverReusesItsOffsets() throws Exception {
        Path original = tmp.resolve("original");
        List<Long> bounds = writeLane(original, 10);
        Path root = crashedCopy(original, "tail");
        Path seg = root.resolve("access").resolve(SEG0);
        flip(seg, bounds.get(9) + BatchCodec.HEADER_SIZE + 20);
        byte[] damaged = Files.readAllBytes(seg);
        try (LaneLog log = open(root)) {
            assertThat(bases(readAll(log))).isEqualTo(offsetsExcept(9));
            assertThat(log.endOffset()).as("offsets 45..49 may have been delivered").isEqualTo(50);
            RecoveryReport.Drop d = log.recoveryReport().drops().get(0);
            assertThat(d.position()).isEqualTo(bounds.get(9));
            assertThat(d.bytes()).isEqualTo(bounds.get(10) - bounds.get(9));
            assertThat(d.tornTail()).as("a complete batch with a bad CRC is damage, not a torn write").isFalse();
            assertThat(d.reason()).contains("CRC");
            assertThat(d.readable()).containsExactly(new RecoveryReport.OffsetRange(45, 50, 1));
            assertThat(d.quarantinedAs()).isEqualTo(SEG0 + "@" + bounds.get(9) + ".quarantined");
            assertThat(Files.readAllBytes(root.resolve("access").resolve(d.quarantinedAs())))
                    .isEqualTo(Arrays.copyOfRange(damaged, bounds.get(9).intValue(), damaged.length));
            assertThat(log.recoveryReport().summary()).contains("DROPPED " + SEG0 + " bytes [" + bounds.get(9) + ", "
                    + bounds.get(10) + ")", "offsets [45, 50) (5 records in 1 batch(es))", "quarantined as");
            assertThat(log.append(Fixtures.request(5, 99)).get(5, TimeUnit.SECONDS).baseOffset()).isEqualTo(50);
        }
    }

    @Test
    void aBitFlipInAMiddleBatchDropsOnlyThatBatchAndKeepsEveryIntactBatchAfterIt() throws Exception {
        Path original = tmp.resolve("original");
        List<Long> bounds = writeLane(original, 10);
        Path root = crashedCopy(original, "middle");
        Path lane = root.resolve("access");
        flip(lane.resolve(SEG0), bounds.get(4) + BatchCodec.HEADER_SIZE + 3);
        byte[] damaged = Files.readAllBytes(lane.resolve(SEG0));
        String moved = LaneFiles.baseName(25) + ".log";
        try (LaneLog log = open(root)) {
            List<StoredBatch> all = readAll(log);
            assertThat(bases(all)).isEqualTo(offsetsExcept(10, 4));
            assertIntact(all);
            assertThat(log.endOffset()).isEqualTo(50);
            RecoveryReport rep = log.recoveryReport();
            assertThat(rep.drops()).singleElement().satisfies(d -> {
                assertThat(d.position()).isEqualTo(bounds.get(4));
                assertThat(d.bytes()).isEqualTo(bounds.get(5) - bounds.get(4));
                assertThat(d.readable()).containsExactly(new RecoveryReport.OffsetRange(20, 25, 1));
                assertThat(Files.readAllBytes(lane.resolve(d.quarantinedAs())))
                        .isEqualTo(Arrays.copyOfRange(damaged, bounds.get(4).intValue(), bounds.get(5).intValue()));
            });
            assertThat(rep.segmentsCreated()).singleElement().asString().startsWith(moved);
            assertThat(rep.gaps()).containsExactly(new RecoveryReport.Gap(20, 25, "records dropped from " + SEG0, true));
            assertThat(Files.size(lane.resolve(SEG0))).isEqualTo(bounds.get(4));
            assertThat(Files.size(lane.resolve(moved))).isEqualTo(bounds.get(10) - bounds.get(5));
            // a reader positioned in the gap gets the first batch after it
            assertThat(bases(readFrom(log, 22))).isEqualTo(List.of(25L, 30L, 35L, 40L, 45L));
            assertThat(log.append(Fixtures.request(5, 10)).get(5, TimeUnit.SECONDS).baseOffset()).isEqualTo(50);
        }
        CheckReport check = LaneInspector.check(lane);
        assertThat(check.ok()).as(check.describe()).isTrue();
        assertThat(check.gaps()).singleElement().asString().startsWith("[20, 25)");
        assertThat(check.quarantined()).singleElement().asString().contains("offsets [20, 25)");
        try (LaneLog log = open(root)) {
            assertThat(log.recoveryReport().lossless()).as(log.recoveryReport().summary()).isTrue();
            assertThat(bases(readAll(log))).isEqualTo(offsetsExcept(11, 4));
        }
    }

    @Test
    void damagedBytesBeforeTheFirstBatchAreQuarantinedAndTheSegmentIsRewrittenWithAllItsBatches() throws Exception {
        Path original = tmp.resolve("original");
        writeLane(original, 10);
        Path root = crashedCopy(original, "prefix");
        Path seg = root.resolve("access").resolve(SEG0);
        byte[] data = Files.readAllBytes(seg);
        byte[] junk = new byte[100];
        Arrays.fill(junk, (byte) 0x4C); // 'L's: almost a magic, over and over
        byte[] withJunk = new byte[junk.length + data.length];
        System.arraycopy(junk, 0, withJunk, 0, junk.length);
        System.arraycopy(data, 0, withJunk, junk.length, data.length);
        Files.write(seg, withJunk);
        try (LaneLog log = open(root)) {
            assertThat(bases(readAll(log))).isEqualTo(offsetsExcept(10));
            assertThat(log.endOffset()).isEqualTo(50);
            assertThat(log.recoveryReport().drops()).singleElement().satisfies(d -> {
                assertThat(d.position()).isZero();
                assertThat(d.bytes()).isEqualTo(100);
                assertThat(d.readable()).isEmpty();
            });
            assertThat(log.recoveryReport().gaps()).isEmpty();
        }
        assertThat(Files.readAllBytes(seg)).isEqualTo(data);
        assertThat(Files.size(seg.resolveSibling(SEG0 + "@0.quarantined"))).isEqualTo(100);
    }

    @Test
    void aDamagedFirstBatchLeavesTheSegmentEmptyAndTheLaneStartWhereItWas() throws Exception {
        Path original = tmp.resolve("original");
        writeLane(original, 6);
        Path root = crashedCopy(original, "first");
        flip(root.resolve("access").resolve(SEG0), BatchCodec.HEADER_SIZE + 30);
        try (LaneLog log = open(root)) {
            assertThat(log.startOffset()).isZero();
            assertThat(bases(readAll(log))).isEqualTo(offsetsExcept(6, 0));
            assertThat(Files.size(root.resolve("access").resolve(SEG0))).isZero();
            assertThat(log.recoveryReport().gaps()).extracting(RecoveryReport.Gap::from, RecoveryReport.Gap::to)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(0L, 5L));
        }
    }

    @Test
    void aCorruptBaseOffsetDropsThatBatchOnlyAndDoesNotMoveTheNextOffset() throws Exception {
        Path original = tmp.resolve("original");
        List<Long> bounds = writeLane(original, 10);
        Path root = crashedCopy(original, "base");
        // not covered by the CRC: bit 20 of the base offset of batch 4
        flip(root.resolve("access").resolve(SEG0), bounds.get(4) + BatchCodec.OFF_BASE_OFFSET + 5);
        try (LaneLog log = open(root)) {
            assertThat(bases(readAll(log))).isEqualTo(offsetsExcept(10, 4));
            assertThat(log.endOffset()).isEqualTo(50);
            assertThat(log.recoveryReport().drops()).singleElement().satisfies(d -> {
                assertThat(d.reason()).contains("has base offset " + (20 + (4L << 16)) + " where 20 follows");
                assertThat(d.readable()).isEmpty();
                assertThat(d.implausibleHeaders()).isEqualTo(1);
            });
        }
    }

    @Test
    void damageInAnEarlierSegmentKeepsEveryLaterSegment() throws Exception {
        Path root = tmp.resolve("multi");
        StreamSettings small = Lanes.settings(4096, 1L << 30);
        try (LaneLog log = Lanes.open(root, Lanes.spec("access", Durability.DISK), small, Lanes.fixed())) {
            for (int i = 0; i < 60; i++) log.append(Fixtures.request(5, i)).get(5, TimeUnit.SECONDS);
        }
        Path lane = root.resolve("access");
        List<Path> logs;
        try (Stream<Path> s = Files.list(lane)) {
            logs = s.filter(p -> p.toString().endsWith(".log")).sorted().toList();
        }
        assertThat(logs.size()).isGreaterThan(3);
        Path second = logs.get(1);
        List<Long> b = bounds(second);
        long secondBase = LaneFiles.baseOffsetOf(second, ".log");
        int victim = b.size() / 2;
        flip(second, b.get(victim) + BatchCodec.HEADER_SIZE + 3);
        Files.delete(LaneFiles.indexFile(lane, secondBase)); // a sealed segment is scanned only without a valid index
        try (LaneLog log = Lanes.open(root, Lanes.spec("access", Durability.DISK), small, Lanes.fixed())) {
            List<StoredBatch> all = readAll(log);
            long lost = secondBase + 5L * victim;
            assertThat(bases(all)).isEqualTo(offsetsExcept(60, (int) (lost / 5)));
            assertIntact(all);
            assertThat(log.endOffset()).isEqualTo(300);
            assertThat(log.recoveryReport().quarantined()).isEmpty();
            assertThat(log.recoveryReport().drops()).singleElement().satisfies(d ->
                    assertThat(d.readable()).containsExactly(new RecoveryReport.OffsetRange(lost, lost + 5, 1)));
        }
        assertThat(names(lane)).noneMatch(n -> n.endsWith(".log" + LaneFiles.QUARANTINE_SUFFIX));
        assertThat(LaneInspector.check(lane).ok()).isTrue();
    }

    @Test
    void aCheckpointPastTheRecoveredEndRaisesTheNextOffsetSoNoOffsetIsReused() throws Exception {
        Path original = tmp.resolve("original");
        List<Long> bounds = writeLane(original, 10, Durability.DISK, 50L);
        Path root = crashedCopy(original, "lost-tail");
        // power loss: the checkpoint (fsynced) survived, the segment's last 4 batches (page cache) did not
        cut(root.resolve("access").resolve(SEG0), bounds.get(6));
        try (LaneLog log = open(root)) {
            RecoveryReport rep = log.recoveryReport();
            assertThat(log.endOffset()).isEqualTo(50);
            assertThat(log.checkpoints().committed("archive")).isEqualTo(50);
            assertThat(rep.drops()).isEmpty();
            assertThat(rep.gaps()).singleElement().satisfies(g -> {
                assertThat(g.from()).isEqualTo(30);
                assertThat(g.to()).isEqualTo(50);
                assertThat(g.cause()).contains("checkpoint of consumer 'archive'");
                assertThat(g.newGap()).isTrue();
            });
            assertThat(rep.lossless()).as("records 30..49 were acknowledged and are gone").isFalse();
            assertThat(rep.segmentsCreated()).singleElement().asString().startsWith(LaneFiles.baseName(50) + ".log");
            assertThat(readFrom(log, 50)).isEmpty();
            assertThat(log.append(Fixtures.request(5, 10)).get(5, TimeUnit.SECONDS).baseOffset()).isEqualTo(50);
            assertThat(bases(readFrom(log, log.checkpoints().committed("archive")))).containsExactly(50L);
            assertThat(bases(readAll(log))).containsExactly(0L, 5L, 10L, 15L, 20L, 25L, 50L);
            assertThat(bases(readFrom(log, 33))).containsExactly(50L);
        }
        try (LaneLog log = open(root)) {
            assertThat(log.recoveryReport().lossless()).as(log.recoveryReport().summary()).isTrue();
            assertThat(log.recoveryReport().gaps()).singleElement().satisfies(g -> assertThat(g.newGap()).isFalse());
            assertThat(log.endOffset()).isEqualTo(55);
        }
        assertThat(LaneInspector.check(root.resolve("access")).ok()).isTrue();
    }

    @Test
    void aChunkStoredBeforeTheCrashIsStillRecognisedAfterRecoveryRaisedTheNextOffset() throws Exception {
        Path root = tmp.resolve("dedup");
        long now = Lanes.T0.getEpochSecond() * 1_000_000_000L;
        try (LaneLog log = open(root)) {
            for (int i = 0; i < 10; i++) log.append(Fixtures.request(5, i, now, "chunk-" + i)).get(5, TimeUnit.SECONDS);
            log.checkpoints().register("archive");
            log.checkpoints().commit("archive", 50);
        }
        List<Long> bounds = bounds(root.resolve("access").resolve(SEG0));
        Path crashed = crashedCopy(root, "dedup-crashed");
        cut(crashed.resolve("access").resolve(SEG0), bounds.get(6));
        try (LaneLog log = open(crashed)) {
            assertThat(log.endOffset()).isEqualTo(50);
            var again = log.append(Fixtures.request(5, 3, now, "chunk-3")).get(5, TimeUnit.SECONDS);
            assertThat(again.duplicate()).as("chunk-3 is in the kept data, older than the empty gap segment").isTrue();
            assertThat(again.baseOffset()).isEqualTo(15);
            assertThat(log.endOffset()).isEqualTo(50);
        }
    }

    @Test
    void aReaderInAGapAtTheEndWaitsAtItsEndAndNeverGetsABatchBeforeItsFsync() throws Exception {
        Path original = tmp.resolve("original");
        List<Long> bounds = writeLane(original, 10, Durability.SYNC, 50L);
        Path root = crashedCopy(original, "sync-gap");
        cut(root.resolve("access").resolve(SEG0), bounds.get(6));
        try (LaneLog log = Lanes.open(root, Lanes.spec("access", Durability.SYNC), oneSegment, Lanes.fixed())) {
            assertThat(log.endOffset()).isEqualTo(50);
            java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CountDownLatch forcing = new java.util.concurrent.CountDownLatch(1);
            log.fsyncHook(s -> {
                forcing.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                s.flush();
            });
            try (StreamReader r = log.reader(40)) {
                assertThat(r.poll(Duration.ofMillis(50))).isNull();
                assertThat(r.position()).as("moved past the gap, waiting there").isEqualTo(50);
                var appended = log.append(Fixtures.request(5, 10));
                assertThat(forcing.await(5, TimeUnit.SECONDS)).isTrue();
                assertThat(r.poll(Duration.ofMillis(100))).as("written, not yet fsynced: invisible").isNull();
                release.countDown();
                assertThat(appended.get(5, TimeUnit.SECONDS).baseOffset()).isEqualTo(50);
                StoredBatch b = r.poll(Duration.ofSeconds(5));
                assertThat(b).isNotNull();
                assertThat(b.baseOffset()).isEqualTo(50);
            }
        }
    }

    @Test
    void aRecoveryKilledBeforeItCutTheDamagedSegmentRerunsToTheSameResult() throws Exception {
        Path original = tmp.resolve("original");
        List<Long> bounds = writeLane(original, 10, Durability.DISK, 50L);
        Path damaged = crashedCopy(original, "damaged");
        Path seg = damaged.resolve("access").resolve(SEG0);
        flip(seg, bounds.get(4) + BatchCodec.HEADER_SIZE + 3);
        cut(seg, bounds.get(9) + 10); // and a torn last batch, whose header is gone
        TreeSet<String> before = names(damaged.resolve("access"));

        Path first = tmp.resolve("first");
        copyDir(damaged, first);
        List<StoredBatch> expected;
        RecoveryReport firstReport;
        try (LaneLog log = open(first)) {
            expected = readAll(log);
            firstReport = log.recoveryReport();
            assertThat(log.endOffset()).as("raised to the checkpoint").isEqualTo(50);
        }
        assertThat(bases(expected)).isEqualTo(offsetsExcept(9, 4));
        // What recovery wrote before it would cut the segment: moved run, quarantined bytes, the
        // segment at the raised next offset. A rerun finds them next to the still uncut segment.
        TreeSet<String> written = names(first.resolve("access"));
        written.removeIf(n -> before.contains(n) || !(n.endsWith(".log") || n.endsWith(LaneFiles.QUARANTINE_SUFFIX)));
        assertThat(written).containsExactlyInAnyOrder(LaneFiles.baseName(25) + ".log", LaneFiles.baseName(50) + ".log",
                SEG0 + "@" + bounds.get(4) + ".quarantined");
        for (boolean alsoATempFile : new boolean[] {false, true}) {
            Path rerun = tmp.resolve("rerun-" + alsoATempFile);
            copyDir(damaged, rerun);
            for (String n : written) {
                if (alsoATempFile && n.startsWith(LaneFiles.baseName(50))) {
                    continue; // killed earlier: the last files not written yet, one half-written
                }
                Files.copy(first.resolve("access").resolve(n), rerun.resolve("access").resolve(n));
            }
            if (alsoATempFile) {
                Files.write(rerun.resolve("access").resolve(LaneFiles.baseName(25) + ".log.tmp"), new byte[] {1, 2, 3});
                Files.delete(rerun.resolve("access").resolve(LaneFiles.baseName(25) + ".log"));
            }
            try (LaneLog log = open(rerun)) {
                List<StoredBatch> all = readAll(log);
                assertThat(bases(all)).isEqualTo(bases(expected));
                assertIntact(all);
                assertThat(log.endOffset()).isEqualTo(50);
                RecoveryReport rep = log.recoveryReport();
                assertThat(rep.quarantined()).as("leftovers are not mistaken for overlapping segments").isEmpty();
                assertThat(rep.drops()).isEqualTo(firstReport.drops());
                assertThat(rep.segments()).isEqualTo(firstReport.segments());
            }
            assertThat(names(rerun.resolve("access"))).noneMatch(n -> n.endsWith(".log" + LaneFiles.QUARANTINE_SUFFIX));
            assertThat(LaneInspector.check(rerun.resolve("access")).ok()).isTrue();
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
            assertThat(log.endOffset()).isEqualTo(10);
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
            long tornRecords = log.recoveryReport().drops().stream().mapToLong(RecoveryReport.Drop::records).sum();
            assertThat(log.endOffset()).isEqualTo(5L * all.size() + tornRecords);
        }
        assertThat(LaneInspector.check(snap.resolve("access")).ok()).isTrue();
    }
}
