package io.loglane.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.loglane.bench.faults.ChildNode;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;

/**
 * The completeness ledger per source on a running node: two Forward clients (from 127.0.0.1 and
 * 127.0.0.2, different tags) and an HTTP client send accepted, resent, invalid and rate-limited
 * events, one of them into the trace lane's small memory buffer, which drops the oldest (the
 * archive flushes only on request, so nothing was delivered), and one more source overflows
 * {@code server.max_tracked_sources}; then
 * {@code GET /metrics} ({@code loglane_source_*}), {@code GET /api/v1/sources} and
 * {@code ./loglane sources} (a child JVM) must all state exactly what was sent and what became
 * of it, and per input the sources must add up to the input's own counters. Nothing is delivered
 * per source until a flush commits the archive; then each source's delivered count is what it had
 * accepted, except on the memory lane: there it lies between accepted less dropped and accepted,
 * because the lane counts as dropped every evicted event no consumer had <em>committed</em>, also
 * those the archive had already read (and delivers at the flush); how many depends on timing.
 */
class SourceLedgerIT {
    private static final String OVERLAY = """
            server:
              max_tracked_sources: 3
            stream:
              memory_lane_size: 4KiB
            archive:
              flush_age: 1h
            lanes:
              error:
                rate: {events_per_second: 1, burst: 3}
                to: [archive]
              trace:
                to: [archive] # one store: "delivered" is then the archive's (the CLI shows the least over the stores)
            """;
    private static final long NOW = System.currentTimeMillis() / 1000;

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

    /** A PackedForward chunk of {@code good} events, preceded by {@code invalid} entries whose time is a string. */
    private static byte[] chunk(String tag, String id, int good, int invalid) throws IOException {
        return chunk(tag, id, good, invalid, 0);
    }

    /** As {@link #chunk(String, String, int, int)}, each message padded by {@code padding} bytes. */
    private static byte[] chunk(String tag, String id, int good, int invalid, int padding) throws IOException {
        MessageBufferPacker entries = MessagePack.newDefaultBufferPacker();
        for (int i = 0; i < invalid; i++) {
            entries.packArrayHeader(2).packString("noon");
            ForwardFrames.map(entries, Map.of("log", "bad " + i));
        }
        for (int i = 0; i < good; i++) {
            ForwardFrames.entry(entries, NOW, i, Map.of("log", tag + " " + id + " event " + i + " " + "p".repeat(padding)));
        }
        return ForwardFrames.packedForward(tag, entries.toByteArray(), false, Map.of("chunk", id));
    }

    private static void sendAcked(RawForwardConnection c, byte[] frame, String id) throws IOException {
        c.send(frame);
        assertThat(c.readAck()).isEqualTo(id);
    }

    private static HttpResponse<String> http(String tag, int events) throws Exception {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < events; i++) {
            body.append("{\"message\":\"").append(tag).append(" event ").append(i).append("\"}\n");
        }
        return node.post("/api/v1/ingest/" + tag, body.toString(), Map.of());
    }

    /** What each source must show: received, accepted, deduplicated, rejected by reason, dropped (overflow). */
    private record Expected(String input, String peer, String tag, long received, long accepted, long deduplicated,
                            Map<String, Long> rejected, long dropped) {}

    @Test
    void metricsTheApiAndTheSourcesCommandAgreeWithWhatEachSourceSent() throws Exception {
        try (RawForwardConnection alpha = new RawForwardConnection(node.forwardPort)) {
            sendAcked(alpha, chunk("alpha.audit", "a1", 10, 0), "a1");
            sendAcked(alpha, chunk("alpha.audit", "a2", 10, 0), "a2");
            sendAcked(alpha, chunk("alpha.audit", "a1", 10, 0), "a1"); // a resent chunk: stored once
            sendAcked(alpha, chunk("alpha.audit", "a3", 1, 2), "a3"); // two entries refused as invalid
        }
        try (RawForwardConnection beta = new RawForwardConnection(node.forwardPort, "127.0.0.2")) {
            for (int i = 1; i <= 4; i++) {
                sendAcked(beta, chunk("beta.trace", "b" + i, 7, 0, 200), "b" + i); // ~1.6 KB each into a 4 KiB memory lane
            }
        }
        assertThat(http("gamma.error", 3).statusCode()).isEqualTo(202);
        assertThat(http("gamma.error", 5).statusCode()).as("5 events over a burst of 3").isEqualTo(429);
        try (RawForwardConnection beta = new RawForwardConnection(node.forwardPort, "127.0.0.2")) {
            sendAcked(beta, chunk("delta.x", "d1", 5, 0), "d1"); // a fourth source: over the cap of three
        }

        String metrics = node.get("/metrics").body();
        long traceDropped = (long) PrometheusText.sum(metrics, "loglane_events_dropped_total",
                Map.of("input", "forward", "lane", "trace", "reason", "overflow"));
        assertThat(traceDropped).as("the trace lane dropped its oldest events").isPositive();
        List<Expected> expected = List.of(
                new Expected("forward", "127.0.0.1", "alpha.audit", 33, 21, 10, Map.of("invalid", 2L), 0),
                new Expected("forward", "127.0.0.2", "beta.trace", 28, 28, 0, Map.of(), traceDropped),
                new Expected("forward", "other", "other", 5, 5, 0, Map.of(), 0),
                new Expected("http", "127.0.0.1", "gamma.error", 8, 3, 0, Map.of("rate_limited", 5L), 0));

        for (Expected e : expected) {
            Map<String, String> labels = Map.of("input", e.input(), "peer", e.peer(), "tag", e.tag());
            assertThat(PrometheusText.sum(metrics, "loglane_source_events_received_total", labels)).as(e + " received").isEqualTo(e.received());
            assertThat(PrometheusText.sum(metrics, "loglane_source_events_accepted_total", labels)).as(e + " accepted").isEqualTo(e.accepted());
            assertThat(PrometheusText.sum(metrics, "loglane_source_events_deduplicated_total", labels)).as(e + " dedup")
                    .isEqualTo(e.deduplicated());
            assertThat(PrometheusText.sum(metrics, "loglane_source_events_rejected_total", labels)).as(e + " rejected")
                    .isEqualTo(e.rejected().values().stream().mapToLong(Long::longValue).sum());
            for (Map.Entry<String, Long> r : e.rejected().entrySet()) {
                Map<String, String> withReason = new HashMap<>(labels);
                withReason.put("reason", r.getKey());
                assertThat(PrometheusText.sum(metrics, "loglane_source_events_rejected_total", withReason)).as(e + " " + r.getKey())
                        .isEqualTo(r.getValue().doubleValue());
            }
            assertThat(PrometheusText.sum(metrics, "loglane_source_events_dropped_total", labels)).as(e + " dropped").isEqualTo(e.dropped());
            assertThat(PrometheusText.sum(metrics, "loglane_source_last_seen_seconds", labels)).as(e + " last seen")
                    .isBetween((double) NOW - 5, (double) NOW + 300);
        }
        assertThat(PrometheusText.sum(metrics, "loglane_source_events_received_total", Map.of("peer", "127.0.0.2", "tag", "delta.x")))
                .as("no series of its own beyond the cap").isZero();
        assertThat(PrometheusText.sum(metrics, "loglane_sources_tracked", Map.of())).isEqualTo(3);
        for (String input : List.of("forward", "http")) {
            assertThat(PrometheusText.sum(metrics, "loglane_source_events_accepted_total", Map.of("input", input)))
                    .as("the sources of " + input + " add up to its accepted events")
                    .isEqualTo(PrometheusText.sum(metrics, "loglane_events_accepted_total", Map.of("input", input)));
        }
        assertThat(PrometheusText.sum(metrics, "loglane_source_events_received_total", Map.of("input", "forward")))
                .as("Forward counts received per frame, as its per-input counter does")
                .isEqualTo(PrometheusText.sum(metrics, "loglane_events_received_total", Map.of("input", "forward")));
        assertThat(PrometheusText.sum(metrics, "loglane_source_events_delivered_total", Map.of()))
                .as("nothing is committed before the archive flushes").isZero();

        node.flush(); // the archive commits every lane: each source's events are delivered
        metrics = node.get("/metrics").body();
        Map<Expected, Long> delivered = new HashMap<>();
        for (Expected e : expected) {
            long d = (long) PrometheusText.sum(metrics, "loglane_source_events_delivered_total",
                    Map.of("input", e.input(), "peer", e.peer(), "tag", e.tag(), "store", "archive"));
            assertThat(d).as(e + " delivered").isBetween(e.accepted() - e.dropped(), e.accepted());
            if (e.dropped() == 0) {
                assertThat(d).as(e + " delivered").isEqualTo(e.accepted());
            }
            delivered.put(e, d);
        }

        JsonNode api = ChildNode.JSON.readTree(node.get("/api/v1/sources").body());
        Map<String, JsonNode> byKey = new LinkedHashMap<>();
        for (JsonNode s : api.get("sources")) {
            byKey.put(s.get("input").asText() + " " + s.get("peer").asText() + " " + s.get("tag").asText(), s);
        }
        assertThat(byKey.keySet()).containsExactly("forward 127.0.0.1 alpha.audit", "forward 127.0.0.2 beta.trace", "forward other other",
                "http 127.0.0.1 gamma.error");

        ChildNode.CliRun cli = ChildNode.run(dir, Duration.ofSeconds(60), "sources", "--server", "http://127.0.0.1:" + node.httpPort);
        assertThat(cli.exitCode()).as(cli.err()).isZero();
        List<String> lines = cli.out().lines().toList();
        for (int i = 0; i < expected.size(); i++) {
            Expected e = expected.get(i);
            JsonNode s = byKey.get(e.input() + " " + e.peer() + " " + e.tag());
            long rejected = e.rejected().values().stream().mapToLong(Long::longValue).sum();
            assertThat(List.of(s.get("received").asLong(), s.get("accepted").asLong(), s.get("deduplicated").asLong(), s.get("pending").asLong()))
                    .as("api " + e).containsExactly(e.received(), e.accepted(), e.deduplicated(), 0L);
            e.rejected().forEach((reason, n) -> assertThat(s.get("rejected").get(reason).asLong()).as("api " + e + " " + reason).isEqualTo(n));
            assertThat(s.get("dropped").path("overflow").asLong()).as("api " + e + " dropped").isEqualTo(e.dropped());
            assertThat(s.get("delivered").get("archive").asLong()).as("api " + e + " delivered").isEqualTo(delivered.get(e));
            String[] cols = lines.get(1 + i).trim().split("\\s+");
            assertThat(List.of(cols).subList(0, 9)).as("cli " + e).containsExactly(e.input(), e.peer(), e.tag(), String.valueOf(e.received()),
                    String.valueOf(e.accepted()), String.valueOf(e.deduplicated()), String.valueOf(rejected), String.valueOf(e.dropped()), "0");
            assertThat(cols[9]).as("cli delivered").isEqualTo(String.valueOf(delivered.get(e)));
            assertThat(cols[10]).as("cli last seen").isEqualTo(s.get("lastSeen").asText());
        }
        assertThat(lines).contains("forward 127.0.0.1 alpha.audit: rejected invalid 2", "http 127.0.0.1 gamma.error: rejected rate_limited 5",
                "forward 127.0.0.2 beta.trace: dropped overflow " + traceDropped);
    }
}
