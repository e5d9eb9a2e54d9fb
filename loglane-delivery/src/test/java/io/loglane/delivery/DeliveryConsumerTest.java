package io.loglane.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loglane.core.config.Durability;
import io.loglane.core.config.LaneSpec;
import io.loglane.core.config.RateLimit;
import io.loglane.core.config.Retention;
import io.loglane.core.config.StreamSettings;
import io.loglane.core.event.RecordBlockBuilder;
import io.loglane.core.ingest.Source;
import io.loglane.core.ingest.SourceLedger;
import io.loglane.core.ingest.SourceTally;
import io.loglane.core.telemetry.MetricNames;
import io.loglane.stream.AppendRequest;
import io.loglane.stream.LaneStream;
import io.loglane.stream.StoredBatch;
import io.loglane.stream.local.BatchScanner;
import io.loglane.stream.local.LocalStream;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;

/** The consumer loop against the real local stream and a store that fails on demand. */
class DeliveryConsumerTest {
    @TempDir
    Path dir;

    private LocalStream stream;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @AfterEach
    void tearDown() throws Exception {
        if (stream != null) {
            stream.close();
        }
    }

    /** A store that keeps what it was given, "commits" on flush, and throws while told to fail. */
    static final class FlakySink implements Sink {
        final List<Long> durableOffsets = new ArrayList<>();
        final List<Long> opens = new ArrayList<>();
        final AtomicInteger failuresLeft = new AtomicInteger();
        volatile boolean permanent;
        private final List<StoredBatch> buffered = new ArrayList<>();
        private long durable;
        private final String name;
        private final String instance;

        FlakySink() { this("test"); }

        FlakySink(String name) { this(name, name); }

        /** A store of kind {@code name} written as instance {@code instance}. */
        FlakySink(String name, String instance) {
            this.name = name;
            this.instance = instance;
        }

        /** A store that fails every write until told otherwise. */
        static FlakySink down(String name) {
            FlakySink s = new FlakySink(name);
            s.failuresLeft.set(Integer.MAX_VALUE);
            return s;
        }

        @Override public String store() { return name; }

        @Override public String instance() { return instance; }

        @Override
        public synchronized void open(long committedOffset) {
            opens.add(committedOffset);
            buffered.clear();
            durable = committedOffset;
        }

        @Override
        public synchronized void write(StoredBatch batch) throws SinkException {
            if (failuresLeft.get() > 0) {
                failuresLeft.decrementAndGet();
                throw new SinkException("store down", !permanent, null);
            }
            buffered.add(batch);
        }

        @Override
        public synchronized long flush(boolean force) {
            for (StoredBatch b : buffered) {
                for (long o = b.baseOffset(); o < b.nextOffset(); o++) {
                    durableOffsets.add(o);
                }
                durable = b.nextOffset();
            }
            buffered.clear();
            return durable;
        }

        @Override public void close() {}
    }

    private LaneStream lane() throws Exception {
        LaneSpec spec = new LaneSpec("l", List.of(), "none", new Retention(Duration.ZERO, 0), RateLimit.UNLIMITED,
                Durability.DISK, List.of("test"), null);
        LaneSpec dflt = new LaneSpec("default", List.of(), "none", new Retention(Duration.ZERO, 0), RateLimit.UNLIMITED,
                Durability.DISK, List.of(), null);
        StreamSettings settings = new StreamSettings(1 << 20, 1L << 30, Duration.ofMinutes(10), 10_000, Duration.ofMillis(2), 1 << 20, Duration.ZERO);
        stream = new LocalStream(dir.resolve("stream"), Map.of("l", spec, "default", dflt), settings, registry, Clock.systemUTC());
        stream.start();
        return stream.lane("l");
    }

    private static void append(LaneStream lane, int batches, int perBatch) throws Exception {
        append(lane, batches, perBatch, "t", null);
    }

    /** {@code batches} batches of {@code perBatch} events tagged {@code tag}, counted under {@code source} (null: from no input). */
    private static void append(LaneStream lane, int batches, int perBatch, String tag, SourceTally source) throws Exception {
        RecordBlockBuilder b = new RecordBlockBuilder();
        for (int i = 0; i < batches; i++) {
            b.reset();
            for (int j = 0; j < perBatch; j++) {
                MessageBufferPacker p = MessagePack.newDefaultBufferPacker();
                p.packMapHeader(1).packString("log").packString("event " + i + "/" + j);
                byte[] rec = p.toByteArray();
                b.add(1_000_000_000L * i, rec, 0, rec.length);
            }
            lane.append(new AppendRequest(tag, b.build(), 0, null, null, source)).get(10, TimeUnit.SECONDS);
        }
    }

    private DeliveryConsumer consumer(LaneStream lane, Sink sink) {
        return new DeliveryConsumer(lane, sink, Duration.ofMillis(5), Duration.ofMillis(40), registry, new SplittableRandom(3));
    }

    @Test
    void deliversEverythingInOrderAndCommitsTheCheckpoint() throws Exception {
        LaneStream lane = lane();
        append(lane, 10, 7);
        FlakySink sink = new FlakySink();
        try (DeliveryConsumer c = consumer(lane, sink)) {
            c.start();
            c.flush().get(10, TimeUnit.SECONDS);
            assertThat(c.committedOffset()).isEqualTo(70);
            assertThat(c.lag()).isZero();
        }
        assertThat(sink.durableOffsets).hasSize(70).isSorted().doesNotHaveDuplicates();
        assertThat(lane.checkpoints().committed("test")).isEqualTo(70);
        assertThat(registry.get("loglane.delivery.delivered.events").counter().count()).isEqualTo(70);
    }

    @Test
    void committedEventsCountOnceForTheSourceTheirBatchNamesAlsoAcrossAFailedFlush() throws Exception {
        LaneStream lane = lane();
        SourceLedger ledger = new SourceLedger(registry, 10);
        SourceTally alpha = ledger.tally(new Source("forward", "10.0.0.1"), "a");
        SourceTally beta = ledger.tally(new Source("http", "10.0.0.2"), "b");
        append(lane, 3, 4, "a", alpha);
        append(lane, 2, 5, "b", beta);
        append(lane, 1, 2, "t", null); // from no input: delivered, counted for no source
        append(lane, 1, 6, "a", alpha);
        AtomicInteger flushFailures = new AtomicInteger(1);
        FlakySink store = new FlakySink();
        Sink failingOnce = new Sink() { // the first flush fails after a batch was written: it is handed over again
            @Override public String store() { return store.store(); }
            @Override public void open(long committedOffset) { store.open(committedOffset); }
            @Override public void write(StoredBatch batch) throws Exception { store.write(batch); }
            @Override public long flush(boolean force) throws Exception {
                if (flushFailures.getAndDecrement() > 0) {
                    throw new SinkException("flush failed", true, null);
                }
                return store.flush(force);
            }
            @Override public void close() {}
        };
        try (DeliveryConsumer c = new DeliveryConsumer(lane, failingOnce, Duration.ofMillis(5), Duration.ofMillis(40), registry,
                new SplittableRandom(3), Clock.systemUTC(), d -> {}, ledger)) {
            c.start();
            c.flush().get(10, TimeUnit.SECONDS);
            assertThat(c.retries()).isEqualTo(1);
        }
        assertThat(alpha.status().delivered()).isEqualTo(Map.of("test", 18L));
        assertThat(beta.status().delivered()).isEqualTo(Map.of("test", 10L));
        assertThat(registry.get(MetricNames.SOURCE_EVENTS_DELIVERED).tag(MetricNames.PEER, "10.0.0.1").tag(MetricNames.STORE, "test")
                .counter().count()).isEqualTo(18);
        assertThat(registry.get(MetricNames.DELIVERY_DELIVERED).counter().count()).as("every event, sources or not").isEqualTo(30);
    }

    @Test
    void aFailingStoreIsRetriedWithBackoffFromTheCheckpointAndNothingIsSkipped() throws Exception {
        LaneStream lane = lane();
        append(lane, 5, 10);
        FlakySink sink = new FlakySink();
        sink.failuresLeft.set(4);
        try (DeliveryConsumer c = consumer(lane, sink)) {
            c.start();
            c.flush().get(20, TimeUnit.SECONDS);
            assertThat(c.retries()).isEqualTo(4.0);
            assertThat(c.lastError()).isNull();
        }
        assertThat(sink.opens).as("every retry starts over at the committed checkpoint").hasSize(5).containsOnly(0L);
        assertThat(sink.durableOffsets).containsExactlyElementsOf(java.util.stream.LongStream.range(0, 50).boxed().toList());
        assertThat(registry.get("loglane.delivery.retries").counter().count()).isEqualTo(4.0);
    }

    /**
     * A store that buffers batches and writes them out only when its flush is due (two batches
     * buffered, or forced), as the archive does, and is down for its first {@code outage} store
     * writes. Every open records whether the consumer was showing an error at that moment.
     */
    static final class BufferingStoreWithOutage implements Sink {
        final List<Boolean> errorShownAtOpen = new ArrayList<>();
        final List<Long> stored = new ArrayList<>();
        volatile DeliveryConsumer consumer;
        private final List<StoredBatch> buffered = new ArrayList<>();
        private int outage;
        private long durable;

        BufferingStoreWithOutage(int outage) { this.outage = outage; }

        @Override public String store() { return "test"; }

        @Override
        public synchronized void open(long committedOffset) {
            errorShownAtOpen.add(consumer.lastError() != null);
            buffered.clear();
            durable = committedOffset;
        }

        @Override
        public synchronized void write(StoredBatch batch) { buffered.add(batch); }

        @Override
        public synchronized long flush(boolean force) throws SinkException {
            if (buffered.isEmpty() || !force && buffered.size() < 2) {
                return durable;
            }
            if (outage > 0) {
                outage--;
                throw new SinkException("store unreachable", true, null);
            }
            for (StoredBatch b : buffered) {
                for (long o = b.baseOffset(); o < b.nextOffset(); o++) stored.add(o);
                durable = b.nextOffset();
            }
            buffered.clear();
            return durable;
        }

        @Override public void close() {}
    }

    @Test
    void aDrainOfAClosedConsumerKeepsTheFailureAsItsCause() throws Exception {
        LaneStream lane = lane();
        append(lane, 2, 3);
        FlakySink broken = FlakySink.down("broken");
        DeliveryEngine engine = new DeliveryEngine();
        engine.add(consumer(lane, broken));
        engine.start();
        java.util.concurrent.CompletableFuture<Void> waiting = engine.flushAll();
        engine.close(); // fails the flushes still waiting
        assertThat(waiting).isCompletedExceptionally();
        assertThatThrownBy(() -> engine.drain(Duration.ofSeconds(5))).isInstanceOf(DeliveryEngine.DrainException.class)
                .hasMessageContaining("consumer closed").cause().isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theBackoffGrowsThroughAnOutageAndTheErrorStaysShownUntilDeliveryProgresses() throws Exception {
        LaneStream lane = lane();
        append(lane, 4, 5);
        BufferingStoreWithOutage sink = new BufferingStoreWithOutage(6);
        List<Duration> delays = java.util.Collections.synchronizedList(new ArrayList<>());
        // Jitter at its upper bound, so each delay is the backoff's cap.
        java.util.random.RandomGenerator upper = new java.util.random.RandomGenerator() {
            @Override public long nextLong() { return 0; }
            @Override public long nextLong(long bound) { return bound - 1; }
        };
        try (DeliveryConsumer c = new DeliveryConsumer(lane, sink, Duration.ofMillis(5), Duration.ofMillis(100), registry, upper,
                Clock.systemUTC(), delays::add)) {
            sink.consumer = c;
            c.start();
            c.flush().get(20, TimeUnit.SECONDS);
            assertThat(c.lastError()).as("cleared once delivery committed").isNull();
        }
        assertThat(delays).as("one delay per failed attempt, doubling up to the cap").containsExactly(Duration.ofMillis(5),
                Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofMillis(40), Duration.ofMillis(80), Duration.ofMillis(100));
        assertThat(sink.errorShownAtOpen).as("the failure stays shown at every retry: health does not flap")
                .containsExactly(false, true, true, true, true, true, true);
        assertThat(sink.stored).containsExactlyElementsOf(java.util.stream.LongStream.range(0, 20).boxed().toList());
    }

    @Test
    void aPermanentlyRejectingStoreStallsWithoutSkippingAndResumesWhenItRecovers() throws Exception {
        LaneStream lane = lane();
        append(lane, 3, 4);
        FlakySink sink = new FlakySink();
        sink.permanent = true;
        sink.failuresLeft.set(Integer.MAX_VALUE);
        try (DeliveryConsumer c = consumer(lane, sink)) {
            c.start();
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (c.retries() < 3 && System.nanoTime() < until) {
                Thread.sleep(10);
            }
            assertThat(c.retries()).isGreaterThanOrEqualTo(3);
            assertThat(c.committedOffset()).isZero();
            assertThat(c.lastError()).contains("store down");
            assertThat(c.lag()).isEqualTo(12);
            sink.failuresLeft.set(0);
            c.flush().get(10, TimeUnit.SECONDS);
            assertThat(c.committedOffset()).isEqualTo(12);
        }
        assertThat(sink.durableOffsets).hasSize(12).doesNotHaveDuplicates();
    }

    /**
     * A store that, like the archive, takes every batch into a buffer and writes it out in the
     * background: the attempt that hands a batch over succeeds, and the write-out fails on the
     * next call while {@code failing}.
     */
    static final class BackgroundFlushSink implements Sink {
        volatile boolean failing = true;
        private long taken;
        private long pending = -1;
        private long durable;

        @Override public String store() { return "background"; }

        @Override public synchronized void open(long committedOffset) { durable = committedOffset; pending = -1; }

        @Override public synchronized void write(StoredBatch batch) { taken = batch.nextOffset(); }

        @Override
        public synchronized long flush(boolean force) throws SinkException {
            if (pending >= 0) {
                long done = pending;
                pending = -1;
                if (failing) {
                    throw new SinkException("background write failed", true, null);
                }
                durable = done;
            }
            if (taken > durable) {
                pending = taken; // written out by the next call
            }
            return durable;
        }

        @Override public void close() {}
    }

    @Test
    void aStoreThatTakesBatchesButFailsEveryWriteOutIsOneGrowingStreakOfFailures() throws Exception {
        LaneStream lane = lane();
        append(lane, 2, 3);
        BackgroundFlushSink sink = new BackgroundFlushSink();
        try (DeliveryConsumer c = consumer(lane, sink)) {
            c.start();
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            io.loglane.core.telemetry.FailureStreak first = null;
            while ((first == null || c.failure() == null || c.failure().failures() < 4) && System.nanoTime() < until) {
                if (first == null) {
                    first = c.failure();
                }
                assertThat(first == null || c.failure() != null)
                        .as("a pass that handed a batch over without committing it does not end the streak").isTrue();
                Thread.sleep(1);
            }
            assertThat(c.failure()).isNotNull();
            assertThat(c.failure().failures()).isGreaterThanOrEqualTo(4);
            assertThat(c.failure().since()).as("dated by its first failure").isEqualTo(first.since());
            assertThat(c.lastError()).contains("background write failed");

            sink.failing = false;
            c.flush().get(10, TimeUnit.SECONDS);
            assertThat(c.committedOffset()).isEqualTo(6);
            assertThat(c.failure()).as("progress ends the streak").isNull();
            assertThat(c.lastError()).isNull();
        }
    }

    @Test
    void aRestartedConsumerResumesAfterItsCommittedCheckpoint() throws Exception {
        LaneStream lane = lane();
        append(lane, 4, 5);
        FlakySink first = new FlakySink();
        try (DeliveryConsumer c = consumer(lane, first)) {
            c.start();
            c.flush().get(10, TimeUnit.SECONDS);
        }
        append(lane, 2, 5);
        FlakySink second = new FlakySink();
        try (DeliveryConsumer c = consumer(lane, second)) {
            c.start();
            c.flush().get(10, TimeUnit.SECONDS);
        }
        assertThat(second.opens).containsExactly(20L);
        assertThat(second.durableOffsets).containsExactlyElementsOf(java.util.stream.LongStream.range(20, 30).boxed().toList());
    }

    @Test
    void twoStoresOfOneKindOnALaneKeepTheirOwnCheckpoints() throws Exception {
        LaneStream lane = lane();
        append(lane, 3, 3);
        FlakySink hot = new FlakySink("archive", "archive");
        FlakySink cold = new FlakySink("archive", "archive-cold");
        cold.failuresLeft.set(Integer.MAX_VALUE);
        DeliveryEngine engine = new DeliveryEngine();
        engine.add(consumer(lane, hot));
        engine.add(consumer(lane, cold));
        try (engine) {
            engine.start();
            engine.consumers().get(0).flush().get(10, TimeUnit.SECONDS);
            // Named by kind, the cold archive would share the hot one's checkpoint and, on its next
            // open, skip the 9 events it never stored.
            assertThat(lane.checkpoints().all()).containsEntry("archive", 9L).containsEntry("archive-cold", 0L);
            assertThat(engine.consumers().get(1).instance()).isEqualTo("archive-cold");
            assertThat(engine.consumers().get(1).store()).isEqualTo("archive");
        }
        assertThat(cold.opens).containsOnly(0L);
        assertThat(cold.durableOffsets).isEmpty();
    }

    @Test
    void theDefaultInstanceKeepsTheCheckpointWrittenUnderItsKindsName() throws Exception {
        LaneStream lane = lane();
        append(lane, 3, 3);
        lane.checkpoints().register("archive"); // as a version without instances left it
        lane.checkpoints().commit("archive", 6);
        FlakySink sink = new FlakySink("archive");
        assertThat(sink.instance()).isEqualTo("archive");
        try (DeliveryConsumer c = consumer(lane, sink)) {
            c.start();
            c.flush().get(10, TimeUnit.SECONDS);
        }
        assertThat(sink.opens).first().isEqualTo(6L);
        assertThat(sink.durableOffsets).containsExactly(6L, 7L, 8L);
    }

    @Test
    void oneFailingStoreDoesNotStallAnotherOnTheSameLane() throws Exception {
        LaneStream lane = lane();
        append(lane, 3, 3);
        FlakySink broken = FlakySink.down("broken");
        FlakySink healthy = new FlakySink();
        DeliveryEngine engine = new DeliveryEngine();
        engine.add(consumer(lane, broken));
        engine.add(consumer(lane, healthy));
        try (engine) {
            engine.start();
            DeliveryConsumer good = engine.consumers().get(1);
            good.flush().get(10, TimeUnit.SECONDS);
            assertThat(good.committedOffset()).isEqualTo(9);
            assertThat(engine.consumers().get(0).committedOffset()).isZero();
            assertThatThrownBy(() -> engine.drain(Duration.ofMillis(200))).as("drain reports the stalled store and why")
                    .isInstanceOf(DeliveryEngine.DrainException.class)
                    .hasMessageContaining("lane l → broken at offset 0, 9 events behind")
                    .cause().isInstanceOf(SinkException.class).hasMessage("store down");
        }
        assertThat(healthy.durableOffsets).hasSize(9);
    }

    /**
     * Stops the stream and makes its lane lose everything after the first {@code keep} batches, as
     * a power loss does to a disk lane's page cache (checkpoints are fsynced and survive).
     */
    private void powerLossKeeping(int keep) throws Exception {
        stream.close();
        stream = null;
        Path laneDir = dir.resolve("stream").resolve("l");
        Path seg = laneDir.resolve("00000000000000000000.log");
        long end;
        try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            BatchScanner s = new BatchScanner(ch, 0, ch.size(), true);
            for (int i = 0; i < keep; i++) {
                assertThat(s.next()).isInstanceOf(BatchScanner.Batch.class);
            }
            end = s.position();
            ch.truncate(end);
        }
        Files.delete(laneDir.resolve(".clean-shutdown"));
        Files.deleteIfExists(laneDir.resolve("00000000000000000000.index"));
    }

    @Test
    void eventsAppendedAfterARecoveryThatCutTheLaneBelowTheCheckpointAreAllDelivered() throws Exception {
        LaneStream lane = lane();
        append(lane, 10, 5);
        try (DeliveryConsumer c = consumer(lane, new FlakySink())) {
            c.start();
            c.flush().get(10, TimeUnit.SECONDS);
        }
        assertThat(lane.checkpoints().committed("test")).isEqualTo(50);
        powerLossKeeping(6); // the lane now ends at 30, the checkpoint says 50

        lane = lane();
        assertThat(lane.endOffset()).as("offsets up to the checkpoint are never handed out again").isEqualTo(50);
        append(lane, 4, 5);
        FlakySink sink = new FlakySink();
        try (DeliveryConsumer c = consumer(lane, sink)) {
            c.start();
            c.flush().get(10, TimeUnit.SECONDS);
            assertThat(c.lag()).isZero();
        }
        assertThat(sink.opens).containsExactly(50L);
        assertThat(sink.durableOffsets).containsExactlyElementsOf(java.util.stream.LongStream.range(50, 70).boxed().toList());
    }

    @Test
    void aConsumerThatReachesAGapAtTheEndOfTheLaneCommitsPastItAndItsFlushCompletes() throws Exception {
        LaneStream lane = lane();
        append(lane, 10, 5);
        lane.checkpoints().register("test");
        lane.checkpoints().register("ahead");
        lane.checkpoints().commit("ahead", 50);
        powerLossKeeping(6);

        lane = lane();
        assertThat(lane.endOffset()).isEqualTo(50);
        FlakySink sink = new FlakySink();
        try (DeliveryConsumer c = consumer(lane, sink)) {
            c.start();
            c.flush().get(10, TimeUnit.SECONDS);
            assertThat(c.committedOffset()).as("past the gap [30, 50), which holds nothing to deliver").isEqualTo(50);
            assertThat(c.lag()).isZero();
        }
        assertThat(sink.durableOffsets).containsExactlyElementsOf(java.util.stream.LongStream.range(0, 30).boxed().toList());
        assertThat(lane.checkpoints().committed("test")).isEqualTo(50);
    }
}
