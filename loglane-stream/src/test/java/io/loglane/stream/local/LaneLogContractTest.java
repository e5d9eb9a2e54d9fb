package io.loglane.stream.local;

import io.loglane.core.config.Durability;
import io.loglane.stream.LaneStream;
import io.loglane.stream.io.ChannelOpener;
import io.loglane.stream.testkit.LaneFixture;
import io.loglane.stream.testkit.LaneStreamContract;
import io.loglane.stream.testkit.StreamReaderContract;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Nested;

/** The stream contract suites against disk and sync lanes. */
class LaneLogContractTest {
    static LaneFixture lane(Durability durability) {
        return new LaneFixture() {
            @Override
            public LaneStream open(Path dir, ChannelOpener storage) throws Exception {
                LaneLog log = new LaneLog(dir.resolve("contract"), Lanes.spec("contract", durability),
                        Lanes.settings(8 * 1024, LaneFixture.MAX_LANE_BYTES), new SimpleMeterRegistry(), Clock.systemUTC(), Runnable::run);
                log.storageHook(storage);
                log.start();
                return log;
            }

            @Override
            public boolean pushesBack() { return true; }

            @Override
            public boolean keepsRecordsAcrossRestart() { return true; }
        };
    }

    @Nested
    class DiskLane extends LaneStreamContract {
        @Override protected LaneFixture fixture() { return lane(Durability.DISK); }
    }

    @Nested
    class DiskLaneReader extends StreamReaderContract {
        @Override protected LaneFixture fixture() { return lane(Durability.DISK); }
    }

    @Nested
    class SyncLane extends LaneStreamContract {
        @Override protected LaneFixture fixture() { return lane(Durability.SYNC); }
    }

    @Nested
    class SyncLaneReader extends StreamReaderContract {
        @Override protected LaneFixture fixture() { return lane(Durability.SYNC); }
    }
}
