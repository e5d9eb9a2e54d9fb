package io.loglane.stream.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loglane.core.config.Durability;
import io.loglane.stream.testkit.Fixtures;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalStreamTest {
    @TempDir Path dir;

    @Test
    void opensOneDirectoryPerDiskLaneAndExposesRecoveryReports() throws Exception {
        Map<String, io.loglane.core.config.LaneSpec> lanes = Map.of(
                "audit", Lanes.spec("audit", Durability.SYNC), "trace", Lanes.spec("trace", Durability.MEMORY));
        try (LocalStream s = new LocalStream(dir, lanes, Lanes.settings(), new SimpleMeterRegistry(), Lanes.fixed())) {
            s.start();
            assertThat(s.lane("audit").append(Fixtures.request(3, 0)).join().baseOffset()).isZero();
            assertThat(s.lane("trace").append(Fixtures.request(3, 0)).join().baseOffset()).isZero();
            assertThat(s.recoveryReports()).containsOnlyKeys("audit");
            assertThat(s.enforceRetention()).isZero();
            assertThatThrownBy(() -> s.lane("nope")).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(Files.exists(dir.resolve("audit").resolve(LaneFiles.CLEAN_SHUTDOWN))).isTrue();
        assertThat(Files.exists(dir.resolve("trace").resolve(io.loglane.stream.memory.MemoryLaneStream.RESERVATION_FILE))).as("the memory lane's offset reservation").isTrue();
        try (LocalStream s = new LocalStream(dir, lanes, Lanes.settings(), new SimpleMeterRegistry(), Lanes.fixed())) {
            s.start();
            assertThat(s.lane("trace").append(Fixtures.request(3, 0)).join().baseOffset())
                    .as("a memory lane's offsets continue after a restart").isEqualTo(3);
        }
    }
}
