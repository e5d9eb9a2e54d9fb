package io.loglane.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.loglane.core.config.QuerySettings;
import io.loglane.stores.archive.ArchiveLayout;
import io.loglane.stores.archive.ArchiveStorage;
import io.loglane.stores.archive.CachedArchiveStorage;
import io.loglane.stores.archive.LocalArchiveStorage;
import io.loglane.stores.duckdb.DuckDbDriver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Queries over a partition in the states a compaction passes through (FORMAT.md, "Compaction"):
 * the merged file renamed in beside all or some of its sources, as between the rename and the
 * deletions, or after a crash between them until recovery. Every row must be counted once.
 */
@Timeout(60)
class SqlEngineCompactionTest {
    private static final String HOUR = "lane=app/date=2026-03-01/hour=10";
    private static final String ROWS = "SELECT count(*), count(DISTINCT message) FROM app";

    @TempDir Path dir;
    @TempDir Path spill;
    private SqlEngine engine;
    private Path hour;
    /** The three flushed files, offsets 0-2, 3-5 and 6-8: nine rows in one hour partition. */
    private List<Path> sources;

    @BeforeEach
    void flushThreeFiles() throws Exception {
        ArchiveFixture.write(dir, "app", null, 0, 3, Map.of());
        ArchiveFixture.write(dir, "app", null, 3, 3, Map.of());
        ArchiveFixture.write(dir, "app", null, 6, 3, Map.of());
        hour = dir.resolve(HOUR);
        sources = parquetFiles();
        assertThat(sources).extracting(p -> p.getFileName().toString()).containsExactly(
                ArchiveLayout.fileName(0, 0, 2), ArchiveLayout.fileName(0, 3, 5), ArchiveLayout.fileName(0, 6, 8));
        engine = new SqlEngine(dir, Map.of("app", List.of(), "audit", List.of()), new QuerySettings(Duration.ofSeconds(20), 100), spill);
        engine.start();
    }

    @AfterEach
    void close() throws Exception {
        engine.close();
    }

    @Test
    void aMergedFileBesideAllItsSourcesIsReadInsteadOfThem() throws Exception {
        assertThat(engine.execute(ROWS).rows()).containsExactly(List.of(9L, 9L)); // views first built over the sources
        merge(sources, 0, 8);
        assertThat(engine.execute(ROWS).rows()).containsExactly(List.of(9L, 9L));
        assertThat(engine.execute("SELECT count(*) FROM logs").rows()).containsExactly(List.of(9L));
        assertThat(engine.execute("SELECT lane, count(*) FROM logs GROUP BY 1").rows()).containsExactly(List.of("app", 9L));
    }

    @Test
    void sourcesLeftWhileTheDeletionsRunAreSkipped() throws Exception {
        merge(sources, 0, 8);
        for (Path source : sources) {
            Files.delete(source);
            assertThat(engine.execute(ROWS).rows()).as("after deleting %s", source.getFileName()).containsExactly(List.of(9L, 9L));
        }
    }

    @Test
    void anEarlierMergedFileIsCoveredByALaterOneLikeItsSources() throws Exception {
        merge(sources.subList(0, 2), 0, 5); // an earlier compaction, its sources still there
        assertThat(engine.execute(ROWS).rows()).containsExactly(List.of(9L, 9L));
        for (Path source : sources.subList(0, 2)) {
            Files.delete(source);
        }
        merge(List.of(hour.resolve(ArchiveLayout.fileName(0, 0, 5)), sources.get(2)), 0, 8); // the next one, interrupted
        assertThat(engine.execute(ROWS).rows()).containsExactly(List.of(9L, 9L));
        assertThat(engine.execute("SELECT count(*) FROM logs").rows()).containsExactly(List.of(9L));
    }

    @Test
    void otherPartitionsAndLanesAreUnaffectedAndTheLockDownHolds() throws Exception {
        ArchiveFixture.write(dir, "audit", null, 0, 4, Map.of());
        merge(sources, 0, 8);
        assertThat(engine.execute("SELECT lane, count(*) FROM logs GROUP BY 1 ORDER BY 1").rows())
                .containsExactly(List.of("app", 9L), List.of("audit", 4L));
        // The views were replaced after the lock-down, which is still in force.
        assertThat(engine.execute("SELECT current_setting('lock_configuration'), current_setting('enable_external_access')").rows())
                .containsExactly(List.of(true, false));
        assertThat(engine.execute("DESCRIBE app").rows()).extracting(row -> row.get(0)).containsExactly(
                "ts", "lane", "tag", "host", "container_id", "container_name", "source", "message", "attrs", "received_at",
                "ecs_cluster", "ecs_task_arn", "ecs_task_definition", "k8s_namespace", "k8s_pod", "k8s_pod_uid", "k8s_container");
    }

    /**
     * A compaction cycle runs over and over while queries run: merged file put in, sources
     * deleted, sources put back, merged file deleted, all through the storage as the archive does.
     * The partition holds every row exactly once (by coverage) at every instant, so each answer is
     * exact, or the query fails because files kept vanishing under it; never a wrong count. Run
     * with the engine listing the directory on every query, and with the node's wiring: engine and
     * writer sharing one in-memory listing.
     */
    @ParameterizedTest(name = "cached listing: {0}")
    @ValueSource(booleans = {false, true})
    void queriesRacingCompactionsNeverCountARowTwice(boolean cached) throws Exception {
        ArchiveStorage storage = cached ? new CachedArchiveStorage(new LocalArchiveStorage(dir)) : new LocalArchiveStorage(dir);
        SqlEngine e = cached ? new SqlEngine(storage, Map.of("app", List.of()), new QuerySettings(Duration.ofSeconds(20), 100), spill) : engine;
        e.start();
        Path spare = Files.createDirectories(dir.resolve("spare"));
        for (Path source : sources) {
            Files.copy(source, spare.resolve(source.getFileName()));
        }
        AtomicBoolean stop = new AtomicBoolean();
        Thread compactor = Thread.ofPlatform().name("compactor").start(() -> {
            try {
                while (!stop.get()) {
                    merge(storage, sources, 0, 8);
                    for (Path source : sources) {
                        storage.delete(key(source));
                    }
                    for (Path source : sources) {
                        Path tmp = storage.newTempFile(key(source));
                        Files.copy(spare.resolve(source.getFileName()), tmp);
                        storage.put(tmp, key(source));
                    }
                    storage.delete(HOUR + "/" + ArchiveLayout.fileName(0, 0, 8));
                }
            } catch (Exception ex) {
                throw new IllegalStateException(ex);
            }
        });
        List<Object> answers = new ArrayList<>();
        int failed = 0;
        try {
            long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            while (System.nanoTime() < until) {
                try {
                    answers.add(e.execute(ROWS).rows().getFirst());
                } catch (SqlExecutionException ex) {
                    // after five attempts; the last message is DuckDB's for a vanished file (its JDBC
                    // driver says "Invalid result set" when the first rows could not be streamed)
                    assertThat(ex.getMessage()).as("only vanished files may fail a query")
                            .containsAnyOf("No such file", "Cannot open file", "No files found", "Invalid result set");
                    failed++;
                }
            }
        } finally {
            stop.set(true);
            compactor.join();
            if (e != engine) {
                e.close();
            }
        }
        assertThat(answers).as("%d queries failed on vanished files", failed).hasSizeGreaterThan(10).containsOnly(List.of(9L, 9L));
    }

    private String key(Path file) {
        return dir.relativize(file).toString();
    }

    /** Writes the merged file behind the engine's back, the way compaction does: into a temp file, then renamed into place. */
    private void merge(List<Path> from, long first, long last) throws Exception {
        merge(new LocalArchiveStorage(dir), from, first, last);
    }

    /** Writes the merged file through {@code storage}, as compaction does. */
    private void merge(ArchiveStorage storage, List<Path> from, long first, long last) throws Exception {
        String key = HOUR + "/" + ArchiveLayout.fileName(0, first, last);
        Path tmp = storage.newTempFile(key);
        String list = from.stream().map(p -> "'" + p + "'").collect(Collectors.joining(", ", "[", "]"));
        try (Connection c = DuckDbDriver.connect(); Statement s = c.createStatement()) {
            s.execute("COPY (SELECT * FROM read_parquet(" + list + ", union_by_name=true, hive_partitioning=false)) TO '"
                    + tmp + "' (FORMAT parquet)");
        }
        storage.put(tmp, key);
    }

    private List<Path> parquetFiles() throws Exception {
        try (Stream<Path> s = Files.list(hour)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".parquet")).sorted().toList();
        }
    }
}
