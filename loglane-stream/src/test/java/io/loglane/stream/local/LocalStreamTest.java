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
                "audit", Lanes.spec("audit", Durability.SYNC), "app", Lanes.spec("app", Durability.DISK));
        try (LocalStream s = new LocalStream(dir, lanes, Lanes.settings(), new SimpleMeterRegistry(), Lanes.fixed())) {
            s.start();
            assertThat(s.lane("audit").append(Fixtures.request(3, 0)).join().baseOffset()).isZero();
            assertThat(s.lane("app").append(Fixtures.request(3, 0)).join().baseOffset()).isZero();
            assertThat(s.recoveryReports()).containsOnlyKeys("audit", "app");
            assertThat(s.enforceRetention()).isZero();
            assertThatThrownBy(() -> s.lane("nope")).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(Files.exists(dir.resolve("audit").resolve(LaneFiles.CLEAN_SHUTDOWN))).isTrue();
        assertThat(Files.exists(dir.resolve("app").resolve(LaneFiles.CLEAN_SHUTDOWN))).isTrue();
    }

    @Test
    void aMemoryLaneIsNotALocalStreamsToBuild() {
        Map<String, io.loglane.core.config.LaneSpec> lanes = Map.of("trace", Lanes.spec("trace", Durability.MEMORY));
        assertThatThrownBy(() -> new LocalStream(dir, lanes, Lanes.settings(), new SimpleMeterRegistry(), Lanes.fixed()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("trace is a memory lane");
    }
}
