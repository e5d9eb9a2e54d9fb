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
        RecordBlockBuilder b = new RecordBlockBuilder();
        byte[] rec = new byte[100];
        for (int i = 0; i < n; i++) b.add(i, rec, 0, rec.length);
        return new AppendRequest("t", b.build(), 1, chunk, null);
    }

    @Test
    void overflowDropsTheOldestCountsThemAndReadersSeeTheSkip() throws Exception {
        SimpleMeterRegistry reg = new SimpleMeterRegistry();
        LaneSpec spec = new LaneSpec("trace", List.of(), "none", new Retention(Duration.ZERO, 0), RateLimit.UNLIMITED, Durability.MEMORY,
                List.of(), new ConfigOrigin("t", 1));
        StreamSettings s = new StreamSettings(1 << 20, 1 << 20, Duration.ofMinutes(1), 100, Duration.ZERO, 5_000);
        try (MemoryLaneStream lane = new MemoryLaneStream(spec, s, reg, Clock.systemUTC())) {
            lane.start();
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
