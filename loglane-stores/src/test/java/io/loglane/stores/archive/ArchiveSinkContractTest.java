package io.loglane.stores.archive;

import io.loglane.core.config.Retention;
import io.loglane.delivery.Sink;
import io.loglane.delivery.testkit.SinkContract;
import io.loglane.stores.duckdb.DuckDbDriver;
import io.loglane.stream.StoredBatch;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The {@link Sink} contract suite against the Parquet archive (rows identify their offset by message, "line-&lt;offset&gt;"). */
class ArchiveSinkContractTest extends SinkContract {
    private static final String LANE = "app";

    @Override
    protected Sink newSink(Path dir, int partition) {
        ArchiveSettings settings = new ArchiveSettings(dir, 1_000_000, 64L << 20, Duration.ofSeconds(60), Duration.ofMinutes(10), 2,
                Duration.ofSeconds(30));
        return new ArchiveSink(ArchiveSink.STORE, partition, LANE, null, settings, new Retention(Duration.ZERO, 0), true,
                new SimpleMeterRegistry(), new MutableClock(Instant.parse("2026-03-01T12:00:00Z")), new LocalArchiveStorage(dir));
    }

    /** Records of partition p &gt; 0 have messages "p&lt;p&gt;-line-&lt;offset&gt;"; partition 0's "line-&lt;offset&gt;". */
    @Override
    protected StoredBatch batch(int partition, long baseOffset, int n) {
        StoredBatch b = TestRecords.lines(baseOffset, n, "2026-03-01T11:00:00Z", partition == 0 ? "line-" : "p" + partition + "-line-");
        return new StoredBatch(partition, b.baseOffset(), b.tag(), b.receivedAtNanos(), b.records(), b.chunkId(), b.sourcePosition(), b.source());
    }

    @Override
    protected List<Long> storedOffsets(Path dir, int partition) throws Exception {
        String prefix = partition == 0 ? "line-" : "p" + partition + "-line-";
        List<Long> out = new ArrayList<>();
        if (!Files.exists(dir.resolve("lane=" + LANE))) {
            return out;
        }
        String scan = "read_parquet('" + new ArchiveLayout(dir).laneGlob(LANE) + "', hive_partitioning=false, union_by_name=true)";
        try (Connection c = DuckDbDriver.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT message FROM " + scan)) {
            while (rs.next()) {
                if (rs.getString(1).startsWith(prefix)) {
                    out.add(Long.parseLong(rs.getString(1).substring(prefix.length())));
                }
            }
        }
        return out;
    }
}
