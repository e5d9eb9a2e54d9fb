package io.loglane.stores.archive;

import static io.loglane.stores.archive.TestRecords.batch;
import static io.loglane.stores.archive.TestRecords.lines;
import static io.loglane.stores.archive.TestRecords.nanos;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loglane.core.config.Retention;
import io.loglane.core.event.RecordBlock;
import io.loglane.core.event.RecordBlockBuilder;
import io.loglane.core.parse.JsonMessage;
import io.loglane.core.parse.RecordParser;
import io.loglane.core.telemetry.MetricNames;
import io.loglane.delivery.SinkException;
import io.loglane.stores.archive.TestRecords.Event;
import io.loglane.stores.duckdb.DuckDbDriver;
import io.loglane.stream.StoredBatch;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@org.junit.jupiter.api.Timeout(60)
class ArchiveSinkTest {
    @TempDir Path dir;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T12:00:00Z"));
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<ArchiveSink> sinks = new ArrayList<>();

    @AfterEach
    void closeSinks() throws Exception {
        for (ArchiveSink s : sinks) {
            s.close();
        }
    }

    private ArchiveSettings settings(int flushRows) {
        return new ArchiveSettings(dir, flushRows, 64L << 20, Duration.ofSeconds(60), Duration.ofMinutes(10), 2, Duration.ofSeconds(30));
    }

    private ArchiveSink sink(String lane, RecordParser parser, boolean compact, Retention retention) {
        ArchiveSink s = new ArchiveSink(lane, parser, settings(1_000_000), retention, compact, registry, clock);
        sinks.add(s);
        return s;
    }

    private ArchiveSink sink(String lane) { return sink(lane, null, true, new Retention(Duration.ZERO, 0)); }

    private List<List<Object>> sql(String sql) throws Exception {
        try (Connection c = DuckDbDriver.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            ResultSetMetaData md = rs.getMetaData();
            List<List<Object>> rows = new ArrayList<>();
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    Object o = rs.getObject(i);
                    row.add(o == null ? null : o instanceof Number || o instanceof String ? o : o.toString());
                }
                rows.add(row);
            }
            return rows;
        }
    }

    /** The lane's rows as loglane's views read them: its live files (a compaction's sources wait out a grace). */
    private String scanLive(String lane) throws IOException {
        LocalArchiveStorage storage = new LocalArchiveStorage(dir);
        List<String> live = ArchiveLayout.liveFiles(storage, lane);
        return live.isEmpty() ? "(SELECT NULL AS message WHERE false)" : live.stream().map(k -> "'" + storage.location(k) + "'")
                .collect(java.util.stream.Collectors.joining(", ", "read_parquet([", "], hive_partitioning=false, union_by_name=true)"));
    }

    /**
     * Every committed Parquet file of the lane, covered ones too: what a plain glob reads. Right
     * for checking what recovery left, or an archive no compaction touched since.
     */
    private String scan(String lane) {
        return "read_parquet('" + new ArchiveLayout(dir).laneGlob(lane) + "', hive_partitioning=false, union_by_name=true)";
    }

    /** The lane's live files, relative to the archive. */
    private List<String> live(String lane) throws IOException {
        return ArchiveLayout.liveFiles(new LocalArchiveStorage(dir), lane);
    }

    /** Writes each batch and force-flushes it: one file per batch (and hour). */
    private static void flushed(ArchiveSink s, StoredBatch... batches) throws Exception {
        for (StoredBatch b : batches) {
            s.write(b);
            s.flush(true);
        }
    }

    private List<Path> parquetFiles() throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.toString().endsWith(".parquet")).sorted().toList();
        }
    }

    @Test
    void aFailedDirectoryFsyncFailsTheFlushSoItsOffsetsAreNeverReportedDurable() throws Exception {
        java.util.concurrent.atomic.AtomicBoolean failing = new java.util.concurrent.atomic.AtomicBoolean();
        LocalArchiveStorage storage = new LocalArchiveStorage(dir, d -> {
            if (failing.get()) {
                throw new IOException("Input/output error");
            }
            io.loglane.core.io.Fsync.directory(d);
        });
        ArchiveSink s = new ArchiveSink("app", null, settings(1_000_000), null, true, registry, clock, storage);
        sinks.add(s);
        s.open(0);
        failing.set(true);
        s.write(lines(0, 3, "2026-03-01T11:00:00Z"));
        assertThatThrownBy(() -> s.flush(true)).as("the engine commits only what a flush returns")
                .hasMessageContaining("Input/output error");

        // As the engine does after a failure: reopen at the checkpoint, which never moved, and redeliver.
        failing.set(false);
        s.open(0);
        s.write(lines(0, 3, "2026-03-01T11:00:00Z"));
        assertThat(s.flush(true)).isEqualTo(3);
        assertThat(sql("SELECT count(*), count(DISTINCT message) FROM " + scan("app"))).containsExactly(List.of(3L, 3L));
    }

    @Test
    void rowsRoundTripWithEveryColumn() throws Exception {
        ArchiveSink s = sink("access", new TestParser(), true, null);
        s.open(0);
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("k", List.of(1, "two", Map.of("three", 3.5)));
        Map<String, Object> r0 = new LinkedHashMap<>();
        r0.put("log", "GET /api/items 200 0.125");
        r0.put("host", "web-1");
        r0.put("container_id", "abc123");
        r0.put("container_name", "/web");
        r0.put("source", "stdout");
        r0.put("nested", nested);
        r0.put("blob", new byte[] {1, 2, 3});
        r0.put("status", "999"); // parsed message wins; the record field stays in attrs
        Map<String, Object> r1 = new LinkedHashMap<>(); // no message key: no message; fields in typed columns and attrs
        r1.put("status", "503");
        r1.put("request_time", 2);
        r1.put("method", 7);
        r1.put("user", "ünïcode");
        r1.put("a_key_longer_than_thirty_one_bytes", 1); // a str8 key
        r1.put("k".repeat(70), 2); // longer than the key cache keeps
        r1.put("ключ", "v");
        Map<String, Object> r2 = new LinkedHashMap<>(); // message that does not parse; non-string log
        r2.put("log", 42);
        r2.put("message", "free text");
        r2.put("status", "not a number");
        long ts0 = nanos("2026-03-01T10:15:30.123456789Z");
        s.write(batch(0, "app.access", List.of(
                new Event(ts0, r0, Map.of("ecs_task_arn", "arn:1")),
                new Event(ts0 + 1, r1, Map.of()),
                new Event(ts0 + 2, r2))));
        assertThat(s.flush(true)).isEqualTo(3);

        List<List<Object>> rows = sql("SELECT epoch_ns(ts), lane, tag, host, container_id, container_name, source, message,"
                + " attrs::VARCHAR, epoch_us(received_at), method, path, status, request_time FROM " + scan("access")
                + " ORDER BY ts");
        assertThat(rows).hasSize(3);
        assertThat(rows.get(0)).containsExactly(ts0, "access", "app.access", "web-1", "abc123", "/web", "stdout",
                "GET /api/items 200 0.125",
                "{\"nested\":{\"k\":[1,\"two\",{\"three\":3.5}]},\"blob\":\"AQID\",\"status\":\"999\",\"_meta\":{\"ecs_task_arn\":\"arn:1\"}}",
                TestRecords.RECEIVED_NANOS / 1000, "GET", "/api/items", 200L, 0.125);
        assertThat(rows.get(1)).containsExactly(ts0 + 1, "access", "app.access", null, null, null, null, null,
                "{\"user\":\"ünïcode\",\"a_key_longer_than_thirty_one_bytes\":1,\"" + "k".repeat(70) + "\":2,\"ключ\":\"v\"}",
                TestRecords.RECEIVED_NANOS / 1000, "7", null, 503L, 2.0);
        assertThat(rows.get(2)).containsExactly(ts0 + 2, "access", "app.access", null, null, null, null, "free text",
                "{\"log\":42,\"status\":\"not a number\"}", TestRecords.RECEIVED_NANOS / 1000, null, null, null, null);
        assertThat(sql("SELECT count(*) FROM (DESCRIBE SELECT * FROM " + scan("access") + ") WHERE column_name = 'message'"))
                .containsExactly(List.of(1L));
        assertThat(sql("SELECT column_type FROM (DESCRIBE SELECT ts FROM " + scan("access") + ")"))
                .containsExactly(List.of("TIMESTAMP_NS"));
    }

    @Test
    void largeValuesInvalidUtf8AndNonFiniteNumbersSurviveStaging() throws Exception {
        ArchiveSink s = sink("access", new TestParser(), true, null);
        s.open(0);
        long ts0 = nanos("2026-03-01T10:00:00Z");
        String big = "x".repeat(3 << 20); // larger than the staging writer's buffer and the reader's window
        Map<String, Object> large = new LinkedHashMap<>();
        large.put("log", big);
        large.put("extra", "y".repeat(200_000));
        Map<String, Object> nan = new LinkedHashMap<>();
        nan.put("request_time", Double.NaN);
        nan.put("inf", Double.POSITIVE_INFINITY);
        s.write(batch(0, "app.access", List.of(new Event(ts0, large), new Event(ts0 + 1, nan))));
        // "f", an invalid byte, "o": stored with the replacement character, the file stays readable
        byte[] invalid;
        try (MessageBufferPacker p = MessagePack.newDefaultBufferPacker()) {
            p.packMapHeader(1);
            p.packString("log");
            p.packRawStringHeader(3);
            p.writePayload(new byte[] {'f', (byte) 0xFF, 'o'});
            invalid = p.toByteArray();
        }
        RecordBlockBuilder b = new RecordBlockBuilder();
        b.add(ts0 + 2, invalid, 0, invalid.length, null, 0, 0);
        s.write(new StoredBatch(2, "app.access", TestRecords.RECEIVED_NANOS, b.build(), null, null));
        s.write(lines(3, 5000, "2026-03-01T10:05:00Z")); // more rows than one DuckDB chunk
        assertThat(s.flush(true)).isEqualTo(5003);

        List<List<Object>> rows = sql("SELECT length(message), attrs::VARCHAR, request_time FROM " + scan("access")
                + " WHERE epoch_ns(ts) < " + (ts0 + 3) + " ORDER BY ts");
        assertThat(rows.get(0)).containsExactly((long) big.length(), "{\"extra\":\"" + "y".repeat(200_000) + "\"}", null);
        assertThat(rows.get(1)).containsExactly(null, "{\"inf\":null}", null);
        assertThat(sql("SELECT message FROM " + scan("access") + " WHERE epoch_ns(ts) = " + (ts0 + 2)))
                .containsExactly(List.of("f\uFFFDo"));
        assertThat(sql("SELECT count(*), count(DISTINCT message) FROM " + scan("access"))).containsExactly(List.of(5003L, 5002L)); // one message is NULL
    }

    @Test
    void aRecordWithItsJsonMessageLiftedKeepsTheLineAsMessageAndTheObjectsFieldsInAttrs() throws Exception {
        ArchiveSink s = sink("audit");
        s.open(0);
        String line = "{\"level\":\"error\",\"log_type\":\"audit\",\"time\":\"2026-11-25T06:00:00.5Z\",\"user\":\"u-17\","
                + "\"amount\":12.5,\"source\":\"app\",\"ctx\":{\"ids\":[1,2]}}\n";
        Map<String, Object> rec = new LinkedHashMap<>();
        rec.put("log", line);
        rec.put("container_name", "/pay");
        rec.put("source", "stdout");
        byte[] packed = TestRecords.pack(rec);
        // the router's mapping of a JSON message (lane parser json), as it stores the record
        JsonMessage json = new JsonMessage();
        byte[] lineBytes = line.getBytes(StandardCharsets.UTF_8);
        assertThat(json.decode(lineBytes, 0, lineBytes.length)).isTrue();
        int len = json.lift(packed, 0, packed.length);
        RecordBlock block = new RecordBlockBuilder().add(json.timeNanos(), json.liftedArray(), 0, len).build();
        s.write(new StoredBatch(0, "docker.c0ffee", TestRecords.RECEIVED_NANOS, block, null, null));
        assertThat(s.flush(true)).isEqualTo(1);

        assertThat(sql("SELECT epoch_ns(ts), message, container_name, source, attrs::VARCHAR FROM " + scan("audit")))
                .containsExactly(List.of(nanos("2026-11-25T06:00:00.5Z"), line, "/pay", "stdout",
                        "{\"level\":\"error\",\"log_type\":\"audit\",\"time\":\"2026-11-25T06:00:00.5Z\",\"user\":\"u-17\","
                                + "\"amount\":12.5,\"ctx\":{\"ids\":[1,2]}}"));
        assertThat(sql("SELECT attrs->>'level', CAST(attrs->>'amount' AS DOUBLE), attrs->'ctx'->'ids'->>1 FROM " + scan("audit")))
                .containsExactly(List.of("error", 12.5, "2"));
        assertThat(parquetFiles()).extracting(p -> dir.relativize(p).getParent().toString())
                .containsExactly("lane=audit/date=2026-11-25/hour=06");
    }

    @Test
    void aStructuredRecordWithoutAMessageLineIsStoredOnceInAttrsWithANullMessage() throws Exception {
        ArchiveSink s = sink("activity");
        s.open(0);
        Map<String, Object> rec = new LinkedHashMap<>();
        rec.put("user", "u-17");
        rec.put("action", "like");
        rec.put("post", 9);
        rec.put("container_name", "/shop");
        rec.put("ctx", Map.of("ids", List.of(1, 2)));
        Map<String, Object> withLine = new LinkedHashMap<>(rec);
        withLine.put("msg", "u-17 liked 9");
        s.write(batch(0, "app.activity", List.of(new Event(1, rec), new Event(2, withLine))));
        assertThat(s.flush(true)).isEqualTo(2);

        assertThat(sql("SELECT message, container_name, attrs::VARCHAR FROM " + scan("activity") + " ORDER BY ts")).containsExactly(
                java.util.Arrays.asList(null, "/shop", "{\"user\":\"u-17\",\"action\":\"like\",\"post\":9,\"ctx\":{\"ids\":[1,2]}}"),
                List.of("u-17 liked 9", "/shop", "{\"user\":\"u-17\",\"action\":\"like\",\"post\":9,\"ctx\":{\"ids\":[1,2]}}"));
        assertThat(sql("SELECT count(*) FROM " + scan("activity") + " WHERE attrs->>'action' = 'like'"))
                .as("the same SQL finds a field whether or not the record has a line").containsExactly(List.of(2L));
    }

    @Test
    void partitionsFollowEventTimeAcrossHoursAndDays() throws Exception {
        ArchiveSink s = sink("app");
        s.open(0);
        List<Event> es = List.of(
                new Event(nanos("2026-03-01T23:59:59.999999999Z"), Map.of("log", "a")),
                new Event(nanos("2026-03-02T00:00:00Z"), Map.of("log", "b")),
                new Event(nanos("2026-02-27T05:00:00Z"), Map.of("log", "late")),
                new Event(nanos("2026-03-01T23:10:00Z"), Map.of("log", "c")));
        s.write(batch(100, "t", es));
        assertThat(s.flush(true)).isEqualTo(104);
        assertThat(parquetFiles()).extracting(p -> dir.relativize(p).toString()).containsExactly(
                "lane=app/date=2026-02-27/hour=05/p0-00000000000000000100-00000000000000000103.parquet",
                "lane=app/date=2026-03-01/hour=23/p0-00000000000000000100-00000000000000000103.parquet",
                "lane=app/date=2026-03-02/hour=00/p0-00000000000000000100-00000000000000000103.parquet");
        assertThat(sql("SELECT message FROM read_parquet('" + dir + "/lane=app/date=2026-03-01/hour=23/*.parquet') ORDER BY ts"))
                .containsExactly(List.of("c"), List.of("a"));
        assertThat(registry.counter(ArchiveMetrics.FILES, MetricNames.LANE, "app").count()).isEqualTo(3.0);
        assertThat(registry.counter(ArchiveMetrics.FLUSHES, MetricNames.LANE, "app").count()).isEqualTo(1.0);
    }

    @Test
    void redeliveryRewritesTheSameFilesWithoutDuplicates() throws Exception {
        ArchiveSink s = sink("app");
        s.open(0);
        s.write(lines(0, 5, "2026-03-01T10:00:00Z"));
        s.write(lines(5, 5, "2026-03-01T11:00:00Z"));
        assertThat(s.flush(true)).isEqualTo(10);
        List<Path> first = parquetFiles();
        // The engine never committed 10: a restart reopens at 0 and redelivers the same offsets.
        s.open(0);
        s.write(lines(0, 5, "2026-03-01T10:00:00Z"));
        s.write(lines(5, 5, "2026-03-01T11:00:00Z"));
        assertThat(s.flush(true)).isEqualTo(10);
        assertThat(parquetFiles()).isEqualTo(first);
        assertThat(sql("SELECT count(*), count(DISTINCT message) FROM " + scan("app"))).containsExactly(List.of(10L, 10L));
    }

    @Test
    void openDeletesUncommittedFilesTempFilesAndStaging() throws Exception {
        ArchiveSink s = sink("app");
        s.open(0);
        s.write(lines(0, 3, "2026-03-01T10:00:00Z"));
        assertThat(s.flush(true)).isEqualTo(3);
        s.write(lines(3, 3, "2026-03-01T10:30:00Z"));
        s.write(lines(6, 3, "2026-03-01T09:30:00Z"));
        assertThat(s.flush(true)).isEqualTo(9);
        Path hour10 = dir.resolve("lane=app/date=2026-03-01/hour=10");
        Files.writeString(hour10.resolve(".00000000000000000009-00000000000000000011.parquet.tmp"), "half written");
        s.write(lines(9, 2, "2026-03-01T10:40:00Z")); // staged, never flushed
        s.close();

        ArchiveSink again = sink("app");
        again.open(3); // only the first flush was committed
        assertThat(parquetFiles()).extracting(p -> p.getFileName().toString())
                .containsExactly("p0-00000000000000000000-00000000000000000002.parquet");
        try (Stream<Path> all = Files.walk(dir)) {
            assertThat(all.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString())).containsExactlyInAnyOrder(
                    "lane=app/date=2026-03-01/hour=10/p0-00000000000000000000-00000000000000000002.parquet",
                    "_symlink_format_manifest/lane=app/date=2026-03-01/hour=10/manifest");
        }
        again.write(lines(3, 8, "2026-03-01T10:30:00Z"));
        assertThat(again.flush(true)).isEqualTo(11);
        assertThat(sql("SELECT count(*), count(DISTINCT message) FROM " + scan("app"))).containsExactly(List.of(11L, 11L));
    }

    @Test
    void aBatchIsStagedOnlyWhenItsMsgpackIsWhole() throws Exception {
        ArchiveSink s = sink("app");
        s.open(0);
        byte[] bad = {(byte) 0x82, (byte) 0xa3, 'l', 'o', 'g'}; // map of 2 with a key and no value
        io.loglane.core.event.RecordBlockBuilder b = new io.loglane.core.event.RecordBlockBuilder();
        byte[] good = TestRecords.pack(Map.of("log", "ok"));
        b.add(nanos("2026-03-01T10:00:00Z"), good, 0, good.length);
        b.add(nanos("2026-03-01T10:00:00Z"), bad, 0, bad.length);
        RecordBlock block = b.build();
        assertThatThrownBy(() -> s.write(new StoredBatch(0, "t", 0, block, null, null)))
                .isInstanceOfSatisfying(SinkException.class, e -> assertThat(e.retriable()).isFalse())
                .hasMessageContaining("offset 0");
        assertThat(s.flush(true)).isEqualTo(0);
        assertThat(parquetFiles()).isEmpty();
    }

    @Test
    void flushWritesOnlyWhenRowsOrAgeAreDue() throws Exception {
        ArchiveSink s = new ArchiveSink("app", null, settings(4), null, true, registry, clock);
        sinks.add(s);
        s.open(7);
        s.write(lines(7, 3, "2026-03-01T10:00:00Z"));
        assertThat(s.flush(false)).isEqualTo(7);
        s.write(lines(10, 1, "2026-03-01T10:00:00Z"));
        // 4 rows: due. The conversion runs in the background; its offset comes with a later flush.
        assertThat(s.flush(false)).isEqualTo(7);
        s.awaitInFlight();
        s.write(lines(11, 1, "2026-03-01T10:00:00Z"));
        assertThat(s.flush(false)).isEqualTo(11);
        clock.advance(Duration.ofSeconds(61));
        assertThat(s.flush(false)).isEqualTo(11); // age: due, in flight
        s.awaitInFlight();
        assertThat(s.flush(false)).isEqualTo(12);
        s.write(new StoredBatch(12, "t", 0, RecordBlock.EMPTY, null, null));
        assertThat(s.flush(false)).isEqualTo(12);
    }

    @Test
    void flushWritesWhenStagedBytesReachTheLimit() throws Exception {
        ArchiveSettings small = new ArchiveSettings(dir, 1_000_000, 200, Duration.ofHours(1), Duration.ofMinutes(10), 2, Duration.ofSeconds(30));
        ArchiveSink s = new ArchiveSink("app", null, small, null, true, registry, clock);
        sinks.add(s);
        s.open(0);
        s.write(lines(0, 2, "2026-03-01T10:00:00Z"));
        assertThat(s.flush(false)).isEqualTo(0);
        s.write(lines(2, 20, "2026-03-01T10:00:00Z"));
        assertThat(s.flush(false)).isEqualTo(0); // due: converting in the background
        s.awaitInFlight();
        assertThat(s.flush(false)).isEqualTo(22);
        assertThat(sql("SELECT count(*) FROM " + scan("app"))).containsExactly(List.of(22L));
    }

    @Test
    void openWaitsForTheFlushInFlightAndRemovesWhatItWrote() throws Exception {
        ArchiveSettings small = new ArchiveSettings(dir, 3, 1L << 30, Duration.ofHours(1), Duration.ofMinutes(10), 2, Duration.ofSeconds(30));
        ArchiveSink s = new ArchiveSink("app", null, small, null, true, registry, clock);
        sinks.add(s);
        s.open(0);
        s.write(lines(0, 3, "2026-03-01T10:00:00Z"));
        assertThat(s.flush(false)).isEqualTo(0); // in flight, never committed
        s.write(lines(3, 1, "2026-03-01T10:00:00Z"));
        s.open(0); // the engine failed: whatever the background flush renamed must go
        assertThat(parquetFiles()).isEmpty();
        s.write(lines(0, 4, "2026-03-01T10:00:00Z"));
        assertThat(s.flush(true)).isEqualTo(4);
        assertThat(sql("SELECT count(*), count(DISTINCT message) FROM " + scan("app"))).containsExactly(List.of(4L, 4L));
    }

    @Test
    void compactionMergesClosedHoursKeepingEveryRowOnce() throws Exception {
        ArchiveSink s = sink("app");
        s.open(0);
        for (int i = 0; i < 4; i++) {
            s.write(lines(i * 10L, 10, "2026-03-01T10:0" + i + ":00Z"));
            s.flush(true);
        }
        s.write(lines(40, 5, "2026-03-01T11:50:00Z"));
        s.flush(true);
        s.write(lines(45, 5, "2026-03-01T11:55:00Z"));
        s.flush(true);
        // The engine has acted on 50, so everything is committed. At 12:00 hour 10 closed 60 min
        // ago (≥ compactAfter 10 min) while hour 11 only just closed: the periodic maintenance of
        // this flush compacts hour 10 alone.
        assertThat(s.flush(false)).isEqualTo(50);
        s.awaitMaintenance(); // the pass runs on the maintenance thread
        assertThat(live("app")).containsExactly(
                "lane=app/date=2026-03-01/hour=10/p0-00000000000000000000-00000000000000000039.parquet",
                "lane=app/date=2026-03-01/hour=11/p0-00000000000000000040-00000000000000000044.parquet",
                "lane=app/date=2026-03-01/hour=11/p0-00000000000000000045-00000000000000000049.parquet");
        assertThat(parquetFiles()).as("hour 10's sources wait out the grace").hasSize(7);
        clock.advance(Duration.ofMinutes(10));
        assertThat(s.compactNow()).isEqualTo(1);
        assertThat(live("app")).containsExactly(
                "lane=app/date=2026-03-01/hour=10/p0-00000000000000000000-00000000000000000039.parquet",
                "lane=app/date=2026-03-01/hour=11/p0-00000000000000000040-00000000000000000049.parquet");
        assertThat(parquetFiles()).as("hour 10's sources went; hour 11's wait").hasSize(4);
        clock.advance(Duration.ofSeconds(30));
        assertThat(s.compactNow()).isZero();
        assertThat(parquetFiles()).extracting(p -> dir.relativize(p).toString()).containsExactly(
                "lane=app/date=2026-03-01/hour=10/p0-00000000000000000000-00000000000000000039.parquet",
                "lane=app/date=2026-03-01/hour=11/p0-00000000000000000040-00000000000000000049.parquet");
        assertThat(sql("SELECT count(*), count(DISTINCT message), min(message) FROM " + scan("app")))
                .containsExactly(List.of(50L, 50L, "line-0"));
        assertThat(registry.counter(ArchiveMetrics.COMPACTIONS, MetricNames.LANE, "app").count()).isEqualTo(2.0);
        // A restart at the committed offset keeps the compacted files.
        s.open(50);
        assertThat(sql("SELECT count(*) FROM " + scan("app"))).containsExactly(List.of(50L));
    }

    @Test
    void filesNamedBeforePartitionsArePartitionZerosForReadingRecoveryAndCompaction() throws Exception {
        // The archive an earlier version left, built by code: flushes written now, renamed to the
        // names files had before partitions (<first>-<last>.parquet). The last one was flushed but
        // never committed.
        ArchiveSink before = sink("app");
        before.open(0);
        flushed(before, lines(0, 10, "2026-03-01T10:00:00Z"), lines(10, 10, "2026-03-01T10:10:00Z"), lines(20, 5, "2026-03-01T10:20:00Z"));
        for (Path p : parquetFiles()) {
            Files.move(p, p.resolveSibling(p.getFileName().toString().substring("p0-".length())));
        }
        String hour = "lane=app/date=2026-03-01/hour=10/";
        assertThat(ArchiveLayout.liveFiles(new LocalArchiveStorage(dir), "app")).as("readers list the old names").containsExactly(
                hour + "00000000000000000000-00000000000000000009.parquet",
                hour + "00000000000000000010-00000000000000000019.parquet",
                hour + "00000000000000000020-00000000000000000024.parquet");

        ArchiveSink after = sink("app");
        after.open(20); // recovery: the old uncommitted file goes, the committed ones stay
        assertThat(parquetFiles()).extracting(p -> dir.relativize(p).toString()).containsExactly(
                hour + "00000000000000000000-00000000000000000009.parquet",
                hour + "00000000000000000010-00000000000000000019.parquet");
        after.write(lines(20, 5, "2026-03-01T10:20:00Z"));
        assertThat(after.flush(true)).isEqualTo(25);
        assertThat(parquetFiles()).extracting(p -> dir.relativize(p).toString()).containsExactly(
                hour + "00000000000000000000-00000000000000000009.parquet",
                hour + "00000000000000000010-00000000000000000019.parquet",
                hour + "p0-00000000000000000020-00000000000000000024.parquet");
        // Hour 10 closed long enough ago: the maintenance of the next flush merges old and new names alike.
        assertThat(after.flush(false)).isEqualTo(25);
        after.awaitMaintenance(); // the pass runs on the maintenance thread; the sources wait out the grace
        assertThat(live("app")).containsExactly(hour + "p0-00000000000000000000-00000000000000000024.parquet");
        assertThat(sql("SELECT count(*), count(DISTINCT message) FROM " + scanLive("app"))).containsExactly(List.of(25L, 25L));
    }

    @Test
    void compactionNeverRunsWhenDisabled() throws Exception {
        ArchiveSink s = sink("audit", null, false, null);
        s.open(0);
        for (int i = 0; i < 3; i++) {
            s.write(lines(i * 2L, 2, "2026-03-01T08:00:00Z"));
            s.flush(true);
        }
        clock.advance(Duration.ofHours(5));
        s.flush(false);
        assertThat(s.compactNow()).isZero();
        assertThat(parquetFiles()).hasSize(3);
    }

    @Test
    void compactionSkipsFilesNotYetCommitted() throws Exception {
        ArchiveSink s = sink("app");
        s.open(0);
        s.write(lines(0, 2, "2026-03-01T08:00:00Z"));
        s.flush(true);
        s.write(lines(2, 2, "2026-03-01T08:10:00Z"));
        s.flush(true); // returned 4, but the engine has not acted on it yet
        assertThat(s.compactNow()).isZero(); // only [0,1] is below the commit point: one file is not enough
        assertThat(parquetFiles()).hasSize(2);
    }

    @Test
    void anInterruptedCompactionIsResolvedOnOpen() throws Exception {
        ArchiveSink s = sink("app");
        s.open(0);
        flushed(s, lines(0, 3, "2026-03-01T08:00:00Z"), lines(3, 3, "2026-03-01T08:10:00Z"), lines(6, 3, "2026-03-01T08:20:00Z"));
        Path hour = dir.resolve("lane=app/date=2026-03-01/hour=08");
        List<Path> sources = parquetFiles();
        // Crash right after the compacted file was renamed in, before its sources were deleted.
        try (ParquetWriter w = new ParquetWriter("app", List.of())) {
            w.merge(sources.subList(0, 2), hour.resolve(ArchiveLayout.fileName(0, 0, 5)));
        }
        assertThat(sql("SELECT count(*) FROM " + scan("app"))).containsExactly(List.of(15L)); // the glob reads 6 rows twice
        assertThat(ArchiveLayout.liveFiles(new LocalArchiveStorage(dir), "app")).as("what readers read").containsExactly(
                "lane=app/date=2026-03-01/hour=08/p0-00000000000000000000-00000000000000000005.parquet",
                "lane=app/date=2026-03-01/hour=08/p0-00000000000000000006-00000000000000000008.parquet");
        s.open(9);
        assertThat(parquetFiles()).extracting(p -> p.getFileName().toString()).containsExactly(
                "p0-00000000000000000000-00000000000000000005.parquet", "p0-00000000000000000006-00000000000000000008.parquet");
        assertThat(sql("SELECT count(*), count(DISTINCT message) FROM " + scan("app"))).containsExactly(List.of(9L, 9L));
    }

    @Test
    void retentionDeletesPartitionsOlderThanMaxAge() throws Exception {
        ArchiveSink s = sink("app", null, true, new Retention(Duration.ofDays(1), 0));
        s.open(0);
        s.write(lines(0, 1, "2026-02-27T10:00:00Z"));
        s.write(lines(1, 1, "2026-02-28T11:30:00Z")); // hour ends 12:00 on the 28th: exactly 1 day ago
        s.write(lines(2, 1, "2026-02-28T12:00:00Z"));
        s.write(lines(3, 1, "2026-03-01T11:00:00Z"));
        s.flush(true);
        assertThat(s.enforceRetention()).isEqualTo(2);
        assertThat(Files.exists(dir.resolve("lane=app/date=2026-02-27"))).isFalse();
        assertThat(sql("SELECT message FROM " + scan("app") + " ORDER BY ts")).containsExactly(List.of("line-2"), List.of("line-3"));
        clock.advance(Duration.ofDays(2));
        s.flush(false); // the periodic maintenance applies retention too
        s.awaitMaintenance();
        assertThat(parquetFiles()).isEmpty();
    }

    /** Bytes of the files in one partition of lane {@code app}. */
    private long partitionBytes(String dateHour) throws IOException {
        try (Stream<Path> s = Files.list(dir.resolve("lane=app").resolve(dateHour))) {
            return s.mapToLong(p -> p.toFile().length()).sum();
        }
    }

    private List<String> partitions(String lane) throws IOException {
        try (Stream<Path> s = Files.walk(dir.resolve("lane=" + lane), 2)) {
            return s.filter(p -> p.getFileName().toString().startsWith("hour="))
                    .map(p -> dir.resolve("lane=" + lane).relativize(p).toString()).sorted().toList();
        }
    }

    @Test
    void sizeRetentionDeletesTheOldestPartitionsUntilTheLaneFits() throws Exception {
        ArchiveSink writer = sink("app");
        writer.open(0);
        for (int h = 6; h <= 10; h++) {
            writer.write(lines((h - 6) * 10L, 10, "2026-03-01T%02d:00:00Z".formatted(h)));
        }
        assertThat(writer.flush(true)).isEqualTo(50);
        writer.close();
        // Exactly the two oldest hours have to go to get down to the limit (at it counts as within).
        long all = 0;
        for (String p : partitions("app")) {
            all += partitionBytes(p);
        }
        long limit = all - partitionBytes("date=2026-03-01/hour=06") - partitionBytes("date=2026-03-01/hour=07");

        ArchiveSink s = sink("app", null, true, new Retention(Duration.ZERO, limit));
        s.open(50);
        assertThat(s.enforceRetention()).isEqualTo(2);
        assertThat(partitions("app")).containsExactly(
                "date=2026-03-01/hour=08", "date=2026-03-01/hour=09", "date=2026-03-01/hour=10");
        assertThat(sql("SELECT min(message), count(*) FROM " + scan("app"))).containsExactly(List.of("line-20", 30L));
        assertThat(s.enforceRetention()).as("within the limit now").isZero();
        assertThat(registry.counter(ArchiveMetrics.PARTITIONS_DELETED, MetricNames.LANE, "app", MetricNames.REASON, "size").count())
                .isEqualTo(2.0);
        assertThat(registry.counter(ArchiveMetrics.PARTITIONS_DELETED, MetricNames.LANE, "app", MetricNames.REASON, "age").count())
                .isZero();
    }

    @Test
    void sizeRetentionKeepsPartitionsBeingWrittenAndTheNewest() throws Exception {
        ArchiveSink s = sink("app", null, true, new Retention(Duration.ZERO, 1)); // every partition is over the limit
        s.open(0);
        s.write(lines(0, 2, "2026-03-01T06:00:00Z"));
        s.write(lines(2, 2, "2026-03-01T07:00:00Z"));
        s.write(lines(4, 2, "2026-03-01T08:00:00Z"));
        s.write(lines(6, 2, "2026-03-01T12:00:00Z")); // the current hour by the clock
        s.write(lines(8, 2, "2026-03-01T14:00:00Z")); // the newest (a sender's clock runs ahead)
        assertThat(s.flush(true)).isEqualTo(10);
        s.write(lines(10, 1, "2026-03-01T07:30:00Z")); // staged: hour 07 is being written
        // The periodic maintenance of the next flush applies size retention on its own.
        assertThat(s.flush(false)).isEqualTo(10);
        s.awaitMaintenance();
        assertThat(partitions("app")).containsExactly(
                "date=2026-03-01/hour=07", "date=2026-03-01/hour=12", "date=2026-03-01/hour=14");
        assertThat(registry.counter(ArchiveMetrics.PARTITIONS_DELETED, MetricNames.LANE, "app", MetricNames.REASON, "size").count())
                .isEqualTo(2.0);
        assertThat(s.flush(true)).isEqualTo(11);
        assertThat(sql("SELECT message FROM " + scan("app") + " WHERE ts < '2026-03-01 08:00:00' ORDER BY ts"))
                .containsExactly(List.of("line-2"), List.of("line-3"), List.of("line-10"));
    }

    @Test
    void redeliveryFromInsideCommittedFilesAddsNoDuplicates() throws Exception {
        // The lane as the stream holds it: batches of 5; hour 08 closed long ago, hour 11 just closed.
        List<StoredBatch> stream = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            stream.add(lines(i * 5L, 5, "2026-03-01T08:0" + i + ":00Z"));
        }
        for (int i = 6; i < 8; i++) {
            stream.add(lines(i * 5L, 5, "2026-03-01T11:0" + i + ":00Z"));
        }
        ArchiveSink s = sink("app");
        s.open(0);
        for (int i = 0; i < 8; i += 2) { // four flushes of ten offsets
            s.write(stream.get(i));
            s.write(stream.get(i + 1));
            s.flush(true);
        }
        assertThat(s.flush(false)).isEqualTo(40); // committed 40; maintenance compacts hour 08 alone
        s.awaitMaintenance();
        assertThat(live("app")).containsExactly(
                "lane=app/date=2026-03-01/hour=08/p0-00000000000000000000-00000000000000000029.parquet",
                "lane=app/date=2026-03-01/hour=11/p0-00000000000000000030-00000000000000000039.parquet");
        s.close();

        // The checkpoint file is lost and the stream was trimmed to offset 15: delivery restarts
        // there, inside the compacted file, and redelivers 15..39.
        ArchiveSink again = sink("app");
        again.open(15);
        for (StoredBatch b : stream.subList(3, 8)) {
            again.write(b);
        }
        assertThat(again.flush(true)).isEqualTo(40);
        assertThat(sql("SELECT count(*), count(DISTINCT message) FROM " + scan("app"))).containsExactly(List.of(40L, 40L));
        // A late event for hour 08 after the restart: compaction merges it with the kept file.
        again.write(lines(40, 5, "2026-03-01T08:30:00Z"));
        assertThat(again.flush(true)).isEqualTo(45);
        assertThat(again.flush(false)).isEqualTo(45); // acted on 45: its maintenance compacts hour 08
        again.awaitMaintenance();
        assertThat(live("app")).containsExactly(
                "lane=app/date=2026-03-01/hour=08/p0-00000000000000000000-00000000000000000044.parquet",
                "lane=app/date=2026-03-01/hour=11/p0-00000000000000000030-00000000000000000039.parquet");
        assertThat(sql("SELECT count(*), count(DISTINCT message) FROM " + scanLive("app"))).containsExactly(List.of(45L, 45L));
        again.close();

        // Lost once more, now with the stream trimmed to 5 (a flush boundary inside the merged file).
        ArchiveSink third = sink("app");
        third.open(5);
        for (StoredBatch b : stream.subList(1, 8)) {
            third.write(b);
        }
        third.write(lines(40, 5, "2026-03-01T08:30:00Z"));
        assertThat(third.flush(true)).isEqualTo(45);
        assertThat(sql("SELECT count(*), count(DISTINCT message), min(message) FROM " + scan("app")))
                .containsExactly(List.of(45L, 45L, "line-0"));
        third.open(45); // and a normal restart keeps all of it
        assertThat(sql("SELECT count(*), count(DISTINCT message) FROM " + scan("app"))).containsExactly(List.of(45L, 45L));
    }

    @Test
    void aCrashBetweenFlushAndCommitAfterCompactionAddsNoDuplicates() throws Exception {
        ArchiveSink s = sink("app");
        s.open(0);
        for (int i = 0; i < 3; i++) {
            s.write(lines(i * 10L, 10, "2026-03-01T08:0" + i + ":00Z"));
            s.flush(true);
        }
        assertThat(s.compactNow()).as("the third flush (20..29) is not acted on yet").isEqualTo(1);
        s.write(lines(30, 10, "2026-03-01T08:30:00Z"));
        assertThat(s.flush(true)).isEqualTo(40);
        assertThat(s.compactNow()).isEqualTo(1); // 0..19 and 20..29 merged; 30..39 renamed, not yet committed
        assertThat(live("app")).extracting(k -> k.substring(k.lastIndexOf('/') + 1)).containsExactly(
                "p0-00000000000000000000-00000000000000000029.parquet", "p0-00000000000000000030-00000000000000000039.parquet");
        // kill -9 before the engine committed 40: it restarts at 30 and redelivers 30..39.
        s.close();
        ArchiveSink again = sink("app");
        again.open(30);
        again.write(lines(30, 10, "2026-03-01T08:30:00Z"));
        assertThat(again.flush(true)).isEqualTo(40);
        assertThat(sql("SELECT count(*), count(DISTINCT message) FROM " + scan("app"))).containsExactly(List.of(40L, 40L));
    }

    @Test
    void strayAndTemporaryFilesAreNeverMatchedByTheLaneGlob() throws Exception {
        ArchiveSink s = sink("app");
        s.open(0);
        s.write(lines(0, 2, "2026-03-01T08:00:00Z"));
        s.flush(true);
        Path hour = dir.resolve("lane=app/date=2026-03-01/hour=08");
        Files.writeString(hour.resolve(".00000000000000000002-00000000000000000003.parquet.tmp"), "garbage");
        Files.createDirectories(dir.resolve(".staging/app"));
        Files.writeString(dir.resolve(".staging/app/123.ndjson"), "{not json");
        assertThat(sql("SELECT count(*) FROM " + scan("app"))).containsExactly(List.of(2L));
        assertThat(sql("SELECT count(*) FROM read_parquet('" + dir + "/lane=*/date=*/hour=*/*.parquet')"))
                .containsExactly(List.of(2L));
    }

    @Test
    void badLaneNamesAreRefused() {
        assertThatThrownBy(() -> sink("../x")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lane");
    }
}
