package io.loglane.stream.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loglane.core.config.ConfigOrigin;
import io.loglane.core.config.Durability;
import io.loglane.core.config.LaneSpec;
import io.loglane.core.config.RateLimit;
import io.loglane.core.config.Retention;
import io.loglane.core.config.StreamSettings;
import io.loglane.core.event.RecordBlock;
import io.loglane.core.event.RecordBlockBuilder;
import io.loglane.core.ingest.Source;
import io.loglane.core.ingest.SourceLedger;
import io.loglane.core.ingest.SourceTally;
import io.loglane.core.telemetry.MetricNames;
import io.loglane.stream.AppendRequest;
import io.loglane.stream.StoreHoldings;
import io.loglane.stream.StreamReader;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MemoryLaneStreamTest {
    /** The ledger the batches of {@link #req(int, String, String)} come from: one source per input. */
    private final SourceLedger sources = new SourceLedger(new SimpleMeterRegistry(), 10);

    private static RecordBlock block(int n) {
        RecordBlockBuilder b = new RecordBlockBuilder();
        byte[] rec = new byte[100];
        for (int i = 0; i < n; i++) b.add(i, rec, 0, rec.length);
        return b.build();
    }

    private static AppendRequest req(int n, String chunk) {
        return new AppendRequest("t", block(n), 1, chunk, null);
    }

    private AppendRequest req(int n, String chunk, String input) {
        return new AppendRequest("t", block(n), 1, chunk, null, source(input));
    }

    private SourceTally source(String input) {
        return sources.tally(new Source(input, "10.0.0.1"), "t");
    }

    @TempDir Path dir;

    private MemoryLaneStream traceLane(SimpleMeterRegistry reg) {
        return traceLane(reg, MemoryLaneStream.RESERVATION_BLOCK);
    }

    private MemoryLaneStream traceLane(SimpleMeterRegistry reg, long reservationBlock) {
        LaneSpec spec = new LaneSpec("trace", List.of(), "none", new Retention(Duration.ZERO, 0), RateLimit.UNLIMITED, Durability.MEMORY,
                List.of(), new ConfigOrigin("t", 1));
        StreamSettings s = new StreamSettings(1 << 20, 1 << 20, Duration.ofMinutes(1), 100, Duration.ZERO, 5_000, Duration.ZERO);
        return new MemoryLaneStream(dir.resolve("trace"), spec, s, reg, Clock.systemUTC(), reservationBlock);
    }

    private static double dropped(SimpleMeterRegistry reg, String name, String input) {
        return reg.get(name).tag(MetricNames.INPUT, input).tag(MetricNames.LANE, "trace").tag(MetricNames.REASON, "overflow")
                .counter().count();
    }

    @Test
    void droppedEventsAndBytesAreCountedUnderTheInputTheirBatchCameFrom() throws Exception {
        SimpleMeterRegistry reg = new SimpleMeterRegistry();
        try (MemoryLaneStream lane = traceLane(reg)) {
            lane.start();
            lane.checkpoints().register("archive"); // a consumer that never commits: everything evicted is lost to it
            AppendRequest first = req(10, null, "forward");
            lane.append(first).join();
            long batchBytes = first.records().length();
            for (int i = 0; i < 10; i++) lane.append(req(10, null, "http")).join(); // ring holds ~4 batches
            // The forward batch was the oldest: it went first, then the oldest http batches.
            assertThat(dropped(reg, MetricNames.EVENTS_DROPPED, "forward")).isEqualTo(10);
            assertThat(dropped(reg, MetricNames.BYTES_DROPPED, "forward")).isEqualTo(batchBytes);
            double httpDropped = dropped(reg, MetricNames.EVENTS_DROPPED, "http");
            assertThat(10 + httpDropped).as("all drops, by input, add up to what the lane lost").isEqualTo(lane.startOffset());
            assertThat(dropped(reg, MetricNames.BYTES_DROPPED, "http")).isEqualTo(httpDropped / 10 * batchBytes);
            assertThat(source("forward").status().dropped()).as("and by source").containsExactly(Map.entry("overflow", 10L));
            assertThat(source("http").status().dropped()).containsExactly(Map.entry("overflow", (long) httpDropped));
        }
    }

    @Test
    void onlyRecordsAConsumerHadNotCommittedCountAsDroppedAndCommitsReleaseMemory() throws Exception {
        SimpleMeterRegistry reg = new SimpleMeterRegistry();
        try (MemoryLaneStream lane = traceLane(reg)) {
            lane.start();
            lane.checkpoints().register("archive");
            lane.checkpoints().register("index");
            for (int i = 0; i < 3; i++) lane.append(req(10, null, "forward")).join(); // offsets 0..29, fits
            lane.checkpoints().commit("archive", 30);
            assertThat(lane.sizeBytes()).as("index has not committed: kept").isPositive();
            lane.checkpoints().commit("index", 25); // the first two batches are delivered everywhere
            assertThat(lane.startOffset()).isEqualTo(20);
            for (int i = 0; i < 6; i++) lane.append(req(10, null, "forward")).join(); // evicts beyond what fits
            // evicted from offset 20 on, of which index needed 25..: only those are lost
            assertThat(dropped(reg, MetricNames.EVENTS_DROPPED, "forward")).isEqualTo(lane.startOffset() - 25);
            assertThat(lostByStore(reg, "index", "overflow")).as("per store: what each had not committed").isEqualTo(lane.startOffset() - 25);
            assertThat(lostByStore(reg, "archive", "overflow")).isEqualTo(Math.max(0, lane.startOffset() - 30));
            lane.checkpoints().commit("archive", lane.endOffset());
            lane.checkpoints().commit("index", lane.endOffset());
            assertThat(lane.sizeBytes()).as("fully delivered: nothing held").isZero();
            assertThat(lane.startOffset()).isEqualTo(lane.endOffset());
        }
    }

    @Test
    void evictionWithoutAnyConsumerIsNotADrop() throws Exception {
        SimpleMeterRegistry reg = new SimpleMeterRegistry();
        try (MemoryLaneStream lane = traceLane(reg)) {
            lane.start();
            for (int i = 0; i < 10; i++) lane.append(req(10, null, "forward")).join();
            assertThat(lane.startOffset()).isPositive();
            assertThat(reg.find(MetricNames.EVENTS_DROPPED).counters()).allSatisfy(c -> assertThat(c.count()).isZero());
        }
    }

    @Test
    void overflowDropsTheOldestCountsThemAndReadersSeeTheSkip() throws Exception {
        SimpleMeterRegistry reg = new SimpleMeterRegistry();
        try (MemoryLaneStream lane = traceLane(reg)) {
            lane.start();
            lane.checkpoints().register("archive");
            StreamReader r = lane.reader(0);
            for (int i = 0; i < 10; i++) lane.append(req(10, null)).join(); // ~1.1 KB each, ring holds ~4
            double dropped = reg.get(MetricNames.EVENTS_DROPPED).tag(MetricNames.LANE, "trace").tag(MetricNames.REASON, "overflow")
                    .counter().count();
            assertThat(lane.endOffset()).isEqualTo(100);
            assertThat(lane.sizeBytes()).isLessThanOrEqualTo(5_000);
            assertThat(dropped).isEqualTo(lane.startOffset()).isPositive();
            assertThat(r.poll(Duration.ZERO).baseOffset()).isEqualTo(lane.startOffset());
            assertThat(r.skipped()).isEqualTo(lane.startOffset());
            assertThat(lane.append(req(1, "x")).join().duplicate()).isFalse();
            assertThat(lane.append(req(1, "x")).join().duplicate()).isTrue();
        }
    }

    private Path hwm() { return dir.resolve("trace").resolve("memory.hwm"); }

    private long storedLimit() throws IOException { return OffsetReservation.decode(Files.readAllBytes(hwm()), hwm()); }

    /** The file's identity: an atomic rewrite (temp file renamed over it) gives it a new inode. */
    private Object fileKey() throws IOException { return Files.readAttributes(hwm(), BasicFileAttributes.class).fileKey(); }

    @Test
    void offsetsAndConsumerStartContinueAfterACleanRestart() throws Exception {
        try (MemoryLaneStream lane = traceLane(new SimpleMeterRegistry())) {
            lane.start();
            lane.checkpoints().register("archive");
            for (int i = 0; i < 3; i++) lane.append(req(10, null)).join();
            lane.checkpoints().commit("archive", 30); // the archive now holds offsets 0..29
        }
        assertThat(storedLimit()).as("a clean close stores the exact end").isEqualTo(30);
        try (MemoryLaneStream lane = traceLane(new SimpleMeterRegistry())) {
            lane.start();
            assertThat(lane.startOffset()).isEqualTo(30);
            assertThat(lane.endOffset()).isEqualTo(30);
            lane.checkpoints().register("archive");
            assertThat(lane.checkpoints().committed("archive")).as("the consumer starts at the lane start, not at 0").isEqualTo(30);
            assertThat(lane.append(req(5, null)).join().baseOffset()).isEqualTo(30);
            StreamReader r = lane.reader(0);
            assertThat(r.poll(Duration.ZERO).baseOffset()).isEqualTo(30);
            assertThat(r.skipped()).as("nothing of this run was skipped").isZero();
        }
    }

    private static double lostAtRestart(SimpleMeterRegistry reg, String reason) {
        return reg.find(MetricNames.EVENTS_DROPPED).tag(MetricNames.INPUT, MemoryLaneStream.UNKNOWN_INPUT).tag(MetricNames.LANE, "trace")
                .tag(MetricNames.REASON, reason).counters().stream().mapToDouble(c -> c.count()).sum();
    }

    private static double lostByStore(SimpleMeterRegistry reg, String store, String reason) {
        return reg.find(MetricNames.STORE_EVENTS_DROPPED).tag(MetricNames.LANE, "trace").tag(MetricNames.STORE, store)
                .tag(MetricNames.REASON, reason).counters().stream().mapToDouble(c -> c.count()).sum();
    }

    @Test
    void eachStoreIsCountedWhatItHadNotCommittedAcrossSeveralCrashes() throws Exception {
        SimpleMeterRegistry first = new SimpleMeterRegistry();
        MemoryLaneStream crashed = traceLane(first);
        crashed.checkpoints().register("archive"); // registered before start: still gets its slot
        crashed.start();
        crashed.checkpoints().register("index");
        for (int i = 0; i < 4; i++) crashed.append(req(10, null, "forward")).join(); // 0..39
        crashed.checkpoints().commit("archive", 35);
        crashed.checkpoints().commit("index", 10);
        SimpleMeterRegistry second = new SimpleMeterRegistry();
        MemoryLaneStream again = traceLane(second);
        again.start();
        assertThat(lostAtRestart(second, MemoryLaneStream.CRASH)).as("nothing counted before a store says what it holds").isZero();
        again.checkpoints().register("archive"); // only the archive in this run: the index is no longer configured
        assertThat(lostByStore(second, "archive", MemoryLaneStream.CRASH)).isEqualTo(5);
        assertThat(lostAtRestart(second, MemoryLaneStream.CRASH)).isEqualTo(5);
        long start = again.startOffset();
        again.append(req(7, null, "forward")).join();
        assertThat(lostByStore(second, "index", MemoryLaneStream.CRASH)).as("not registered: waits for a clean close").isZero();
        again.checkpoints().commit("archive", start + 2);
        SimpleMeterRegistry third = new SimpleMeterRegistry();
        try (MemoryLaneStream lane = traceLane(third)) {
            lane.start();
            lane.checkpoints().register("archive");
            assertThat(lostByStore(third, "archive", MemoryLaneStream.CRASH)).isEqualTo(5);
            assertThat(third.find(MetricNames.STORE_EVENTS_DROPPED).tag(MetricNames.STORE, "index").counters()).isEmpty();
        }
    }

    @Test
    void aVersion1ProgressFileIsStillReadAndCountsForTheLaneOnly() throws Exception {
        Path lane1 = Files.createDirectories(dir.resolve("trace"));
        ByteBuffer v1 = DeliveryProgress.encodeV1(40, 25, false);
        Files.write(lane1.resolve(DeliveryProgress.FILE), java.util.Arrays.copyOf(v1.array(), v1.remaining()));
        SimpleMeterRegistry reg = new SimpleMeterRegistry();
        try (MemoryLaneStream lane = traceLane(reg)) {
            lane.start();
            assertThat(lostAtRestart(reg, MemoryLaneStream.CRASH)).isEqualTo(15);
            assertThat(reg.find(MetricNames.STORE_EVENTS_DROPPED).counters()).as("version 1 has no per-store offsets").isEmpty();
        }
        byte[] now = Files.readAllBytes(lane1.resolve(DeliveryProgress.FILE));
        assertThat(now).hasSize(DeliveryProgress.SIZE);
        assertThat(java.nio.ByteBuffer.wrap(now).getShort(4)).as("rewritten as version 2").isEqualTo(DeliveryProgress.VERSION);
    }

    @Test
    void aProgressFileWithACoveredOffsetAboveItsEndIsUnreadable() {
        ByteBuffer bad = DeliveryProgress.encode(10, 5, false, java.util.Map.of("archive", 11L));
        assertThat(DeliveryProgress.decode(java.util.Arrays.copyOf(bad.array(), bad.remaining())).unknown()).isTrue();
        ByteBuffer good = DeliveryProgress.encode(10, 5, true, java.util.Map.of("archive", 7L));
        DeliveryProgress.Previous p = DeliveryProgress.decode(java.util.Arrays.copyOf(good.array(), good.remaining()));
        assertThat(p.byConsumer()).containsExactly(java.util.Map.entry("archive", 3L));
        assertThat(p.clean()).isTrue();
        assertThat(p.lost()).isEqualTo(5);
    }

    @Test
    void aRestartAfterACrashCountsExactlyTheEventsNoConsumerHadCommittedAsDropped() throws Exception {
        SimpleMeterRegistry first = new SimpleMeterRegistry();
        MemoryLaneStream crashed = traceLane(first);
        crashed.start();
        crashed.checkpoints().register("archive");
        crashed.checkpoints().register("index");
        for (int i = 0; i < 3; i++) crashed.append(req(10, null, "forward")).join(); // offsets 0..29
        crashed.checkpoints().commit("archive", 30);
        crashed.checkpoints().commit("index", 12); // index lacks 12..29: 18 events a crash loses
        // never closed: the process was killed here, its in-memory counters gone with it
        SimpleMeterRegistry second = new SimpleMeterRegistry();
        try (MemoryLaneStream lane = traceLane(second)) {
            lane.start();
            lane.checkpoints().register("index");
            lane.checkpoints().register("archive");
            assertThat(lostAtRestart(second, MemoryLaneStream.CRASH)).isEqualTo(18);
            assertThat(lostAtRestart(second, MemoryLaneStream.SHUTDOWN)).isZero();
            assertThat(lostByStore(second, "index", MemoryLaneStream.CRASH)).as("what the index misses").isEqualTo(18);
            assertThat(lostByStore(second, "archive", MemoryLaneStream.CRASH)).as("the archive committed everything").isZero();
            lane.append(req(10, null, "forward")).join();
            lane.checkpoints().commit("archive", lane.endOffset()); // delivered everywhere: nothing left to lose
        }
        SimpleMeterRegistry third = new SimpleMeterRegistry();
        try (MemoryLaneStream lane = traceLane(third)) {
            lane.start();
            assertThat(third.find(MetricNames.EVENTS_DROPPED).counters()).as("a clean, drained run loses nothing")
                    .allSatisfy(c -> assertThat(c.count()).isZero());
        }
    }

    /** A crashed run: offsets 0..39 appended, the archive committed 10, the index 20; never closed. */
    private void crashWithArchiveAt10AndIndexAt20() throws Exception {
        MemoryLaneStream crashed = traceLane(new SimpleMeterRegistry());
        crashed.start();
        crashed.checkpoints().register("archive");
        crashed.checkpoints().register("index");
        for (int i = 0; i < 4; i++) crashed.append(req(10, null, "forward")).join();
        crashed.checkpoints().commit("archive", 10);
        crashed.checkpoints().commit("index", 20);
    }

    @Test
    void eventsAStoreMadeDurableBeforeTheCrashPreemptedItsCommitAreNotCountedLost() throws Exception {
        crashWithArchiveAt10AndIndexAt20();
        SimpleMeterRegistry reg = new SimpleMeterRegistry();
        List<long[]> asked = new java.util.ArrayList<>();
        try (MemoryLaneStream lane = traceLane(reg)) {
            lane.start();
            lane.checkpoints().register("archive", (from, to) -> {
                asked.add(new long[] {from, to});
                return 25; // it flushed 10..34 and was killed before committing it
            });
            assertThat(asked).as("asked about the events past its commit").containsExactly(new long[] {10, 40});
            assertThat(lostByStore(reg, "archive", MemoryLaneStream.CRASH)).as("30 past the commit, 25 of them stored").isEqualTo(5);
            lane.checkpoints().register("index", StoreHoldings.UNKNOWN);
            assertThat(lostByStore(reg, "index", MemoryLaneStream.CRASH)).as("cannot tell: by its checkpoint").isEqualTo(20);
            assertThat(lostAtRestart(reg, MemoryLaneStream.CRASH)).as("the lane: the largest store loss").isEqualTo(20);
            lane.checkpoints().register("archive", (from, to) -> 0);
            assertThat(lostByStore(reg, "archive", MemoryLaneStream.CRASH)).as("counted once").isEqualTo(5);
        }
    }

    @Test
    void aStoreThatFailsToTellOrClaimsTooMuchIsCountedByItsCheckpoint() throws Exception {
        crashWithArchiveAt10AndIndexAt20();
        SimpleMeterRegistry reg = new SimpleMeterRegistry();
        try (MemoryLaneStream lane = traceLane(reg)) {
            lane.start();
            lane.checkpoints().register("archive", (from, to) -> {
                throw new IOException("damaged file");
            });
            lane.checkpoints().register("index", (from, to) -> to - from + 1);
            assertThat(lostByStore(reg, "archive", MemoryLaneStream.CRASH)).isEqualTo(30);
            assertThat(lostByStore(reg, "index", MemoryLaneStream.CRASH)).isEqualTo(20);
            assertThat(lostAtRestart(reg, MemoryLaneStream.CRASH)).isEqualTo(30);
        }
    }

    @Test
    void aConsumerRegisteredBeforeStartIsCountedWithWhatItsStoreHolds() throws Exception {
        crashWithArchiveAt10AndIndexAt20();
        SimpleMeterRegistry reg = new SimpleMeterRegistry();
        try (MemoryLaneStream lane = traceLane(reg)) {
            lane.checkpoints().register("archive", (from, to) -> to - from); // it holds everything
            lane.start();
            assertThat(lostByStore(reg, "archive", MemoryLaneStream.CRASH)).isZero();
        }
        assertThat(lostByStore(reg, "index", MemoryLaneStream.CRASH)).as("never registered: counted at close").isEqualTo(20);
        assertThat(lostAtRestart(reg, MemoryLaneStream.CRASH)).isEqualTo(20);
    }

    @Test
    void aCrashLossDoesNotRecountEventsAlreadyDroppedForOverflow() throws Exception {
        SimpleMeterRegistry first = new SimpleMeterRegistry();
        MemoryLaneStream crashed = traceLane(first);
        crashed.start();
        crashed.checkpoints().register("archive"); // never commits
        for (int i = 0; i < 10; i++) crashed.append(req(10, null, "forward")).join(); // the ring holds ~4 batches
        double overflow = first.get(MetricNames.EVENTS_DROPPED).tag(MetricNames.REASON, "overflow").counter().count();
        assertThat(overflow).isPositive();
        SimpleMeterRegistry second = new SimpleMeterRegistry();
        try (MemoryLaneStream lane = traceLane(second)) {
            lane.start();
            lane.checkpoints().register("archive");
            assertThat(overflow + lostAtRestart(second, MemoryLaneStream.CRASH)).as("every event accepted, counted once").isEqualTo(100);
            assertThat(overflow + lostByStore(second, "archive", MemoryLaneStream.CRASH)).as("and once for the store").isEqualTo(100);
        }
    }

    @Test
    void eventsUndeliveredAtACleanCloseCountAsShutdownLossAtTheNextStart() throws Exception {
        try (MemoryLaneStream lane = traceLane(new SimpleMeterRegistry())) {
            lane.start();
            lane.checkpoints().register("archive");
            for (int i = 0; i < 2; i++) lane.append(req(10, null)).join();
            lane.checkpoints().commit("archive", 15);
        }
        SimpleMeterRegistry reg = new SimpleMeterRegistry();
        try (MemoryLaneStream lane = traceLane(reg)) {
            lane.start();
            lane.checkpoints().register("archive");
            assertThat(lostAtRestart(reg, MemoryLaneStream.SHUTDOWN)).isEqualTo(5);
            assertThat(lostAtRestart(reg, MemoryLaneStream.CRASH)).isZero();
        }
    }

    @Test
    void aCorruptProgressFileCountsNothingAndTheLaneStillStarts() throws Exception {
        Files.createDirectories(dir.resolve("trace"));
        Files.write(dir.resolve("trace").resolve(DeliveryProgress.FILE), new byte[] {1, 2, 3});
        SimpleMeterRegistry reg = new SimpleMeterRegistry();
        try (MemoryLaneStream lane = traceLane(reg)) {
            lane.start();
            assertThat(reg.find(MetricNames.EVENTS_DROPPED).counters()).isEmpty();
            assertThat(lane.append(req(1, null)).join().count()).isEqualTo(1);
        }
        assertThat(DeliveryProgress.decode(Files.readAllBytes(dir.resolve("trace").resolve(DeliveryProgress.FILE))).unknown())
                .as("rewritten whole").isFalse();
    }

    @Test
    void afterACrashWithoutCloseNoOffsetIsHandedOutTwice() throws Exception {
        long block = 100;
        MemoryLaneStream crashed = traceLane(new SimpleMeterRegistry(), block);
        crashed.start();
        long handedOut = 0;
        for (int i = 0; i < 25; i++) { // 250 offsets: past two block boundaries
            handedOut = crashed.append(req(10, null)).join().baseOffset() + 10;
        }
        // never closed: the process died here, with only what is on disk left
        try (MemoryLaneStream lane = traceLane(new SimpleMeterRegistry(), block)) {
            lane.start();
            assertThat(lane.startOffset()).as("above every offset handed out before the crash").isGreaterThanOrEqualTo(handedOut)
                    .as("at most one block of offsets skipped").isLessThanOrEqualTo(handedOut + block);
            lane.checkpoints().register("archive");
            assertThat(lane.checkpoints().committed("archive")).isEqualTo(lane.startOffset());
            assertThat(lane.append(req(10, null)).join().baseOffset()).isEqualTo(lane.startOffset());
        }
        MemoryLaneStream crashedAgain = traceLane(new SimpleMeterRegistry(), block);
        crashedAgain.start();
        long before = crashedAgain.startOffset();
        crashedAgain.append(req(1, null)).join(); // crash right after the first append of a run
        try (MemoryLaneStream lane = traceLane(new SimpleMeterRegistry(), block)) {
            lane.start();
            assertThat(lane.startOffset()).isGreaterThan(before);
        }
    }

    @Test
    void theReservationFileIsRewrittenOncePerBlockNotPerAppend() throws Exception {
        long block = 100;
        try (MemoryLaneStream lane = traceLane(new SimpleMeterRegistry(), block)) {
            lane.start();
            assertThat(hwm()).as("nothing handed out yet, nothing to reserve").doesNotExist();
            lane.append(req(1, null)).join();
            assertThat(storedLimit()).as("offset 0 handed out: a block reserved first").isEqualTo(1 + block);
            Object key = fileKey();
            while (lane.endOffset() < 1 + block) {
                lane.append(req(1, null)).join();
                assertThat(fileKey()).as("not rewritten within the block (end %d)", lane.endOffset()).isEqualTo(key);
            }
            assertThat(storedLimit()).isEqualTo(1 + block);
            lane.append(req(1, null)).join(); // offset 101, the first beyond the reservation
            assertThat(storedLimit()).as("the next block is reserved before its first offset is handed out").isEqualTo(102 + block);
            assertThat(fileKey()).isNotEqualTo(key);
        }
    }

    @Test
    void aCorruptReservationStopsTheStartInsteadOfStartingOverAtZero() throws Exception {
        try (MemoryLaneStream lane = traceLane(new SimpleMeterRegistry())) {
            lane.start();
            lane.append(req(10, null)).join();
        }
        byte[] b = Files.readAllBytes(hwm());
        b[8] ^= 1;
        Files.write(hwm(), b);
        MemoryLaneStream lane = traceLane(new SimpleMeterRegistry());
        assertThatThrownBy(lane::start).isInstanceOf(IOException.class).hasMessageContaining("fails its CRC");
        assertThatThrownBy(() -> lane.append(req(1, null)).join()).hasMessageContaining("closed");
    }
}
