package io.loglane.bench.jmh;

import io.loglane.core.config.QuerySettings;
import io.loglane.query.SqlEngine;
import io.loglane.stores.archive.ArchiveLayout;
import io.loglane.stores.archive.CachedArchiveStorage;
import io.loglane.stores.archive.LocalArchiveStorage;
import io.loglane.stores.duckdb.DuckDbDriver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a query pays for finding the archive's files: a small query ({@code count(*)} of a lane
 * holding one file) while another lane holds {@code files} files spread over 24 hour partitions,
 * as on a busy day before compaction. Before the listing cache every query walked every lane's
 * directories (FORMAT.md, "Reading"); the difference between {@code files} values is that walk.
 * {@code listing=walk} is still what a SQL engine over a directory does ({@code ./loglane sql
 * --data}: another process writes); {@code listing=cached} is the node's wiring, the engine
 * sharing a {@link CachedArchiveStorage} with the archive sinks. Every file is a copy of one
 * 10-row Parquet file, named as the archive names them.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ArchiveListingBench {
    @Param({"0", "1000", "5000"})
    int files;

    @Param({"walk", "cached"})
    String listing;

    private Path dir;
    private Path spill;
    private SqlEngine engine;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("listing-bench");
        spill = Files.createTempDirectory("listing-bench-spill");
        Path one = dir.resolve("one.parquet");
        try (Connection c = DuckDbDriver.connect(); Statement s = c.createStatement()) {
            s.execute("COPY (SELECT TIMESTAMP_NS '2026-03-01 10:00:00' + INTERVAL (i) SECOND AS ts, 'x' AS lane,"
                    + " 'app.x' AS tag, NULL::VARCHAR AS host, NULL::VARCHAR AS container_id, NULL::VARCHAR AS container_name,"
                    + " NULL::VARCHAR AS source, 'm' || i AS message, '{}'::JSON AS attrs, now()::TIMESTAMP AS received_at"
                    + " FROM range(10) t(i)) TO '" + one + "' (FORMAT parquet)");
        }
        ArchiveLayout layout = new ArchiveLayout(dir);
        copy(one, layout.partitionDir("small", ArchiveLayout.hourBucket(0)).resolve(ArchiveLayout.fileName(0, 0, 9)));
        long bucket0 = ArchiveLayout.hourBucket(1_772_359_200_000_000_000L); // 2026-03-01T10:00Z
        for (int i = 0; i < files; i++) {
            Path hour = layout.partitionDir("app", bucket0 + i % 24);
            copy(one, hour.resolve(ArchiveLayout.fileName(0, i * 10L, i * 10L + 9)));
        }
        Files.delete(one);
        Map<String, List<io.loglane.core.parse.FieldDef>> lanes = Map.of("app", List.of(), "small", List.of());
        QuerySettings settings = new QuerySettings(Duration.ofSeconds(60), 100);
        engine = listing.equals("cached")
                ? new SqlEngine(new CachedArchiveStorage(new LocalArchiveStorage(dir)), lanes, settings, spill)
                : new SqlEngine(dir, lanes, settings, spill);
        engine.start();
    }

    private static void copy(Path from, Path to) throws Exception {
        Files.createDirectories(to.getParent());
        Files.copy(from, to);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        engine.close();
        BenchData.deleteTree(dir);
        BenchData.deleteTree(spill);
    }

    /** One small query: its time is mostly the per-query listing of every lane. */
    @Benchmark
    public Object smallQuery() {
        return engine.execute("SELECT count(*) FROM small").rows();
    }
}
