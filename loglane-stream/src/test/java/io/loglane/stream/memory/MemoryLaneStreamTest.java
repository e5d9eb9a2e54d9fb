package io.loglane.stream.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.loglane.core.config.ConfigOrigin;
import io.loglane.core.config.Durability;
import io.loglane.core.config.LaneSpec;
import io.loglane.core.config.RateLimit;
import io.loglane.core.config.Retention;
import io.loglane.core.config.StreamSettings;
import io.loglane.core.event.RecordBlockBuilder;
import io.loglane.core.telemetry.MetricNames;
import io.loglane.stream.AppendRequest;
import io.loglane.stream.StreamReader;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class MemoryLaneStreamTest {
    private static AppendRequest req(int n, String chunk) {
        return req(n, chunk, AppendRequest.NO_INPUT);
    }

    private static AppendRequest req(int n, String chunk, String input) {
        RecordBlockBuilder b = new RecordBlockBuilder();
        byte[] rec = new byte[100];
        for (int i = 0; i < n; i++) b.add(i, rec, 0, rec.length);
        return new AppendRequest("t", b.build(), 1, chunk, null, input);
    }

    private static MemoryLaneStream traceLane(SimpleMeterRegistry reg) {
        LaneSpec spec = new LaneSpec("trace", List.of(), "none", new Retention(Duration.ZERO, 0), RateLimit.UNLIMITED, Durability.MEMORY,
                List.of(), new ConfigOrigin("t", 1));
        StreamSettings s = new StreamSettings(1 << 20, 1 << 20, Duration.ofMinutes(1), 100, Duration.ZERO, 5_000, Duration.ZERO);
        return new MemoryLaneStream(spec, s, reg, Clock.systemUTC());
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
}
