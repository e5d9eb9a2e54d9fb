package io.loglane.stores.archive;

import static io.loglane.stores.archive.TestRecords.lines;
import static org.assertj.core.api.Assertions.assertThat;

import io.loglane.core.config.ConfigOrigin;
import io.loglane.core.config.Durability;
import io.loglane.core.config.LaneSpec;
import io.loglane.core.config.RateLimit;
import io.loglane.core.config.Retention;
import io.loglane.core.config.StreamSettings;
import io.loglane.core.telemetry.MetricNames;
import io.loglane.delivery.DeliveryConsumer;
import io.loglane.stores.duckdb.DuckDbDriver;
import io.loglane.stream.AppendRequest;
import io.loglane.stream.StoredBatch;
import io.loglane.stream.StreamReader;
import io.loglane.stream.memory.MemoryLaneStream;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The window a memory lane's crash count used to over-count: the archive made a flush durable
 * (its file renamed into place) and the process died before the delivery loop committed the
 * checkpoint. After the restart the lane, asking the archive what it holds, counts exactly what
 * the archive misses.
 */
@org.junit.jupiter.api.Timeout(60)
class MemoryLaneArchiveCrashTest {
    @TempDir Path dir;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T12:00:00Z"));

    private MemoryLaneStream lane(SimpleMeterRegistry registry) {
        LaneSpec spec = new LaneSpec("app", List.of(), "none", new Retention(Duration.ZERO, 0), RateLimit.UNLIMITED, Durability.MEMORY,
                List.of("archive"), new ConfigOrigin("t", 1));
        StreamSettings s = new StreamSettings(1 << 20, 1 << 20, Duration.ofMinutes(1), 100, Duration.ZERO, 5_000, Duration.ZERO);
        return new MemoryLaneStream(dir.resolve("stream").resolve("app"), spec, s, registry, Clock.systemUTC());
    }

    private ArchiveSink sink(SimpleMeterRegistry registry) {
        ArchiveSettings settings = new ArchiveSettings(dir.resolve("archive"), 1_000_000, 64L << 20, Duration.ofSeconds(60),
                Duration.ofMinutes(10), 2, Duration.ofSeconds(30));
        return new ArchiveSink("app", null, settings, new Retention(Duration.ZERO, 0), false, registry, clock);
    }

    private long archivedRows() throws Exception {
        LocalArchiveStorage storage = new LocalArchiveStorage(dir.resolve("archive"));
        List<String> live = ArchiveLayout.liveFiles(storage, "app");
        if (live.isEmpty()) {
            return 0;
        }
        String files = live.stream().map(k -> "'" + storage.location(k) + "'").collect(Collectors.joining(", ", "[", "]"));
        try (Connection c = DuckDbDriver.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM read_parquet(" + files + ")")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static double dropped(SimpleMeterRegistry reg, String meter, String storeOrNull) {
        var search = reg.find(meter).tag(MetricNames.LANE, "app").tag(MetricNames.REASON, "crash");
        if (storeOrNull != null) {
            search = search.tag(MetricNames.STORE, storeOrNull);
        }
        return search.counters().stream().mapToDouble(c -> c.count()).sum();
    }

    @Test
    void aFlushMadeDurableAndNeverCommittedIsNotCountedAsLostAfterTheRestart() throws Exception {
        // Run 1, driven as DeliveryConsumer drives it, step by step: the "kill" falls between the
        // archive's flush (files renamed into place) and the checkpoint commit.
        MemoryLaneStream crashed = lane(new SimpleMeterRegistry());
        crashed.start();
        ArchiveSink archive = sink(new SimpleMeterRegistry());
        crashed.checkpoints().register(archive.instance(), archive::durablyStored);
        for (int i = 0; i < 3; i++) {
            StoredBatch b = lines(i * 10L, 10, "2026-03-01T12:0" + i + ":00Z");
            crashed.append(new AppendRequest("app.test", b.records(), TestRecords.RECEIVED_NANOS, null, null)).join();
        }
        StreamReader reader = crashed.reader(0);
        archive.open(crashed.checkpoints().committed(archive.instance()));
        archive.write(reader.poll(Duration.ZERO));
        crashed.checkpoints().commit(archive.instance(), archive.flush(true)); // 0..9 committed
        archive.write(reader.poll(Duration.ZERO));
        assertThat(archive.flush(true)).as("10..19 durable in the archive").isEqualTo(20);
        // killed here: the commit of 20 never happens; 20..29 were never delivered
        archive.close(); // a kill leaves the same files (close neither flushes nor commits)
        assertThat(archivedRows()).isEqualTo(20);

        // Run 2: the node starts the lane and its delivery consumer as LoglaneNode does.
        SimpleMeterRegistry reg = new SimpleMeterRegistry();
        try (MemoryLaneStream lane = lane(reg)) {
            lane.start();
            DeliveryConsumer consumer = new DeliveryConsumer(lane, sink(reg), Duration.ofMillis(10), Duration.ofMillis(100), reg,
                    new SplittableRandom(1));
            consumer.start();
            try {
                long missing = 30 - archivedRows();
                assertThat(missing).isEqualTo(10);
                assertThat(dropped(reg, MetricNames.STORE_EVENTS_DROPPED, "archive"))
                        .as("the archive's count is what it misses, not the 20 past its last commit").isEqualTo(missing);
                assertThat(dropped(reg, MetricNames.EVENTS_DROPPED, null)).as("and the lane's, its only store's").isEqualTo(missing);
            } finally {
                consumer.close();
            }
        }
    }
}
