package io.loglane.stream.memory;

import io.loglane.core.config.ConfigOrigin;
import io.loglane.core.config.Durability;
import io.loglane.core.config.LaneSpec;
import io.loglane.core.config.RateLimit;
import io.loglane.core.config.Retention;
import io.loglane.core.config.StreamSettings;
import io.loglane.stream.LaneStream;
import io.loglane.stream.io.ChannelOpener;
import io.loglane.stream.testkit.LaneFixture;
import io.loglane.stream.testkit.LaneStreamContract;
import io.loglane.stream.testkit.StreamReaderContract;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Nested;

/** The stream contract suites against a memory lane. */
class MemoryLaneContractTest {
    static final LaneFixture LANE = new LaneFixture() {
        @Override
        public LaneStream open(Path dir, ChannelOpener storage) throws Exception {
            LaneSpec spec = new LaneSpec("contract", List.of(), "none", new Retention(Duration.ZERO, 0), RateLimit.UNLIMITED,
                    Durability.MEMORY, List.of(), new ConfigOrigin("test", 1));
            StreamSettings s = new StreamSettings(1 << 20, 1 << 20, Duration.ofMinutes(10), 1000, Duration.ZERO, 1 << 20, Duration.ZERO);
            MemoryLaneStream lane = new MemoryLaneStream(dir.resolve("contract"), spec, s, new SimpleMeterRegistry(), Clock.systemUTC());
            lane.storageHook(storage);
            lane.start();
            return lane;
        }

        @Override
        public boolean pushesBack() { return false; }

        @Override
        public boolean keepsRecordsAcrossRestart() { return false; }
    };

    @Nested
    class Lane extends LaneStreamContract {
        @Override protected LaneFixture fixture() { return LANE; }
    }

    @Nested
    class Reader extends StreamReaderContract {
        @Override protected LaneFixture fixture() { return LANE; }
    }
}
