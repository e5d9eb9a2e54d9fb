package io.loglane.stream.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loglane.core.config.Durability;
import io.loglane.core.config.Retention;
import io.loglane.core.ingest.IngestRejectedException;
import io.loglane.core.telemetry.MetricNames;
import io.loglane.stream.AppendResult;
import io.loglane.stream.testkit.Fixtures;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LaneFeaturesTest {
    @TempDir Path dir;

    private static long nanos(Instant i) { return i.getEpochSecond() * 1_000_000_000L + i.getNano(); }

    @Test
    void aChunkIdIsStoredOnceWithinTheWindowAndAcrossARestart() throws Exception {
        long now = nanos(Lanes.T0);
        try (LaneLog log = Lanes.open(dir, Durability.DISK)) {
            AppendResult first = log.append(Fixtures.request(4, 0, now, "chunk-a")).get(5, TimeUnit.SECONDS);
            AppendResult again = log.append(Fixtures.request(4, 0, now, "chunk-a")).get(5, TimeUnit.SECONDS);
            assertThat(first.duplicate()).isFalse();
            assertThat(again.duplicate()).isTrue();
            assertThat(again.baseOffset()).isEqualTo(first.baseOffset());
            assertThat(log.endOffset()).isEqualTo(4);
        }
        try (LaneLog log = Lanes.open(dir, Durability.DISK)) {
            assertThat(log.append(Fixtures.request(4, 0, now, "chunk-a")).get(5, TimeUnit.SECONDS).duplicate()).isTrue();
            assertThat(log.endOffset()).isEqualTo(4);
        }
        // eleven minutes later the 10-minute window has passed
        Clock later = Clock.fixed(Lanes.T0.plus(Duration.ofMinutes(11)), ZoneOffset.UTC);
        try (LaneLog log = Lanes.open(dir, Lanes.spec("access", Durability.DISK), Lanes.settings(), later)) {
            assertThat(log.append(Fixtures.request(4, 0, now, "chunk-a")).get(5, TimeUnit.SECONDS).duplicate()).isFalse();
            assertThat(log.endOffset()).isEqualTo(8);
        }
    }

    @Test
    void concurrentAppendsOfOneChunkStoreItOnce() throws Exception {
        try (LaneLog log = Lanes.open(dir, Durability.SYNC)) {
            List<CompletableFuture<AppendResult>> fs = new ArrayList<>();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                Thread th = new Thread(() -> {
                    CompletableFuture<AppendResult> f = log.append(Fixtures.request(3, 1, 1, "same"));
                    synchronized (fs) { fs.add(f); }
                });
                threads.add(th);
                th.start();
            }
            for (Thread th : threads) th.join(10_000);
            long stored = 0;
            for (CompletableFuture<AppendResult> f : fs) {
                if (!f.get(10, TimeUnit.SECONDS).duplicate()) stored++;
            }
            assertThat(fs).hasSize(8);
            assertThat(stored).isEqualTo(1);
            assertThat(log.endOffset()).isEqualTo(3);
        }
    }

    private static LaneLog syncLane(Path dir, SimpleMeterRegistry reg) throws Exception {
        LaneLog log = new LaneLog(dir.resolve("access"), Lanes.spec("access", Durability.SYNC), Lanes.settings(1 << 20, 1L << 30), reg,
                Lanes.fixed(), Runnable::run);
        log.start();
        return log;
    }

    private static double fsyncs(SimpleMeterRegistry reg) {
        return reg.get(MetricNames.STREAM_FSYNCS).tag(MetricNames.LANE, "access").counter().count();
    }

    @Test
    void appendsWrittenWhileAnFsyncRunsShareTheNextFsync() throws Exception {
        SimpleMeterRegistry reg = new SimpleMeterRegistry();
        LaneLog log = syncLane(dir, reg);
        CountDownLatch forcing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger forces = new AtomicInteger();
        log.fsyncHook(s -> {
            if (forces.getAndIncrement() == 0) {
                forcing.countDown();
                await(release);
            }
            s.flush();
        });
        CompletableFuture<AppendResult> first = log.append(Fixtures.request(10, 0));
        assertThat(forcing.await(5, TimeUnit.SECONDS)).as("the first append's fsync started").isTrue();
        // The first fsync is held open: these appends are written and queued, none is durable yet.
        List<CompletableFuture<AppendResult>> piled = new ArrayList<>();
        for (int i = 1; i <= 50; i++) {
            piled.add(log.append(Fixtures.request(10, i)));
        }
        assertThat(first).isNotDone();
        assertThat(piled).noneMatch(CompletableFuture::isDone);
        release.countDown();
        CompletableFuture.allOf(piled.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        assertThat(first.get(1, TimeUnit.SECONDS).baseOffset()).isZero();
        assertThat(forces.get()).as("one fsync for the first append, one shared by the 50 that piled up").isEqualTo(2);
        assertThat(fsyncs(reg)).isEqualTo(2);
        assertThat(log.durableEnd()).isEqualTo(510);
        assertThat(reg.get(MetricNames.STREAM_END_OFFSET).tag(MetricNames.LANE, "access").gauge().value()).isEqualTo(510);
        log.close();
    }

    @Test
    void aSyncAppendCompletesOnlyAfterItsFsyncReturned() throws Exception {
        SimpleMeterRegistry reg = new SimpleMeterRegistry();
        LaneLog log = syncLane(dir, reg);
        CountDownLatch forcing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean forced = new AtomicBoolean();
        log.fsyncHook(s -> {
            forcing.countDown();
            await(release);
            s.flush();
            forced.set(true);
        });
        CompletableFuture<AppendResult> f = log.append(Fixtures.request(10, 0));
        CompletableFuture<Boolean> forcedWhenCompleted = f.thenApply(r -> forced.get());
        assertThat(forcing.await(5, TimeUnit.SECONDS)).isTrue();
        assertThatThrownBy(() -> f.get(200, TimeUnit.MILLISECONDS)).as("not acknowledged while its fsync runs")
                .isInstanceOf(TimeoutException.class);
        assertThat(log.durableEnd()).isZero();
        try (var reader = log.reader(0)) {
            assertThat(reader.poll(Duration.ZERO)).as("readers do not see it either").isNull();
        }
        release.countDown();
        assertThat(f.get(5, TimeUnit.SECONDS).baseOffset()).isZero();
        assertThat(forcedWhenCompleted.get(1, TimeUnit.SECONDS)).as("completed after the fsync returned").isTrue();
        assertThat(log.durableEnd()).isEqualTo(10);
        log.close();
    }

    @Test
    void aFailedFsyncFailsItsAppendsAndTheLaneRefusesMore() throws Exception {
        LaneLog log = syncLane(dir, new SimpleMeterRegistry());
        log.fsyncHook(s -> {
            throw new java.io.IOException("disk gone");
        });
        assertThatThrownBy(() -> log.append(Fixtures.request(10, 0)).get(5, TimeUnit.SECONDS))
                .hasCauseInstanceOf(IngestRejectedException.class).hasMessageContaining("disk gone");
        assertThat(log.durableEnd()).isZero();
        assertThatThrownBy(() -> log.append(Fixtures.request(10, 1)).get(5, TimeUnit.SECONDS))
                .cause().isInstanceOf(IngestRejectedException.class)
                .satisfies(e -> assertThat(((IngestRejectedException) e).reason()).isEqualTo(IngestRejectedException.Reason.STORAGE_ERROR));
        log.close();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void backPressureWhenUnconsumedBytesExceedTheLimitAndCapacityReturnsAfterCommitAndRetention() throws Exception {
        try (LaneLog log = Lanes.open(dir, Lanes.spec("access", Durability.DISK), Lanes.settings(4096, 20_000), Lanes.fixed())) {
            log.checkpoints().register("archive");
            AtomicReference<Throwable> rejected = new AtomicReference<>();
            int i = 0;
            while (rejected.get() == null && i < 10_000) {
                try {
                    log.append(Fixtures.request(10, i++)).get(5, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException e) {
                    rejected.set(e.getCause());
                }
            }
            assertThat(rejected.get()).isInstanceOf(IngestRejectedException.class);
            assertThat(((IngestRejectedException) rejected.get()).reason()).isEqualTo(IngestRejectedException.Reason.BACKPRESSURE);
            long sizeBefore = log.sizeBytes();
            assertThat(log.enforceRetention()).as("no retention configured, nothing unconsumed may go").isZero();
            assertThat(log.sizeBytes()).isEqualTo(sizeBefore);
            log.checkpoints().commit("archive", log.endOffset());
            assertThat(log.append(Fixtures.request(10, i)).get(5, TimeUnit.SECONDS).duplicate()).isFalse();
        }
    }

    @Test
    void retentionByAgeAndSizeNeverPassesTheLowestCheckpoint() throws Exception {
        long t0 = nanos(Lanes.T0);
        var spec = Lanes.spec("access", Durability.DISK, new Retention(Duration.ofHours(1), 0));
        MutableClock clock = new MutableClock(Lanes.T0);
        try (LaneLog log = Lanes.open(dir, spec, Lanes.settings(4096, 1L << 30), clock)) {
            log.checkpoints().register("archive");
            for (int i = 0; i < 60; i++) log.append(Fixtures.request(10, i, t0, null)).get(5, TimeUnit.SECONDS);
            int segments = log.segments().count();
            assertThat(segments).isGreaterThan(3);
            clock.now = Lanes.T0.plus(Duration.ofHours(2));
            assertThat(log.enforceRetention()).as("checkpoint at 0 protects everything").isZero();
            log.checkpoints().commit("archive", 300);
            int deleted = log.enforceRetention();
            assertThat(deleted).isPositive();
            assertThat(log.startOffset()).isLessThanOrEqualTo(300);
            assertThat(log.checkpoints().committed("archive")).isEqualTo(300);
            log.checkpoints().commit("archive", log.endOffset());
            log.enforceRetention();
            assertThat(log.segments().count()).as("only the active segment stays").isEqualTo(1);
        }
        var bySize = Lanes.spec("sized", Durability.DISK, new Retention(Duration.ZERO, 10_000));
        try (LaneLog log = Lanes.open(dir, bySize, Lanes.settings(4096, 1L << 30), Lanes.fixed())) {
            for (int i = 0; i < 60; i++) log.append(Fixtures.request(10, i)).get(5, TimeUnit.SECONDS);
            log.enforceRetention();
            assertThat(log.sizeBytes()).isLessThanOrEqualTo(10_000 + 4096);
            assertThat(log.startOffset()).isPositive();
        }
    }

    @Test
    void deliveredSegmentsGoAfterStreamMaxAgeThoughTheLaneKeepsEventsLonger() throws Exception {
        long t0 = nanos(Lanes.T0);
        var yearLong = Lanes.spec("access", Durability.DISK, new Retention(Duration.ofDays(365), 0));
        var base = Lanes.settings(4096, 1L << 30);
        var settings = new io.loglane.core.config.StreamSettings(base.segmentBytes(), base.maxLaneBytes(), base.dedupWindow(),
                base.dedupMaxEntries(), base.syncMaxWait(), base.memoryLaneBytes(), Duration.ofDays(7));
        MutableClock clock = new MutableClock(Lanes.T0);
        try (LaneLog log = Lanes.open(dir, yearLong, settings, clock)) {
            log.checkpoints().register("archive");
            for (int i = 0; i < 60; i++) log.append(Fixtures.request(10, i, t0, null)).get(5, TimeUnit.SECONDS);
            clock.now = Lanes.T0.plus(Duration.ofDays(6));
            log.checkpoints().commit("archive", log.endOffset());
            assertThat(log.enforceRetention()).as("younger than stream.max_age").isZero();
            clock.now = Lanes.T0.plus(Duration.ofDays(8));
            assertThat(log.enforceRetention()).as("delivered and past stream.max_age, though the lane keeps a year").isPositive();
            assertThat(log.segments().count()).isEqualTo(1);
        }
    }

    @Test
    void inspectorDumpsAndChecksGoodAndCorruptedLanes() throws Exception {
        try (LaneLog log = Lanes.open(dir, Durability.DISK)) {
            for (int i = 0; i < 30; i++) log.append(Fixtures.request(10, i, 7, "c" + i)).get(5, TimeUnit.SECONDS);
        }
        Path lane = dir.resolve("access");
        CheckReport good = LaneInspector.check(lane);
        assertThat(good.ok()).isTrue();
        assertThat(good.batches()).isEqualTo(30);
        assertThat(good.records()).isEqualTo(300);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LaneInspector.dump(lane, 100, 3, new PrintStream(out, true));
        String text = out.toString();
        assertThat(text.lines()).hasSize(3);
        assertThat(text).contains("offsets=100..109").contains("chunk=c10").contains("crc=ok");

        Path seg = lane.resolve(LaneFiles.baseName(0) + ".log");
        byte[] b = java.nio.file.Files.readAllBytes(seg);
        b[b.length - 5] ^= 0x01;
        java.nio.file.Files.write(seg, b);
        byte[] before = java.nio.file.Files.readAllBytes(seg);
        CheckReport bad = LaneInspector.check(lane);
        assertThat(bad.ok()).isFalse();
        assertThat(bad.corruptRegions()).singleElement().asString().contains("CRC");
        assertThat(java.nio.file.Files.readAllBytes(seg)).as("check modifies nothing").isEqualTo(before);
    }

    /** A clock tests move by hand. */
    static final class MutableClock extends Clock {
        volatile Instant now;

        MutableClock(Instant now) { this.now = now; }

        @Override public java.time.ZoneId getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(java.time.ZoneId zone) { return this; }
        @Override public Instant instant() { return now; }
    }
}
