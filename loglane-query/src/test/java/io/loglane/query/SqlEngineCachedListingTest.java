package io.loglane.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.loglane.stores.archive.ArchiveSettings;
import io.loglane.core.config.QuerySettings;
import io.loglane.core.config.Retention;
import io.loglane.stores.archive.ArchiveSink;
import io.loglane.stores.archive.CachedArchiveStorage;
import io.loglane.stores.archive.LocalArchiveStorage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node's wiring: the archive sink and the SQL engine share one {@link CachedArchiveStorage},
 * so queries list from memory and see every flush, compaction and retention made through it.
 */
@Timeout(60)
class SqlEngineCachedListingTest {
    private static final String ROWS = "SELECT count(*), count(DISTINCT message) FROM app";

    @TempDir Path dir;
    @TempDir Path spill;
    private CachedArchiveStorage storage;
    private SqlEngine engine;
    private ArchiveSink sink;

    @BeforeEach
    void start() throws Exception {
        storage = new CachedArchiveStorage(new LocalArchiveStorage(dir));
        ArchiveSettings settings = new ArchiveSettings(dir, 1_000_000, 1L << 30, Duration.ofMinutes(1), Duration.ofMinutes(10), 2,
                Duration.ofDays(365));
        sink = new ArchiveSink("app", null, settings, new Retention(Duration.ofDays(1), 0), true, new SimpleMeterRegistry(),
                Clock.systemUTC(), storage);
        engine = new SqlEngine(storage, Map.of("app", List.of()), new QuerySettings(Duration.ofSeconds(20), 100), spill);
        engine.start();
    }

    @AfterEach
    void stop() throws Exception {
        engine.close();
        sink.close();
    }

    /** Three flushes of three rows each into hour 10 of 2026-03-01, committed as delivery does. */
    private void flushThreeFiles() throws Exception {
        sink.open(0);
        for (long base = 0; base < 9; base += 3) {
            sink.write(ArchiveFixture.batch("app", base, 3, Map.of()));
            sink.flush(true);
        }
        sink.flush(true); // the engine committed the last result before calling again (forced: no maintenance)
    }

    private List<Path> parquetFiles() throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.toString().endsWith(".parquet")).sorted().toList();
        }
    }

    @Test
    void queriesListFromMemoryAndSeeEveryFlushCompactionAndDeletion() throws Exception {
        assertThat(engine.execute(ROWS).rows()).containsExactly(List.of(0L, 0L));
        flushThreeFiles();
        for (int i = 0; i < 20; i++) {
            assertThat(engine.execute(ROWS).rows()).containsExactly(List.of(9L, 9L));
        }
        assertThat(sink.compactNow()).isEqualTo(1);
        assertThat(parquetFiles()).as("the merged file, and its sources until the grace is over").hasSize(4);
        assertThat(engine.execute(ROWS).rows()).containsExactly(List.of(9L, 9L));
        assertThat(sink.enforceRetention()).as("2026-03-01 is past a day's retention").isEqualTo(1);
        assertThat(engine.execute(ROWS).rows()).containsExactly(List.of(0L, 0L));
        assertThat(storage.loads()).as("the directory is walked once, when the engine starts").isEqualTo(1);
    }

    @Test
    void aFileDeletedBehindTheStoragesBackIsNoticedAndTheArchiveListedAgain() throws Exception {
        flushThreeFiles();
        assertThat(engine.execute(ROWS).rows()).containsExactly(List.of(9L, 9L));
        Files.delete(parquetFiles().getFirst()); // an operator, not the archive: the kept listing is stale
        assertThat(engine.execute(ROWS).rows()).containsExactly(List.of(6L, 6L));
        assertThat(storage.loads()).isEqualTo(2);
    }
}
