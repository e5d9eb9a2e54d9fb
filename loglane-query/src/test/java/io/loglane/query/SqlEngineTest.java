package io.loglane.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loglane.core.config.QuerySettings;
import io.loglane.core.parse.FieldDef;
import io.loglane.core.parse.FieldType;
import io.loglane.core.parse.ParsedFields;
import io.loglane.core.parse.RecordParser;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(60)
class SqlEngineTest {
    private static final List<FieldDef> ACCESS = List.of(new FieldDef("status", FieldType.LONG), new FieldDef("method", FieldType.STRING));

    /** Never matches, so typed fields come from record fields. */
    private static final RecordParser ACCESS_PARSER = new RecordParser() {
        @Override public String name() { return "never"; }
        @Override public List<FieldDef> fields() { return ACCESS; }
        @Override public boolean parse(CharSequence message, ParsedFields out) { return false; }
    };

    @TempDir Path dir;
    @TempDir Path spill;
    private final List<SqlEngine> engines = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (SqlEngine e : engines) {
            e.close();
        }
    }

    private SqlEngine engine(Path archive, Duration timeout, int maxRows) throws Exception {
        SqlEngine e = new SqlEngine(archive, Map.of("access", ACCESS, "app", List.of(), "audit", List.of()),
                new QuerySettings(timeout, maxRows), spill);
        engines.add(e);
        e.start();
        return e;
    }

    private SqlEngine engine() throws Exception { return engine(dir, Duration.ofSeconds(20), 1000); }

    private void fill() throws Exception {
        ArchiveFixture.write(dir, "access", ACCESS_PARSER, 0, 3, Map.of("status", 200L, "method", "GET"));
        ArchiveFixture.write(dir, "app", null, 0, 2, Map.of("level", "info"));
    }

    @Test
    void everyLaneHasAViewAndLogsUnitesThem() throws Exception {
        fill();
        SqlEngine e = engine();
        assertThat(e.execute("SELECT status, method, count(*) FROM access GROUP BY ALL").rows())
                .containsExactly(List.of(200L, "GET", 3L));
        assertThat(e.execute("SELECT count(*) FROM app").rows()).containsExactly(List.of(2L));
        assertThat(e.execute("SELECT count(*) FROM audit").rows()).containsExactly(List.of(0L));
        assertThat(e.execute("SELECT lane, count(*), count(status) FROM logs GROUP BY 1 ORDER BY 1").rows())
                .containsExactly(List.of("access", 3L, 3L), List.of("app", 2L, 0L));
        QueryResult r = e.execute("SELECT ts, received_at, message, attrs FROM app ORDER BY ts LIMIT 1");
        assertThat(r.columns()).extracting(QueryResult.Column::type).containsExactly("TIMESTAMP_NS", "TIMESTAMP", "VARCHAR", "JSON");
        assertThat(r.rows().getFirst()).containsExactly("2026-03-01T10:00:00.123456789Z", "2026-03-01T10:00:00.123456Z",
                "app-0", "{\"level\":\"info\"}");
        assertThat(r.truncated()).isFalse();
        assertThat(r.rowLimit()).isEqualTo(1000);
    }

    @Test
    void emptyLanesHaveTheirColumnsAndStartWorkingOnceFilesAppear() throws Exception {
        SqlEngine e = engine();
        assertThat(e.execute("DESCRIBE access").rows()).extracting(row -> row.get(0) + " " + row.get(1)).containsExactly(
                "ts TIMESTAMP_NS", "lane VARCHAR", "tag VARCHAR", "host VARCHAR", "container_id VARCHAR",
                "container_name VARCHAR", "source VARCHAR", "message VARCHAR", "attrs JSON", "received_at TIMESTAMP",
                "status BIGINT", "method VARCHAR", "ecs_cluster VARCHAR", "ecs_task_arn VARCHAR", "ecs_task_definition VARCHAR",
                "k8s_namespace VARCHAR", "k8s_pod VARCHAR", "k8s_pod_uid VARCHAR", "k8s_container VARCHAR");
        assertThat(e.execute("SELECT count(*) FROM logs").rows()).containsExactly(List.of(0L));
        ArchiveFixture.write(dir, "audit", null, 0, 4, Map.of());
        assertThat(e.execute("SELECT count(*) FROM audit").rows()).containsExactly(List.of(4L));
        ArchiveFixture.write(dir, "audit", null, 4, 1, Map.of());
        assertThat(e.execute("SELECT count(*) FROM logs").rows()).containsExactly(List.of(5L));
    }

    @Test
    void aMissingArchiveDirectoryIsNotAnError() throws Exception {
        SqlEngine e = engine(dir.resolve("not/yet"), Duration.ofSeconds(20), 10);
        assertThat(e.execute("SELECT count(*) FROM logs").rows()).containsExactly(List.of(0L));
        assertThat(e.execute("SELECT count(*) FROM access").rows()).containsExactly(List.of(0L));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "SELECT * FROM read_csv('/etc/passwd')                 | function read_csv is not allowed",
        "SELECT * FROM read_text('/etc/passwd')                | function read_text is not allowed",
        "SELECT * FROM glob('/*')                              | function glob is not allowed",
        "SELECT * FROM '/etc/passwd'                           | reading files by path",
        "SELECT * FROM 'x.csv'                                 | reading files by path",
        "COPY (SELECT 1) TO '/tmp/loglane-x.csv'               | COPY statements are not allowed",
        "ATTACH '/tmp/loglane-x.db'                            | ATTACH statements are not allowed",
        "INSTALL httpfs                                        | INSTALL statements are not allowed",
        "LOAD httpfs                                           | LOAD statements are not allowed",
        "SET threads = 1                                       | SET statements are not allowed",
        "PRAGMA version                                        | PRAGMA statements are not allowed",
        "CREATE TABLE t (a INT)                                | CREATE statements are not allowed",
        "DROP VIEW app                                         | DROP statements are not allowed",
        "INSERT INTO t VALUES (1)                              | INSERT statements are not allowed",
        "SELECT 1; SELECT 2                                    | only one statement is allowed",
        "SELECT 1; DROP VIEW app                               | only one statement is allowed",
        "SELECT ';' AS s; DROP VIEW app;                       | only one statement is allowed",
        "EXPLAIN COPY (SELECT 1) TO '/tmp/loglane-x.csv'       | COPY statements are not allowed",
        "SELEC 1                                               | syntax error",
        "'   '                                                 | empty statement",
    })
    void disallowedStatementsAreRejectedWithTheirReason(String sql, String reason) throws Exception {
        SqlEngine e = engine();
        assertThatThrownBy(() -> e.execute(sql)).isInstanceOf(SqlRejectedException.class).hasMessageContaining(reason.strip());
        assertThat(e.execute("SELECT count(*) FROM app").rows()).containsExactly(List.of(0L)); // views intact
    }

    @ParameterizedTest
    @ValueSource(strings = {"SELECT 1;", "  select 1 ;  ", "WITH x AS (SELECT 1 AS a) SELECT a FROM x", "VALUES (1)",
        "FROM app", "DESCRIBE app", "SHOW TABLES", "SUMMARIZE app", "EXPLAIN SELECT * FROM logs", "SELECT ';' AS s"})
    void readOnlyQueriesRun(String sql) throws Exception {
        assertThat(engine().execute(sql).columns()).isNotEmpty();
    }

    @Test
    void anErrorInAnAllowedQueryIsAnExecutionError() throws Exception {
        assertThatThrownBy(() -> engine().execute("SELECT nope FROM app"))
                .isInstanceOf(SqlExecutionException.class).hasMessageContaining("nope");
    }

    @Test
    void anArchiveThatCannotBeListedIsAStorageFailureNotAnErrorOfTheQuery() throws Exception {
        fill();
        SqlEngine e = engine();
        Path hourDir = java.nio.file.Files.list(dir.resolve("lane=app")).findFirst().orElseThrow().resolve("hour=23");
        // A link to itself: examining it fails with ELOOP (permissions cannot fail a listing as root).
        java.nio.file.Files.createSymbolicLink(hourDir, hourDir.getFileName());
        assertThatThrownBy(() -> e.execute("SELECT count(*) FROM access"))
                .isInstanceOf(SqlStorageException.class).hasMessageStartingWith("cannot list the archive: ")
                .hasMessageContaining("hour=23");
        java.nio.file.Files.delete(hourDir);
        assertThat(e.execute("SELECT count(*) FROM app").rows()).containsExactly(List.of(2L));
    }

    @Test
    void aSlowQueryIsCancelledAtTheTimeout() throws Exception {
        SqlEngine e = engine(dir, Duration.ofMillis(300), 10);
        assertThatThrownBy(() -> e.execute("SELECT count(*) FROM range(100000000000) a(i) WHERE hash(i) % 7 = 3"))
                .isInstanceOf(SqlTimeoutException.class).hasMessageContaining("300 ms");
        assertThat(e.execute("SELECT 42").rows()).containsExactly(List.of(42)); // the engine still serves
    }

    @Test
    void answersBeyondTheRowLimitAreTruncatedAndSaySo() throws Exception {
        SqlEngine e = engine(dir, Duration.ofSeconds(20), 5);
        QueryResult r = e.execute("SELECT i FROM range(10) t(i) ORDER BY i");
        assertThat(r.rows()).containsExactly(List.of(0L), List.of(1L), List.of(2L), List.of(3L), List.of(4L));
        assertThat(r.truncated()).isTrue();
        assertThat(r.rowLimit()).isEqualTo(5);
        assertThat(e.execute("SELECT i FROM range(5) t(i)").truncated()).isFalse();
    }

    @Test
    void valuesComeBackJsonFriendly() throws Exception {
        QueryResult r = engine().execute("SELECT [1, 2] AS l, {'x': 'y'} AS s, '\\x01\\x02'::BLOB AS b, DATE '2026-01-02' AS d,"
                + " 1.50::DECIMAL(5,2) AS dec, TIMESTAMPTZ '2026-01-01 00:00:00+02' AS tz, NULL AS n, 'NaN'::DOUBLE AS nan");
        assertThat(r.rows().getFirst()).containsExactly(List.of(1, 2), Map.of("x", "y"), "AQI=", "2026-01-02",
                new java.math.BigDecimal("1.50"), "2025-12-31T22:00:00Z", null, "NaN");
    }

    @Test
    void manyQueriesRunConcurrently() throws Exception {
        fill();
        SqlEngine e = engine();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Object>> answers = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                String sql = i % 2 == 0 ? "SELECT count(*) FROM logs" : "SELECT count(*) * 0 + 5 FROM access, app";
                answers.add(pool.submit(() -> e.execute(sql).rows().getFirst().getFirst()));
            }
            for (Future<Object> f : answers) {
                assertThat(f.get(30, TimeUnit.SECONDS)).isIn(5L);
            }
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void aLaneNamedLikeAKeywordIsQueriedQuotedAndTheErrorSaysSo() throws Exception {
        SqlEngine e = new SqlEngine(dir, Map.of("default", List.of()), new QuerySettings(Duration.ofSeconds(5), 10), spill);
        engines.add(e);
        e.start();
        ArchiveFixture.write(dir, "default", null, 0, 2, Map.of());
        assertThat(e.execute("SELECT count(*) FROM \"default\"").rows()).containsExactly(List.of(2L));
        assertThatThrownBy(() -> e.execute("SELECT count(*) FROM default"))
                .isInstanceOf(SqlRejectedException.class).hasMessageContaining("double quotes, \"default\"");
    }

    @Test
    void theMemoryLimitReachesDuckDbWithoutTheAsynchronousIoPool() throws Exception {
        SqlEngine e = new SqlEngine(dir, Map.of("app", List.of()), new QuerySettings(Duration.ofSeconds(20), 10, 512L << 20), spill);
        engines.add(e);
        e.start();
        assertThat(e.execute("SELECT current_setting('memory_limit'), current_setting('async_threads')::BIGINT").rows())
                .containsExactly(List.of("512.0 MiB", 0L));
        assertThat(engine().execute("SELECT current_setting('memory_limit')").rows()).as("the default")
                .containsExactly(List.of("1.0 GiB"));
        assertThatThrownBy(() -> e.execute("SET memory_limit='8GiB'")).isInstanceOf(SqlRejectedException.class);
    }

    @Test
    void aMemoryLimitThatIsNotPositiveIsRefused() {
        assertThatThrownBy(() -> new SqlEngine(dir, Map.of(), new QuerySettings(Duration.ofSeconds(1), 1, 0), spill))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bad query settings");
    }

    @Test
    void queriesBeforeStartAreRefused() {
        SqlEngine e = new SqlEngine(dir, Map.of(), new QuerySettings(Duration.ofSeconds(1), 1), spill);
        assertThatThrownBy(() -> e.execute("SELECT 1")).isInstanceOf(IllegalStateException.class);
    }
}
