package io.loglane.stream.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loglane.core.config.ConfigOrigin;
import io.loglane.core.config.Durability;
import io.loglane.core.config.LaneSpec;
import io.loglane.core.config.RateLimit;
import io.loglane.core.config.Retention;
import io.loglane.core.config.StreamSettings;
import io.loglane.stream.LaneStream;
import io.loglane.stream.local.LaneFiles;
import io.loglane.stream.memory.MemoryLaneStream;
import io.loglane.stream.testkit.Fixtures;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node's stream picks each lane's backend by durability: disk and sync lanes are logs, memory lanes are memory lanes. */
class EmbeddedStreamsTest {
    @TempDir Path dir;

    private static LaneSpec spec(String name, Durability d) {
        return new LaneSpec(name, List.of(), "none", new Retention(Duration.ZERO, 0), RateLimit.UNLIMITED, d, List.of("archive"),
                new ConfigOrigin("test", 1));
    }

    private EmbeddedStreams streams() {
        Map<String, LaneSpec> lanes = new LinkedHashMap<>();
        lanes.put("trace", spec("trace", Durability.MEMORY));
        lanes.put("audit", spec("audit", Durability.SYNC));
        lanes.put("app", spec("app", Durability.DISK));
        StreamSettings settings = new StreamSettings(8 * 1024, 1L << 30, Duration.ofMinutes(10), 1000, Duration.ofMillis(2), 64 * 1024,
                Duration.ZERO);
        return new EmbeddedStreams(dir, lanes, settings, new SimpleMeterRegistry(), Clock.systemUTC());
    }

    @Test
    void eachLaneGetsTheBackendItsDurabilityNames() throws Exception {
        try (EmbeddedStreams s = streams()) {
            s.start();
            assertThat(s.lanes()).extracting(LaneStream::lane).as("in the order of the config").containsExactly("trace", "audit", "app");
            assertThat(s.lane("trace")).isInstanceOf(MemoryLaneStream.class);
            assertThat(s.lane("audit")).isNotInstanceOf(MemoryLaneStream.class);
            for (String lane : List.of("trace", "audit", "app")) {
                assertThat(s.lane(lane).append(Fixtures.request(3, 0)).join().baseOffset()).isZero();
            }
            assertThat(s.recoveryReports()).containsOnlyKeys("audit", "app");
            assertThat(s.enforceRetention()).isZero();
            assertThatThrownBy(() -> s.lane("nope")).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(Files.exists(dir.resolve("audit").resolve(LaneFiles.CLEAN_SHUTDOWN))).isTrue();
        assertThat(Files.exists(dir.resolve("trace").resolve(MemoryLaneStream.RESERVATION_FILE))).as("the memory lane's offset reservation").isTrue();
        try (EmbeddedStreams s = streams()) {
            s.start();
            assertThat(s.lane("trace").append(Fixtures.request(3, 0)).join().baseOffset())
                    .as("a memory lane's offsets continue after a restart").isEqualTo(3);
        }
    }
}
