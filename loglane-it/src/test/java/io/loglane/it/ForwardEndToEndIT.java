package io.loglane.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.loglane.bench.faults.ChildNode;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.komamitsu.fluency.EventTime;
import org.komamitsu.fluency.Fluency;
import org.komamitsu.fluency.fluentd.FluencyBuilderForFluentd;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;

/**
 * Forward → lane → stream → archive → SQL through a real node: Fluency (a third-party Forward client
 * from Maven Central, with ack responses) and hand-built CompressedPackedForward frames whose
 * entries carry metadata. After {@code POST /api/v1/flush}, SQL must return every event with its
 * event time (to the microsecond), tag, container fields, message and remaining fields in
 * {@code attrs}; nginx lines routed to the access lane must come back with typed columns.
 */
class ForwardEndToEndIT {
    /** 2026-11-25T06:00:00Z: a fixed past hour, so every event lands in one closed partition. */
    private static final long T = 1_795_500_000L;

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

    private static Fluency fluency() {
        FluencyBuilderForFluentd b = new FluencyBuilderForFluentd();
        b.setAckResponseMode(true);
        b.setReadTimeoutMilli(20_000);
        b.setFlushAttemptIntervalMillis(50);
        b.setSenderMaxRetryCount(5);
        return b.build("127.0.0.1", node.forwardPort);
    }

    @Test
    void everyFluencyEventIsQueryableWithItsTimeTagContainerFieldsMessageAndAttrs() throws Exception {
        int n = 400;
        try (Fluency fluency = fluency()) {
            for (int i = 0; i < n; i++) {
                Map<String, Object> rec = new LinkedHashMap<>();
                rec.put("log", "user signed in, request " + i);
                rec.put("container_id", "c0ffee" + (i % 3));
                rec.put("container_name", "/shop-" + (i % 3));
                rec.put("source", i % 2 == 0 ? "stdout" : "stderr");
                rec.put("i", i);
                rec.put("nested", Map.of("k", List.of(i, "two")));
                fluency.emit("e2e.fluency", EventTime.fromEpoch(T + i, i * 1000 + 17_000), rec);
            }
            fluency.flush();
            assertThat(fluency.waitUntilAllBufferFlushed(30)).as("Fluency got an ack for every chunk").isTrue();
        }
        node.flush();

        JsonNode r = node.sql("SELECT epoch_us(ts), tag, container_id, container_name, source, message, "
                + "CAST(attrs->>'i' AS INTEGER), attrs->'nested'->'k'->>1, json_exists(attrs, '$.log') "
                + "FROM \"default\" WHERE tag = 'e2e.fluency' ORDER BY 7");
        JsonNode rows = r.get("rows");
        assertThat(rows).as("every event exactly once").hasSize(n);
        for (int i = 0; i < n; i++) {
            JsonNode row = rows.get(i);
            assertThat(row.get(6).asInt()).isEqualTo(i);
            assertThat(row.get(0).asLong()).as("event time to the microsecond").isEqualTo((T + i) * 1_000_000L + i + 17);
            assertThat(row.get(1).asText()).isEqualTo("e2e.fluency");
            assertThat(row.get(2).asText()).isEqualTo("c0ffee" + (i % 3));
            assertThat(row.get(3).asText()).isEqualTo("/shop-" + (i % 3));
            assertThat(row.get(4).asText()).isEqualTo(i % 2 == 0 ? "stdout" : "stderr");
            assertThat(row.get(5).asText()).isEqualTo("user signed in, request " + i);
            assertThat(row.get(7).asText()).as("nested values keep their shape in attrs").isEqualTo("two");
            assertThat(row.get(8).asBoolean()).as("the message is a column, not repeated in attrs").isFalse();
        }
    }

    @Test
    void nginxLinesSentByFluencyLandInTheAccessLaneWithTypedStatusMethodAndPath() throws Exception {
        String[] methods = {"GET", "POST", "DELETE"};
        int[] statuses = {200, 404, 503};
        int n = 90;
        try (Fluency fluency = fluency()) {
            for (int i = 0; i < n; i++) {
                String line = "203.0.113." + (i % 250) + " - - [25/Nov/2026:06:00:00 +0000] \"" + methods[i % 3] + " /api/items/" + i
                        + " HTTP/1.1\" " + statuses[i % 3] + " " + (100 + i) + " \"-\" \"curl/8.5.0\"";
                fluency.emit("e2e.nginx", EventTime.fromEpoch(T + i, 0), Map.of("log", line, "container_name", "/nginx"));
            }
            fluency.flush();
            assertThat(fluency.waitUntilAllBufferFlushed(30)).isTrue();
        }
        node.flush();

        JsonNode r = node.sql("SELECT status, method, path, bytes, typeof(status), message "
                + "FROM access WHERE tag = 'e2e.nginx' ORDER BY bytes");
        JsonNode rows = r.get("rows");
        assertThat(rows).hasSize(n);
        for (int i = 0; i < n; i++) {
            JsonNode row = rows.get(i);
            assertThat(row.get(0).asInt()).isEqualTo(statuses[i % 3]);
            assertThat(row.get(1).asText()).isEqualTo(methods[i % 3]);
            assertThat(row.get(2).asText()).isEqualTo("/api/items/" + i);
            assertThat(row.get(3).asLong()).isEqualTo(100 + i);
            assertThat(row.get(4).asText()).isEqualTo("BIGINT");
            assertThat(row.get(5).asText()).startsWith("203.0.113.");
        }
        JsonNode counts = node.sql("SELECT status, count(*) FROM access WHERE tag = 'e2e.nginx' GROUP BY 1 ORDER BY 1").get("rows");
        assertThat(counts.toString()).isEqualTo("[[200,30],[404,30],[503,30]]");
    }

    @Test
    void handBuiltCompressedPackedForwardWithMetadataEntriesIsAckedAndQueryable() throws Exception {
        int n = 50;
        MessageBufferPacker entries = MessagePack.newDefaultBufferPacker();
        for (int i = 0; i < n; i++) {
            ForwardFrames.entryWithMetadata(entries, T + 3600 + i, 123_456_000 + i * 1000,
                    Map.of("otlp_trace", "t" + i), Map.of("log", "metadata entry " + i, "seq", (long) i));
        }
        byte[] frame = ForwardFrames.packedForward("e2e.compressed", entries.toByteArray(), true,
                Map.of("size", n, "chunk", "e2e-compressed-chunk-1", "compressed", "gzip"));
        try (RawForwardConnection c = new RawForwardConnection(node.forwardPort)) {
            c.send(frame);
            assertThat(c.readAck()).isEqualTo("e2e-compressed-chunk-1");
        }
        node.flush();

        JsonNode rows = node.sql("SELECT epoch_us(ts), message, CAST(attrs->>'seq' AS INTEGER), attrs->'_meta'->>'otlp_trace' "
                + "FROM \"default\" WHERE tag = 'e2e.compressed' ORDER BY 3").get("rows");
        assertThat(rows).hasSize(n);
        for (int i = 0; i < n; i++) {
            JsonNode row = rows.get(i);
            assertThat(row.get(0).asLong()).isEqualTo((T + 3600 + i) * 1_000_000L + 123_456 + i);
            assertThat(row.get(1).asText()).isEqualTo("metadata entry " + i);
            assertThat(row.get(2).asInt()).isEqualTo(i);
            assertThat(row.get(3).asText()).as("entry metadata is kept under attrs._meta").isEqualTo("t" + i);
        }
    }
}
