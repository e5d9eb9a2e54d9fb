package io.loglane.bench.archive;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import io.loglane.stores.duckdb.DuckDbDriver;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBColumnType;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBDataChunkWriter;
import org.duckdb.DuckDBFunctions;
import org.duckdb.DuckDBTableFunction;
import org.duckdb.DuckDBTableFunctionBindInfo;
import org.duckdb.DuckDBTableFunctionCallInfo;
import org.duckdb.DuckDBTableFunctionInitInfo;

/**
 * Scratch harness (not a test, not JMH): converts N rows of the archive's access-lane row shape to
 * one zstd Parquet file by several routes and prints rows/s (wall) and CPU-µs per row (thread CPU
 * of the converting thread, robust to other load on the machine; DuckDB runs with threads=1 so its
 * work is on the calling thread):
 * <ul>
 *   <li>{@code json}: NDJSON staging file (Jackson, raw ASCII writes as RowEncoder does) → {@code read_json} → COPY;</li>
 *   <li>{@code appender}: DuckDB's Java Appender into a temp table → COPY;</li>
 *   <li>{@code tablefn}: a Java table function that fills DuckDB's chunks column by column, read by COPY.</li>
 * </ul>
 * The row values are slices of one byte array, as the archive finds them in msgpack records.
 * Usage: {@code java -cp loglane-bench.jar io.loglane.bench.archive.ConvertHarness [rows] [rounds] [routes...]}.
 */
public final class ConvertHarness {
    private static final String COPY_OPTS =
            " (FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1, PARQUET_VERSION V2, ROW_GROUP_SIZE 122880)";
    private static final String[] STR = {"container_id", "container_name", "source", "message",
            "remote_addr", "remote_user", "time_local", "method", "path", "protocol", "referer", "user_agent"};
    private static final int[] STR_PLACE = {4, 5, 6, 7, 10, 11, 12, 13, 14, 15, 18, 19}; // column index in the final file

    /** Rows: string slices into {@code data}, plus numbers. */
    static final class Rows {
        final int n;
        byte[] data;
        final int[][] off;
        final int[][] len;
        final long[] ts;
        final long[] status;
        final long[] bytes;
        final double[] reqTime;

        Rows(int n) {
            this.n = n;
            off = new int[STR.length][n];
            len = new int[STR.length][n];
            ts = new long[n];
            status = new long[n];
            bytes = new long[n];
            reqTime = new double[n];
        }
    }

    static Rows build(int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Rows r = new Rows(n);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(n * 400);
        String[] methods = {"GET", "GET", "POST", "PUT"};
        String[] paths = {"/", "/api/v1/users", "/api/v1/orders", "/static/app.js", "/login", "/search?q=boots"};
        long base = 1_790_000_000_000_000_000L;
        for (int i = 0; i < n; i++) {
            String ip = "10." + rnd.nextInt(256) + "." + rnd.nextInt(256) + "." + rnd.nextInt(256);
            String time = String.format("25/Nov/2026:06:%02d:%02d +0000", rnd.nextInt(60), rnd.nextInt(60));
            String method = methods[rnd.nextInt(methods.length)];
            String path = paths[rnd.nextInt(paths.length)];
            int status = 200 + rnd.nextInt(4) * 100;
            int bytes = rnd.nextInt(100_000);
            String ua = "Mozilla/5.0 (X11; Linux x86_64) loadgen/" + rnd.nextInt(10);
            double rt = rnd.nextInt(2000) / 1000.0;
            String line = ip + " - - [" + time + "] \"" + method + " " + path + " HTTP/1.1\" " + status + " " + bytes
                    + " \"-\" \"" + ua + "\" " + rt;
            String[] v = {"4f7c2a9e1b3d5f6a8c0e2b4d6f8a0c2e4b6d8f0a1c3e5a7c9e1b3d5f7a9c1e3b", "/web-" + rnd.nextInt(4),
                    "stdout", line, ip, "-", time, method, path, "HTTP/1.1", "-", ua};
            for (int k = 0; k < v.length; k++) {
                byte[] b = v[k].getBytes(StandardCharsets.UTF_8);
                r.off[k][i] = out.size();
                r.len[k][i] = b.length;
                out.writeBytes(b);
            }
            r.ts[i] = base + i * 1000L + rnd.nextInt(1000);
            r.status[i] = status;
            r.bytes[i] = bytes;
            r.reqTime[i] = rt;
        }
        r.data = out.toByteArray();
        return r;
    }

    /** Today's route: NDJSON with short keys → read_json → COPY. */
    static void viaJson(Connection c, Rows r, Path dir, Path target) throws Exception {
        Path staging = dir.resolve("staging.ndjson");
        SerializedString[] keys = {new SerializedString("ci"), new SerializedString("cn"), new SerializedString("s"),
                new SerializedString("m"), new SerializedString("f0"), new SerializedString("f1"), new SerializedString("f2"),
                new SerializedString("f3"), new SerializedString("f4"), new SerializedString("f5"), new SerializedString("f8"),
                new SerializedString("f9")};
        SerializedString t = new SerializedString("t");
        SerializedString g = new SerializedString("g");
        SerializedString rr = new SerializedString("r");
        try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(staging), 64 * 1024);
                JsonGenerator gen = new JsonFactory().createGenerator(os)) {
            gen.setRootValueSeparator(new SerializedString("\n"));
            for (int i = 0; i < r.n; i++) {
                gen.writeStartObject();
                gen.writeFieldName(t);
                gen.writeNumber(r.ts[i]);
                gen.writeFieldName(g);
                gen.writeString("docker.web");
                gen.writeFieldName(rr);
                gen.writeNumber(r.ts[i] / 1000);
                for (int k = 0; k < STR.length; k++) {
                    gen.writeFieldName(keys[k]);
                    if (plain(r.data, r.off[k][i], r.len[k][i])) {
                        gen.writeRawUTF8String(r.data, r.off[k][i], r.len[k][i]);
                    } else {
                        gen.writeUTF8String(r.data, r.off[k][i], r.len[k][i]);
                    }
                }
                gen.writeFieldName("f6");
                gen.writeNumber(r.status[i]);
                gen.writeFieldName("f7");
                gen.writeNumber(r.bytes[i]);
                gen.writeFieldName("f10");
                gen.writeNumber(r.reqTime[i]);
                gen.writeEndObject();
            }
        }
        String sql = "SELECT make_timestamp_ns(t) AS ts, 'access' AS lane, g AS tag, h AS host, ci AS container_id,"
                + " cn AS container_name, s AS source, m AS message, coalesce(a, '{}'::JSON) AS attrs,"
                + " make_timestamp(r) AS received_at, f0 AS remote_addr, f1 AS remote_user, f2 AS time_local, f3 AS method,"
                + " f4 AS path, f5 AS protocol, f6 AS status, f7 AS bytes, f8 AS referer, f9 AS user_agent, f10 AS request_time"
                + " FROM read_json('" + staging + "', format='newline_delimited', maximum_object_size=67108864, columns={"
                + "t:'BIGINT', g:'VARCHAR', h:'VARCHAR', ci:'VARCHAR', cn:'VARCHAR', s:'VARCHAR', m:'VARCHAR', a:'JSON', r:'BIGINT',"
                + " f0:'VARCHAR', f1:'VARCHAR', f2:'VARCHAR', f3:'VARCHAR', f4:'VARCHAR', f5:'VARCHAR', f6:'BIGINT', f7:'BIGINT',"
                + " f8:'VARCHAR', f9:'VARCHAR', f10:'DOUBLE'})";
        try (Statement s = c.createStatement()) {
            s.execute("COPY (" + sql + ") TO '" + target + "'" + COPY_OPTS);
        }
        Files.delete(staging);
    }

    /** As the archive's PlainAscii: raw when nothing needs escaping. */
    private static boolean plain(byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) {
            if (b[i] < 0x20 || b[i] == '"' || b[i] == '\\') {
                return false;
            }
        }
        return true;
    }

    static final String TABLE_COLS = "ts TIMESTAMP_NS, lane VARCHAR, tag VARCHAR, host VARCHAR, container_id VARCHAR,"
            + " container_name VARCHAR, source VARCHAR, message VARCHAR, attrs JSON, received_at TIMESTAMP,"
            + " remote_addr VARCHAR, remote_user VARCHAR, time_local VARCHAR, method VARCHAR, path VARCHAR, protocol VARCHAR,"
            + " status BIGINT, bytes BIGINT, referer VARCHAR, user_agent VARCHAR, request_time DOUBLE";

    /** DuckDB's Appender into a temp table, then COPY. */
    static void viaAppender(Connection c, Rows r, Path target) throws Exception {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE OR REPLACE TEMP TABLE staged (" + TABLE_COLS + ")");
        }
        byte[] lane = "access".getBytes(StandardCharsets.UTF_8);
        byte[] tag = "docker.web".getBytes(StandardCharsets.UTF_8);
        byte[] attrs = "{}".getBytes(StandardCharsets.UTF_8);
        try (DuckDBAppender a = ((DuckDBConnection) c).createAppender("temp", "main", "staged")) {
            for (int i = 0; i < r.n; i++) {
                a.beginRow();
                a.appendEpochNanos(r.ts[i]);
                a.append(lane);
                a.append(tag);
                a.appendNull();
                for (int k = 0; k < 4; k++) {
                    a.append(slice(r, k, i));
                }
                a.append(attrs);
                a.appendEpochMicros(r.ts[i] / 1000);
                for (int k = 4; k < 10; k++) {
                    a.append(slice(r, k, i));
                }
                a.append(r.status[i]);
                a.append(r.bytes[i]);
                a.append(slice(r, 10, i));
                a.append(slice(r, 11, i));
                a.append(r.reqTime[i]);
                a.endRow();
            }
        }
        try (Statement s = c.createStatement()) {
            s.execute("COPY staged TO '" + target + "'" + COPY_OPTS);
            s.execute("DROP TABLE staged");
        }
    }

    private static byte[] slice(Rows r, int k, int i) {
        return Arrays.copyOfRange(r.data, r.off[k][i], r.off[k][i] + r.len[k][i]);
    }

    /** The rows a {@code rows_source()} table function reads next; set before each COPY. */
    static volatile Rows current;
    static volatile int currentFrom;
    static volatile int currentTo;

    static void registerTableFunction(Connection c) throws Exception {
        DuckDBFunctions.tableFunction().withName("rows_source").withFunction(new DuckDBTableFunction<Object, int[], Object>() {
            @Override
            public Object bind(DuckDBTableFunctionBindInfo info) {
                info.addResultColumn("t", DuckDBColumnType.BIGINT);
                info.addResultColumn("r", DuckDBColumnType.BIGINT);
                for (String s : STR) {
                    info.addResultColumn(s, DuckDBColumnType.VARCHAR);
                }
                info.addResultColumn("status", DuckDBColumnType.BIGINT);
                info.addResultColumn("bytes", DuckDBColumnType.BIGINT);
                info.addResultColumn("request_time", DuckDBColumnType.DOUBLE);
                return null;
            }

            @Override
            public int[] init(DuckDBTableFunctionInitInfo info) {
                info.setMaxThreads(1);
                return new int[1];
            }

            @Override
            public long apply(DuckDBTableFunctionCallInfo info, DuckDBDataChunkWriter out) {
                int[] pos = info.getInitData();
                Rows r = current;
                int from = Math.max(pos[0], currentFrom);
                int count = (int) Math.min(out.capacity(), currentTo - from);
                if (count <= 0) {
                    return 0;
                }
                var t = out.vector(0);
                var rc = out.vector(1);
                for (int j = 0; j < count; j++) {
                    t.setLong(j, r.ts[from + j]);
                    rc.setLong(j, r.ts[from + j] / 1000);
                }
                byte[][] batch = new byte[count][];
                for (int k = 0; k < STR.length; k++) {
                    for (int j = 0; j < count; j++) {
                        batch[j] = slice(r, k, from + j);
                    }
                    out.vector(2 + k).setStringUtf8Batch(0, batch);
                }
                var st = out.vector(2 + STR.length);
                var by = out.vector(3 + STR.length);
                var rt = out.vector(4 + STR.length);
                for (int j = 0; j < count; j++) {
                    st.setLong(j, r.status[from + j]);
                    by.setLong(j, r.bytes[from + j]);
                    rt.setDouble(j, r.reqTime[from + j]);
                }
                pos[0] = from + count;
                return count;
            }
        }).register(c);
    }

    static final String SELECT_FN = "SELECT make_timestamp_ns(t) AS ts, 'access' AS lane, 'docker.web' AS tag, NULL::VARCHAR AS host,"
                + " container_id, container_name, source, message, '{}'::JSON AS attrs, make_timestamp(r) AS received_at,"
                + " remote_addr, remote_user, time_local, method, path, protocol, status, bytes, referer, user_agent, request_time"
                + " FROM rows_source()";

    /** Staged into a DuckDB table batch by batch (as the delivery thread would), then COPY. */
    static void viaInsert(Connection c, Rows r, Path target, int batch) throws Exception {
        current = r;
        try (Statement s = c.createStatement()) {
            s.execute("CREATE OR REPLACE TEMP TABLE staged (" + TABLE_COLS + ")");
            for (int from = 0; from < r.n; from += batch) {
                currentFrom = from;
                currentTo = Math.min(r.n, from + batch);
                s.execute("INSERT INTO staged " + SELECT_FN);
            }
            s.execute("COPY staged TO '" + target + "'" + COPY_OPTS);
            s.execute("DROP TABLE staged");
        }
    }

    static void viaTableFunction(Connection c, Rows r, Path target) throws Exception {
        current = r;
        currentFrom = 0;
        currentTo = r.n;
        String sql = "SELECT make_timestamp_ns(t) AS ts, 'access' AS lane, 'docker.web' AS tag, NULL::VARCHAR AS host,"
                + " container_id, container_name, source, message, '{}'::JSON AS attrs, make_timestamp(r) AS received_at,"
                + " remote_addr, remote_user, time_local, method, path, protocol, status, bytes, referer, user_agent, request_time"
                + " FROM rows_source()";
        try (Statement s = c.createStatement()) {
            s.execute("COPY (" + sql + ") TO '" + target + "'" + COPY_OPTS);
        }
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 500_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        String[] routes = args.length > 2 ? Arrays.copyOfRange(args, 2, args.length) : new String[] {"json", "appender", "tablefn"};
        Rows rows = build(n, 42);
        Path dir = Files.createTempDirectory("convert-harness");
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        try (Connection c = DuckDbDriver.connect()) {
            try (Statement s = c.createStatement()) {
                s.execute("SET memory_limit='512MB'");
                s.execute("SET threads=1");
                s.execute("SET preserve_insertion_order=false");
            }
            registerTableFunction(c);
            for (int round = 0; round < rounds; round++) {
                for (String route : routes) { // alternate routes within each round
                    Path target = dir.resolve(route + ".parquet");
                    long cpu0 = mx.getCurrentThreadCpuTime();
                    long proc0 = os.getProcessCpuTime();
                    long t0 = System.nanoTime();
                    switch (route) {
                        case "json" -> viaJson(c, rows, dir, target);
                        case "appender" -> viaAppender(c, rows, target);
                        case "tablefn" -> viaTableFunction(c, rows, target);
                        case "insert1k" -> viaInsert(c, rows, target, 1000);
                        case "insert16k" -> viaInsert(c, rows, target, 16_384);
                        default -> throw new IllegalArgumentException(route);
                    }
                    long wall = System.nanoTime() - t0;
                    long cpu = mx.getCurrentThreadCpuTime() - cpu0;
                    long proc = os.getProcessCpuTime() - proc0;
                    System.out.printf("round %d %-9s %9.0f rows/s  thread %.2f CPU-µs/row  process %.2f CPU-µs/row  file %d bytes%n",
                            round, route, n * 1e9 / wall, cpu / 1e3 / n, proc / 1e3 / n, Files.size(target));
                    Files.delete(target);
                }
            }
        }
        Files.delete(dir);
    }
}
