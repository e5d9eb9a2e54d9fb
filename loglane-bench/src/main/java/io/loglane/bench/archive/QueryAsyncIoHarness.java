package io.loglane.bench.archive;

import io.loglane.stores.duckdb.DuckDbDriver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * Scratch harness (not a test, not JMH): does DuckDB's asynchronous I/O pool ({@code async_threads},
 * 8 by default) make the query engine's queries over many local Parquet files faster? Writes
 * {@code files} zstd files of {@code rows} access-like rows each in the archive's Hive layout (one
 * lane), opens two databases set up as {@code SqlEngine} does (stream results, memory limit 1 GiB,
 * footer cache, a view over every file), one with the pool and one with {@code async_threads=0},
 * and runs four queries on each in turn: {@code rounds} runs each, the first counted apart (cold
 * footers), then the median of the rest. Prints the threads each database added to the process (the
 * first also starts the driver's own).
 * Usage: {@code java -cp loglane-bench.jar io.loglane.bench.archive.QueryAsyncIoHarness DIR [files] [rows] [rounds]}.
 */
public final class QueryAsyncIoHarness {
    private static final String[] QUERIES = {
        "SELECT status, count(*) FROM access GROUP BY status",
        "SELECT count(*) FROM access WHERE message LIKE '%E_CARD_DEC%'",
        "SELECT ts, path FROM access WHERE ts >= TIMESTAMP '2026-11-10' AND ts < TIMESTAMP '2026-11-11' ORDER BY ts DESC LIMIT 100",
        "SELECT path, sum(bytes) AS b FROM access GROUP BY path ORDER BY b DESC LIMIT 10",
    };

    private QueryAsyncIoHarness() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int files = args.length > 1 ? Integer.parseInt(args[1]) : 720;
        int rows = args.length > 2 ? Integer.parseInt(args[2]) : 10_000;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 6;
        List<String> paths = write(dir, files, rows);
        try (Connection pool = open(paths, null); Connection none = open(paths, 0)) {
            for (String q : QUERIES) {
                long[][] ms = new long[2][rounds];
                for (int r = 0; r < rounds; r++) {
                    ms[0][r] = time(pool, q);
                    ms[1][r] = time(none, q);
                }
                System.out.printf("%-60.60s  async_threads=8: first %4d median %4d ms   async_threads=0: first %4d median %4d ms%n",
                        q, ms[0][0], median(ms[0]), ms[1][0], median(ms[1]));
            }
        }
    }

    /** The files, written once per (files, rows) under {@code dir}. */
    private static List<String> write(Path dir, int files, int rows) throws SQLException, IOException {
        Path root = dir.resolve(files + "x" + rows);
        if (!Files.isDirectory(root)) {
            try (Connection c = DuckDbDriver.connect(); Statement s = c.createStatement()) {
                s.execute("SET threads=1");
                for (int f = 0; f < files; f++) {
                    int hourOfMonth = f * (27 * 24) / files;
                    int day = hourOfMonth / 24 + 1;
                    int hour = hourOfMonth % 24;
                    Path part = root.resolve(String.format("lane=access/date=2026-11-%02d/hour=%02d", day, hour));
                    Files.createDirectories(part);
                    s.execute("COPY (SELECT TIMESTAMP '2026-11-" + String.format("%02d %02d", day, hour) + ":00:00' + to_microseconds(i * (3600000000 // " + rows + ")) AS ts,"
                            + " 'access' AS lane, 'web' AS tag, 'host-' || (i % 7) AS host,"
                            + " (ARRAY[200, 200, 200, 200, 301, 404, 500, 503])[1 + (hash(i, " + f + ") % 8)::INT] AS status,"
                            + " '/api/v1/item/' || (hash(i) % 5000) AS path, (hash(i, 'b') % 100000)::BIGINT AS bytes,"
                            + " '10.0.' || (i % 255) || '.' || (hash(i) % 255) || ' - - GET /api/v1/item/' || (hash(i) % 5000)"
                            + " || ' HTTP/1.1 ' || CASE WHEN hash(i) % 997 = 0 THEN 'E_CARD_DEC' ELSE 'ok' END AS message,"
                            + " '{\"ua\":\"curl/8\"}' AS attrs FROM range(" + rows + ") t(i))"
                            + " TO '" + part.resolve("f" + f + ".parquet") + "' (FORMAT parquet, COMPRESSION zstd)");
                }
            }
        }
        try (Stream<Path> all = Files.walk(root)) {
            return all.filter(p -> p.toString().endsWith(".parquet")).map(Path::toString).sorted().toList();
        }
    }

    /** A database as SqlEngine sets one up, with DuckDB's asynchronous pool ({@code asyncThreads} null) or not. */
    private static Connection open(List<String> paths, Integer asyncThreads) throws SQLException, IOException {
        long before = threads();
        Properties props = new Properties();
        props.setProperty("jdbc_stream_results", "true");
        Connection c = DuckDbDriver.connect(props);
        try (Statement s = c.createStatement()) {
            s.execute("SET memory_limit='1GiB'");
            if (asyncThreads != null) {
                s.execute("SET async_threads=" + asyncThreads);
            }
            s.execute("SET parquet_metadata_cache=true");
            List<String> quoted = new ArrayList<>();
            for (String p : paths) {
                quoted.add("'" + p + "'");
            }
            s.execute("CREATE VIEW access AS SELECT * FROM read_parquet([" + String.join(", ", quoted)
                    + "], hive_partitioning=false, union_by_name=true)");
        }
        System.out.printf("database with async_threads=%s: +%d threads%n", asyncThreads == null ? "default" : asyncThreads, threads() - before);
        return c;
    }

    private static long threads() throws IOException {
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            return tasks.count();
        }
    }

    private static long time(Connection c, String q) throws SQLException {
        long t0 = System.nanoTime();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(q)) {
            while (rs.next()) {
                rs.getObject(1);
            }
        }
        return (System.nanoTime() - t0) / 1_000_000;
    }

    private static long median(long[] ms) {
        long[] rest = Arrays.copyOfRange(ms, 1, ms.length);
        Arrays.sort(rest);
        return rest[rest.length / 2];
    }
}
