package io.loglane.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loglane.core.config.QuerySettings;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The SQL engine spills under the directory it is given, in a directory of its own that is gone
 * after close, never to {@code .tmp} in the working directory; and a query cannot read what is in
 * that directory.
 */
@Timeout(120)
class SqlEngineSpillTest {
    /** The smallest limit QuerySettings allows; the query below needs several times more. */
    private static final long MEMORY_LIMIT = 64L << 20;
    /** 5 M groups of 10 M rows: about 1 s at 64 MiB here, spilling every time (hash table far above the limit). */
    private static final String SPILLING = "SELECT count(*) FROM (SELECT i % 5000000 AS g, count(*) FROM range(10000000) t(i) GROUP BY g)";

    @TempDir Path archive;
    @TempDir Path data;
    private final List<SqlEngine> engines = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (SqlEngine e : engines) {
            e.close();
        }
    }

    private SqlEngine started(Path spillRoot) throws Exception {
        ArchiveFixture.write(archive, "app", null, 0, 2, Map.of());
        SqlEngine e = new SqlEngine(archive, Map.of("app", List.of()), new QuerySettings(Duration.ofSeconds(60), 10, MEMORY_LIMIT), spillRoot);
        engines.add(e);
        e.start();
        return e;
    }

    private static Path onlyChild(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> children = s.toList();
            assertThat(children).hasSize(1);
            return children.getFirst();
        }
    }

    private static Path parquetIn(Path dir) throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.toString().endsWith(".parquet")).findFirst().orElseThrow();
        }
    }

    private static List<String> created(WatchService ws) throws Exception {
        List<String> names = new ArrayList<>();
        // inotify events arrive on the watch service's own thread: wait for the first, then take what is queued
        for (WatchKey k = ws.poll(10, TimeUnit.SECONDS); k != null; k = ws.poll()) {
            for (WatchEvent<?> e : k.pollEvents()) {
                names.add(String.valueOf(e.context()));
            }
            k.reset();
        }
        return names;
    }

    @Test
    void aQueryPastTheMemoryLimitSpillsIntoTheEnginesOwnDirectoryUnderTheDataDirectory() throws Exception {
        Path tmp = data.resolve("tmp");
        Path cwd = Path.of("").toAbsolutePath();
        Path cwdTmp = cwd.resolve(".tmp");
        SqlEngine e = started(tmp);
        Path mine = onlyChild(tmp);
        assertThat(mine.getFileName().toString()).matches("sql-" + ProcessHandle.current().pid() + "-[0-9a-f]{16}");
        assertThat(e.execute("SELECT current_setting('temp_directory')").rows())
                .containsExactly(List.of(mine.toAbsolutePath().toString()));

        try (WatchService spill = FileSystems.getDefault().newWatchService();
                WatchService workingDir = FileSystems.getDefault().newWatchService()) {
            mine.register(spill, StandardWatchEventKinds.ENTRY_CREATE);
            cwd.register(workingDir, StandardWatchEventKinds.ENTRY_CREATE);
            if (Files.isDirectory(cwdTmp)) {
                cwdTmp.register(workingDir, StandardWatchEventKinds.ENTRY_CREATE); // left by an older build
            }

            assertThat(e.execute(SPILLING).rows()).containsExactly(List.of(5_000_000L));

            assertThat(created(spill)).as("DuckDB's temp files, created while the query ran")
                    .anyMatch(n -> n.startsWith("duckdb_temp") && n.endsWith(".tmp"));
            // another build may write in the module directory meanwhile: only .tmp and DuckDB's files count
            assertThat(created(workingDir)).noneMatch(n -> n.equals(".tmp") || n.startsWith("duckdb_temp"));
        }

        e.close();
        assertThat(mine).as("deleted at close").doesNotExist();
        assertThat(tmp).isEmptyDirectory();
    }

    @Test
    void twoEnginesOnOneDataDirectorySpillApartAndCloseApart() throws Exception {
        Path tmp = data.resolve("tmp");
        SqlEngine a = started(tmp);
        Path aDir = onlyChild(tmp);
        SqlEngine b = started(tmp);
        Path bDir;
        try (Stream<Path> s = Files.list(tmp)) {
            bDir = s.filter(p -> !p.equals(aDir)).findFirst().orElseThrow();
        }
        assertThat(b.execute("SELECT current_setting('temp_directory')").rows()).containsExactly(List.of(bDir.toString()));
        a.close();
        assertThat(aDir).doesNotExist();
        assertThat(bDir).isDirectory();
        assertThat(b.execute(SPILLING).rows()).containsExactly(List.of(5_000_000L));
        b.close();
        assertThat(tmp).isEmptyDirectory();
    }

    /**
     * DuckDB allows its temp directory whenever external access is off (its own spill files go
     * through the same checked file system), so the statement gate is what keeps queries out of it;
     * a file placed there must not be readable by any file function.
     */
    @ParameterizedTest
    @ValueSource(strings = {
        "SELECT * FROM read_csv('SPILL/x.csv')",
        "SELECT * FROM read_csv_auto('SPILL/x.csv')",
        "SELECT * FROM read_parquet('SPILL/x.parquet')",
        "SELECT * FROM parquet_scan('SPILL/x.parquet')",
        "SELECT * FROM read_text('SPILL/x.csv')",
        "SELECT * FROM read_blob('SPILL/x.csv')",
        "SELECT * FROM read_json_auto('SPILL/x.json')",
        "SELECT * FROM glob('SPILL/*')",
        "SELECT * FROM 'SPILL/x.csv'",
        "SELECT * FROM \"SPILL/x.parquet\"",
        "SELECT * FROM read_blob('SPILL/*.tmp')",
        "WITH t AS (SELECT * FROM read_csv('SPILL/x.csv')) SELECT * FROM t",
        "SELECT * FROM app UNION ALL BY NAME SELECT * FROM read_parquet('SPILL/x.parquet')",
    })
    void aQueryCannotReadTheSpillDirectory(String query) throws Exception {
        Path tmp = data.resolve("tmp");
        SqlEngine e = started(tmp);
        Path mine = onlyChild(tmp);
        Files.writeString(mine.resolve("x.csv"), "secret\nspilled\n");
        Files.writeString(mine.resolve("x.json"), "{\"secret\": 1}\n");
        Files.copy(parquetIn(archive), mine.resolve("x.parquet"));
        assertThatThrownBy(() -> e.execute(query.replace("SPILL", mine.toString())))
                .isInstanceOfAny(SqlRejectedException.class, SqlExecutionException.class);
        assertThat(e.execute("SELECT count(*) FROM app").rows()).as("the views still answer").containsExactly(List.of(2L));
    }

    @Test
    void nothingButTheArchiveAndTheSpillDirectoryIsAllowed() throws Exception {
        Path tmp = data.resolve("tmp");
        SqlEngine e = started(tmp);
        Path mine = onlyChild(tmp);
        // DuckDB adds its temp directory itself; before the spill directory it was <working dir>/.tmp/
        assertThat(e.execute("SELECT current_setting('allowed_directories')").rows().getFirst().getFirst().toString())
                .isEqualTo("[" + List.of(archive.toRealPath() + "/", mine.toRealPath() + "/").stream().sorted()
                        .reduce((x, y) -> x + ", " + y).orElseThrow() + "]");
    }

    @Test
    void aFailedStartLeavesNoDirectoryBehind() throws Exception {
        Path tmp = data.resolve("tmp");
        ArchiveFixture.write(archive, "app", null, 0, 2, Map.of());
        Files.writeString(parquetIn(archive), "not Parquet: creating the view fails");
        SqlEngine e = new SqlEngine(archive, Map.of("app", List.of()), new QuerySettings(Duration.ofSeconds(5), 10), tmp);
        engines.add(e);
        assertThatThrownBy(e::start).isInstanceOf(Exception.class);
        assertThat(tmp).isEmptyDirectory();
    }
}
