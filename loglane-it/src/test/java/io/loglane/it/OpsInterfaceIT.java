package io.loglane.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.loglane.bench.faults.ChildNode;
import io.loglane.bench.faults.AckingForwardClient;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ops interface of a running node as a scraper and producers see it: {@code GET /metrics}
 * exposes the ledger per input, lane and reason, the stream size, delivery lag and retries and
 * archive flushes, with values that follow ingest; Forward chunk ids and HTTP idempotency keys
 * share each lane's dedup window without ever colliding.
 *
 * <p>The archive flushes only on request ({@code flush_age: 1h}), so delivery lag is exactly what
 * was acknowledged until {@code POST /api/v1/flush}; the error lane's rate limit and the trace
 * lane's small buffer make a rejection and a drop happen on demand.
 */
class OpsInterfaceIT {
    private static final String OVERLAY = """
            archive:
              flush_age: 1h
            stream:
              memory_lane_size: 4KiB
            lanes:
              error:
                rate: {events_per_second: 1, burst: 1}
            """;

    @TempDir
    static Path dir;
    private static ChildNode node;

    @BeforeAll
    static void startNode() throws Exception {
        node = Nodes.startWithOverlay(dir, OVERLAY);
    }

    @AfterAll
    static void stopNode() throws Exception {
        Nodes.stop(node);
    }

    private static String scrape() throws Exception {
        HttpResponse<String> r = node.get("/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    private static double value(String exposition, String name, String... labels) {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            m.put(labels[i], labels[i + 1]);
        }
        return PrometheusText.sum(exposition, name, m);
    }

    private static String ndjson(String client, int from, int n, int padding) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < from + n; i++) {
            sb.append("{\"message\":\"").append(client).append(" event ").append(i).append(' ').append("p".repeat(padding))
                    .append("\",\"seq\":").append(i).append(",\"client\":\"").append(client).append("\"}\n");
        }
        return sb.toString();
    }

    @Test
    void metricsExposeTheOpsInterfaceAndFollowIngest() throws Exception {
        String before = scrape();
        for (String name : List.of("loglane_stream_size_bytes", "loglane_delivery_lag_events", "loglane_delivery_retries_total",
                "loglane_archive_flushes_total", "loglane_events_received_total", "loglane_bytes_received_total")) {
            assertThat(PrometheusText.hasSample(before, name)).as(name + " is exposed from the start").isTrue();
        }

        // Accepted: HTTP and Forward into the activity lane.
        String body = ndjson("metrics-http", 0, 5, 0);
        assertThat(node.post("/api/v1/ingest/ops.activity", body, Map.of()).statusCode()).isEqualTo(202);
        AckingForwardClient forward = new AckingForwardClient("metrics-fwd", "ops.activity", 10);
        forward.session(node.forwardPort, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200), true);
        long forwardEvents = forward.ackedEvents();
        assertThat(forwardEvents).isPositive();

        // Rejected with a reason: by the HTTP input (malformed body) and by the router (rate limit).
        String malformed = "{\"message\": oops}\n";
        assertThat(node.post("/api/v1/ingest/ops.activity", malformed, Map.of()).statusCode()).isEqualTo(400);
        // A full bucket lets one request of any size through (into debt); the next one is over the limit.
        assertThat(node.post("/api/v1/ingest/ops.error", ndjson("metrics-rate", 0, 5, 0), Map.of()).statusCode()).isEqualTo(202);
        assertThat(node.post("/api/v1/ingest/ops.error", ndjson("metrics-rate", 5, 5, 0), Map.of()).statusCode()).isEqualTo(429);

        // Dropped: the trace lane's 4 KiB buffer overflows.
        for (int i = 0; i < 4; i++) {
            assertThat(node.post("/api/v1/ingest/ops.trace", ndjson("metrics-drop", i * 2, 2, 900), Map.of()).statusCode()).isEqualTo(202);
        }

        String after = scrape();
        assertThat(value(after, "loglane_events_received_total", "input", "http")
                - value(before, "loglane_events_received_total", "input", "http")).isEqualTo(5 + 10 + 8);
        assertThat(value(after, "loglane_bytes_received_total", "input", "http")
                - value(before, "loglane_bytes_received_total", "input", "http")).isGreaterThanOrEqualTo(body.length() + malformed.length());
        assertThat(value(after, "loglane_events_received_total", "input", "forward")
                - value(before, "loglane_events_received_total", "input", "forward")).isEqualTo(forwardEvents);
        assertThat(value(after, "loglane_events_accepted_total", "input", "http", "lane", "activity")).isEqualTo(5);
        assertThat(value(after, "loglane_events_accepted_total", "input", "forward", "lane", "activity")).isEqualTo(forwardEvents);
        assertThat(value(after, "loglane_bytes_accepted_total", "input", "http", "lane", "activity")).isPositive();
        assertThat(value(after, "loglane_bytes_accepted_total", "input", "forward", "lane", "activity")).isPositive();
        assertThat(value(after, "loglane_events_rejected_total", "input", "http", "lane", "error", "reason", "rate_limited")).isEqualTo(5);
        assertThat(value(after, "loglane_bytes_rejected_total", "input", "http", "lane", "error", "reason", "rate_limited")).isPositive();
        assertThat(value(after, "loglane_bytes_rejected_total", "input", "http", "lane", "none", "reason", "malformed_json"))
                .isEqualTo(malformed.length());
        assertThat(value(after, "loglane_protocol_errors_total", "input", "http", "reason", "malformed_json")).isEqualTo(1);
        double dropped = value(after, "loglane_events_dropped_total", "input", "http", "lane", "trace", "reason", "overflow");
        assertThat(dropped).as("the trace lane dropped its oldest events, counted under their input").isPositive();
        assertThat(value(after, "loglane_bytes_dropped_total", "input", "http", "lane", "trace", "reason", "overflow"))
                .isGreaterThan(dropped * 900);
        assertThat(value(after, "loglane_stream_size_bytes", "lane", "activity"))
                .isGreaterThan(value(before, "loglane_stream_size_bytes", "lane", "activity"));
        assertThat(value(after, "loglane_delivery_lag_events", "lane", "activity", "store", "archive"))
                .as("nothing delivered before the flush").isEqualTo(5 + forwardEvents);
        assertThat(value(after, "loglane_archive_flushes_total", "lane", "activity")).isZero();

        node.flush();
        String flushed = scrape();
        assertThat(value(flushed, "loglane_archive_flushes_total", "lane", "activity")).isEqualTo(1);
        assertThat(value(flushed, "loglane_delivery_lag_events", "lane", "activity", "store", "archive")).isZero();
        assertThat(value(flushed, "loglane_delivery_delivered_events_total", "lane", "activity", "store", "archive"))
                .isEqualTo(5 + forwardEvents);
    }

    @Test
    void forwardChunkIdsAndHttpIdempotencyKeysNeverMakeEachOtherDuplicates() throws Exception {
        long t = System.currentTimeMillis() / 1000;
        try (RawForwardConnection fwd = new RawForwardConnection(node.forwardPort)) {
            // the same text as an HTTP key, and the text an HTTP key of that tag would have become
            for (String chunk : List.of("same-id", "http:dedup.x:other-id")) {
                fwd.send(ForwardFrames.message("dedup.x", t, Map.of("message", "forward " + chunk), Map.of("chunk", chunk)));
                assertThat(fwd.readAck()).isEqualTo(chunk);
            }
        }
        for (String key : List.of("same-id", "other-id")) {
            HttpResponse<String> r = node.post("/api/v1/ingest/dedup.x", "{\"message\":\"http " + key + "\"}\n",
                    Map.of("Idempotency-Key", key));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
            assertThat(ChildNode.JSON.readTree(r.body()).get("duplicates").asInt()).as("HTTP key " + key).isZero();
        }
        // A retry within each namespace still is a duplicate.
        HttpResponse<String> retry = node.post("/api/v1/ingest/dedup.x", "{\"message\":\"http same-id\"}\n",
                Map.of("Idempotency-Key", "same-id"));
        assertThat(ChildNode.JSON.readTree(retry.body()).get("duplicates").asInt()).isEqualTo(1);
        double dedupBefore = value(scrape(), "loglane_events_deduplicated_total", "input", "forward", "lane", "default");
        try (RawForwardConnection fwd = new RawForwardConnection(node.forwardPort)) {
            fwd.send(ForwardFrames.message("dedup.x", t, Map.of("message", "forward same-id"), Map.of("chunk", "same-id")));
            assertThat(fwd.readAck()).isEqualTo("same-id");
        }
        assertThat(value(scrape(), "loglane_events_deduplicated_total", "input", "forward", "lane", "default")).isEqualTo(dedupBefore + 1);

        node.flush();
        JsonNode rows = node.sql("SELECT message FROM \"default\" WHERE tag = 'dedup.x' ORDER BY message").get("rows");
        assertThat(rows).extracting(r -> r.get(0).asText()).containsExactly(
                "forward http:dedup.x:other-id", "forward same-id", "http other-id", "http same-id");
    }
}
