package io.loglane.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.loglane.bench.faults.ChildNode;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;

/**
 * What the archive holds for each shape of record a new user sends first, through a real node with
 * the bundled lanes: an access line is timed by its own {@code [time_local]} and partitioned by it;
 * a JSON application log inside Docker's {@code log} field is routed, timed and queried by its
 * own fields; a structured record without a line keeps its fields once, in {@code attrs}.
 */
class EventShapesIT {
    @TempDir
    static Path dir;
    private static ChildNode node;

    @BeforeAll
    static void startNode() throws Exception {
        node = Nodes.startWithOverlay(dir, "archive:\n  flush_age: 500ms\n");
    }

    @AfterAll
    static void stopNode() throws Exception {
        Nodes.stop(node);
    }

    @Test
    void theReadmesAccessLinesAreTimedAndPartitionedByTheirOwnDate() throws Exception {
        String body = """
                {"log": "10.0.0.1 - - [25/Nov/2026:06:00:00 +0000] \\"GET / HTTP/1.1\\" 200 512 \\"-\\" \\"curl/8\\""}
                {"log": "10.0.0.2 - - [25/Nov/2026:06:00:01 +0000] \\"GET /x HTTP/1.1\\" 404 0 \\"-\\" \\"curl/8\\""}
                """;
        HttpResponse<String> r = node.post("/api/v1/ingest/web.access", body, Map.of());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        node.flush();

        JsonNode rows = node.sql("SELECT strftime(ts, '%Y-%m-%dT%H:%M:%S'), status FROM access WHERE tag = 'web.access' ORDER BY ts")
                .get("rows");
        assertThat(rows.toString()).isEqualTo("[[\"2026-11-25T06:00:00\",200],[\"2026-11-25T06:00:01\",404]]");
        Path partition = dir.resolve("data").resolve("archive").resolve("lane=access").resolve("date=2026-11-25").resolve("hour=06");
        try (Stream<Path> files = Files.list(partition)) {
            assertThat(files.filter(p -> p.toString().endsWith(".parquet"))).as("the line's own date decides the partition").isNotEmpty();
        }
    }

    @Test
    void aJsonAppLogFromDockersFluentdDriverIsRoutedTimedAndQueryableByItsOwnFields() throws Exception {
        String line = "{\"level\":\"error\",\"log_type\":\"audit\",\"time\":\"2026-11-25T07:30:00.250Z\","
                + "\"user\":\"u-17\",\"amount\":12.5,\"msg\":\"transfer refused\"}\n";
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("container_id", "4f7c2a9e1b3d");
        record.put("container_name", "/payments");
        record.put("source", "stdout");
        record.put("log", line);
        MessageBufferPacker entries = MessagePack.newDefaultBufferPacker();
        // the Forward entry time is Docker's collection time, minutes after the event
        ForwardFrames.entry(entries, 1_795_591_000L, 0, record);
        byte[] frame = ForwardFrames.packedForward("docker.4f7c2a9e1b3d", entries.toByteArray(), false,
                Map.of("size", 1, "chunk", "docker-json-1"));
        try (RawForwardConnection c = new RawForwardConnection(node.forwardPort)) {
            c.send(frame);
            assertThat(c.readAck()).isEqualTo("docker-json-1");
        }
        node.flush();

        JsonNode rows = node.sql("SELECT lane, strftime(ts, '%Y-%m-%dT%H:%M:%S.%g'), attrs->>'level', attrs->>'user', "
                + "CAST(attrs->>'amount' AS DOUBLE), message, container_name, source FROM logs WHERE tag = 'docker.4f7c2a9e1b3d'").get("rows");
        assertThat(rows).hasSize(1);
        JsonNode row = rows.get(0);
        assertThat(row.get(0).asText()).as("lane from the log_type inside the line").isEqualTo("audit");
        assertThat(row.get(1).asText()).as("time from the line's own time field").isEqualTo("2026-11-25T07:30:00.250");
        assertThat(row.get(2).asText()).isEqualTo("error");
        assertThat(row.get(3).asText()).isEqualTo("u-17");
        assertThat(row.get(4).asDouble()).isEqualTo(12.5);
        assertThat(row.get(5).asText()).as("the original line stays the message").isEqualTo(line);
        assertThat(row.get(6).asText()).isEqualTo("/payments");
        assertThat(row.get(7).asText()).isEqualTo("stdout");
    }

    @Test
    void aStructuredRecordWithoutALineHasNoMessageAndItsFieldsOnceInAttrs() throws Exception {
        HttpResponse<String> r = node.post("/api/v1/ingest/shop.activity",
                "{\"user\":\"u-17\",\"action\":\"like\",\"post\":9,\"time\":\"2026-11-25T08:00:00Z\"}\n", Map.of());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        node.flush();
        JsonNode rows = node.sql("SELECT message IS NULL, array_to_string(json_keys(attrs), ','), attrs->>'user' "
                + "FROM activity WHERE tag = 'shop.activity'").get("rows");
        assertThat(rows.toString()).isEqualTo("[[true,\"user,action,post,time\",\"u-17\"]]");
    }
}
