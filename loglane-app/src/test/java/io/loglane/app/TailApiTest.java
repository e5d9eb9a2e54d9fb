package io.loglane.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.loglane.app.tail.TailPositions;
import io.loglane.app.tail.TailSettings;
import io.loglane.core.telemetry.MetricNames;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /api/v1/tail} against a node in this JVM, read by a real HTTP client as
 * Server-Sent Events: lines sent after the tail opened arrive, the filter runs on the server, a
 * reconnect with {@code Last-Event-ID} continues exactly, and a client that does not read is told
 * exactly what it missed while the server holds only a bounded buffer for it.
 */
class TailApiTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    /** Small enough that a client that stops reading overflows it with a few megabytes. */
    private static final TailSettings LIMITS = new TailSettings(16, 256 * 1024, Duration.ofMillis(500));

    @TempDir
    static Path dir;
    private static TestNode t;

    @BeforeAll
    static void start() throws Exception {
        t = TestNode.start(dir, "server:\n  http_max_body: 16MiB\n", LIMITS);
    }

    @AfterAll
    static void stop() {
        if (t != null) {
            t.close();
        }
    }

    private static void send(String tag, String... messages) throws Exception {
        StringBuilder body = new StringBuilder();
        for (String m : messages) {
            body.append(TestNode.JSON.writeValueAsString(Map.of("message", m))).append('\n');
        }
        HttpResponse<String> r = t.post("/api/v1/ingest/" + tag, body.toString(), Map.of());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    }

    private static SseStream tail(String query, Map<String, String> headers, boolean read) throws Exception {
        return SseStream.open(t.url() + "/api/v1/tail" + query, headers, read);
    }

    private static String q(String pattern) {
        return URLEncoder.encode(pattern, StandardCharsets.UTF_8);
    }

    /** Opens a tail and waits for its {@code open} event, after which its start position is fixed. */
    private static SseStream opened(String query, Map<String, String> headers) throws Exception {
        SseStream s = tail(query, headers, true);
        assertThat(s.status).isEqualTo(200);
        assertThat(s.contentType).startsWith("text/event-stream");
        SseStream.Event open = s.nextEvent(WAIT);
        assertThat(open).isNotNull();
        assertThat(open.event()).isEqualTo("open");
        return s;
    }

    private static List<JsonNode> messages(SseStream s, int n) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        while (out.size() < n) {
            SseStream.Event e = s.nextEvent(WAIT);
            assertThat(e).as("event %d of %d", out.size() + 1, n).isNotNull();
            assertThat(e.event()).isEqualTo("message");
            JsonNode data = TestNode.JSON.readTree(e.data());
            // the id holds every tailed lane's position; the event's own lane is at the event
            assertThat(TailPositions.parse(e.id())).containsEntry(data.get("lane").asText(), data.get("offset").asLong());
            out.add(data);
        }
        return out;
    }

    @Test
    void a_line_sent_after_the_tail_opened_arrives_with_its_fields() throws Exception {
        try (SseStream s = opened("?lane=default", Map.of())) {
            send("app", "hello tail");
            JsonNode m = messages(s, 1).getFirst();
            assertThat(m.get("message").asText()).isEqualTo("hello tail");
            assertThat(m.get("lane").asText()).isEqualTo("default");
            assertThat(m.get("tag").asText()).isEqualTo("app");
            assertThat(m.get("ts").asText()).endsWith("Z");
        }
        try (SseStream s = opened("?lane=access", Map.of())) {
            HttpResponse<String> r = t.post("/api/v1/ingest/web.access", TestNode.JSON.writeValueAsString(Map.of("log",
                    "10.0.0.1 - - [05/Dec/2026:01:02:03 +0000] \"GET /api/x HTTP/1.1\" 404 12 \"-\" \"curl\"", "pod", "p-1")), Map.of());
            assertThat(r.statusCode()).isEqualTo(202);
            JsonNode m = messages(s, 1).getFirst();
            assertThat(m.get("fields").get("status").asLong()).isEqualTo(404);
            assertThat(m.get("fields").get("path").asText()).isEqualTo("/api/x");
            assertThat(m.get("fields").get("pod").asText()).isEqualTo("p-1");
        }
    }

    @Test
    void the_filter_runs_on_the_server_and_excludes() throws Exception {
        // every lane: the ERROR lines are routed to the error lane, the others to default
        try (SseStream s = opened("?q=" + q("ERROR -timeout"), Map.of())) {
            send("app", "ERROR disk full", "ERROR timeout talking to db", "INFO all good", "xERRORCODE=7", "ERROR last");
            assertThat(messages(s, 3)).extracting(m -> m.get("message").asText())
                    .containsExactlyInAnyOrder("ERROR disk full", "xERRORCODE=7", "ERROR last");
            assertThat(s.nextEvent(Duration.ofMillis(700))).isNull();
        }
    }

    @Test
    void a_reconnect_with_last_event_id_continues_with_no_gap_and_no_duplicate() throws Exception {
        String resumeAt;
        try (SseStream s = opened("?lane=default&q=" + q("resume"), Map.of())) {
            send("app", "resume a1", "resume a2", "resume a3");
            // with one lane the id is lane:offset of the event, as an EventSource remembers it
            resumeAt = "default:" + messages(s, 2).get(1).get("offset").asLong();
        }
        send("app", "resume b1");
        try (SseStream s = opened("?lane=default&q=" + q("resume"), Map.of())) {
            send("app", "resume marker");
            // without Last-Event-ID a tail starts at the head: none of the earlier lines
            assertThat(messages(s, 1).getFirst().get("message").asText()).isEqualTo("resume marker");
        }
        try (SseStream s = opened("?lane=default&q=" + q("resume"), Map.of("Last-Event-ID", resumeAt))) {
            assertThat(messages(s, 3)).extracting(m -> m.get("message").asText())
                    .containsExactly("resume a3", "resume b1", "resume marker");
            assertThat(s.nextEvent(Duration.ofMillis(700))).isNull();
        }
    }

    @Test
    void several_lanes_share_one_stream_whose_ids_resume_every_lane() throws Exception {
        String id;
        try (SseStream s = opened("?lane=default,error&q=" + q("multi"), Map.of())) {
            send("app", "multi d1");
            SseStream.Event e = s.nextEvent(WAIT);
            assertThat(e.event()).isEqualTo("message");
            assertThat(e.id()).startsWith("default:").contains(",error:");
            id = e.id();
        }
        send("app.error", "multi e1");
        send("app", "multi d2");
        try (SseStream s = opened("?lane=default,error&q=" + q("multi"), Map.of("Last-Event-ID", id))) {
            assertThat(messages(s, 2)).extracting(m -> m.get("message").asText()).containsExactlyInAnyOrder("multi e1", "multi d2");
        }
    }

    @Test
    void from_offset_starts_at_that_offset() throws Exception {
        long offset;
        try (SseStream s = opened("?lane=default&q=" + q("fromoff"), Map.of())) {
            send("app", "fromoff 1", "fromoff 2");
            offset = messages(s, 2).getFirst().get("offset").asLong();
        }
        try (SseStream s = opened("?lane=default&q=" + q("fromoff") + "&from_offset=" + offset, Map.of())) {
            assertThat(messages(s, 2)).extracting(m -> m.get("message").asText()).containsExactly("fromoff 1", "fromoff 2");
        }
    }

    @Test
    void bad_requests_are_refused_before_the_stream_starts() throws Exception {
        try (SseStream s = tail("?lane=nope", Map.of(), false)) {
            assertThat(s.status).isEqualTo(404);
            assertThat(s.errorBody()).contains("no such lane: nope");
        }
        try (SseStream s = tail("?lane=default&q=" + q("{ $.a = "), Map.of(), false)) {
            assertThat(s.status).isEqualTo(400);
            JsonNode body = TestNode.JSON.readTree(s.errorBody());
            assertThat(body.get("error").asText()).startsWith("invalid filter pattern");
            assertThat(body.has("position")).isTrue();
        }
        try (SseStream s = tail("?lane=default", Map.of("Last-Event-ID", "default:x"), false)) {
            assertThat(s.status).isEqualTo(400);
        }
        try (SseStream s = tail("?from_offset=3", Map.of(), false)) {
            assertThat(s.status).isEqualTo(400);
            assertThat(s.errorBody()).contains("needs exactly one lane");
        }
    }

    @Test
    void an_idle_tail_gets_heartbeat_comments() throws Exception {
        try (SseStream s = opened("?lane=audit", Map.of())) {
            SseStream.Event e = s.next(WAIT);
            assertThat(e).isNotNull();
            assertThat(e.event()).isNull();
            assertThat(e.data()).isEqualTo("heartbeat");
        }
    }

    @Test
    void a_client_that_does_not_keep_up_is_told_exactly_what_it_missed() throws Exception {
        int n = 2_000;
        String big = "x".repeat(8 * 1024);
        try (SseStream s = tail("?lane=default&q=" + q("slowclient"), Map.of(), false)) {
            assertThat(s.status).isEqualTo(200);
            Thread.sleep(300); // the tail takes its start position when the request arrives
            // 16 MiB of matches: more than the socket buffers and the server's per-client buffer hold
            for (int batch = 0; batch < n / 100; batch++) {
                String[] lines = new String[100];
                for (int i = 0; i < 100; i++) {
                    lines[i] = "slowclient " + (batch * 100 + i) + " " + big;
                }
                send("app", lines);
            }
            s.startReading();
            long delivered = 0;
            long missed = 0;
            long missedEvents = 0;
            long expectNext = -1;
            while (delivered + missed < n) {
                SseStream.Event e = s.nextEvent(WAIT);
                assertThat(e).as("after %d delivered and %d missed", delivered, missed).isNotNull();
                switch (e.event()) {
                    case "open" -> { }
                    case "message" -> {
                        long off = TestNode.JSON.readTree(e.data()).get("offset").asLong();
                        assertThat(expectNext < 0 || off == expectNext).as("offset %d follows %d", off, expectNext).isTrue();
                        expectNext = off + 1;
                        delivered++;
                    }
                    case "missed" -> {
                        JsonNode m = TestNode.JSON.readTree(e.data());
                        assertThat(m.get("reason").asText()).isEqualTo("slow_client");
                        long first = m.get("firstOffset").asLong();
                        long last = m.get("lastOffset").asLong();
                        assertThat(expectNext < 0 || first == expectNext).as("missed run %d follows %d", first, expectNext).isTrue();
                        // every record matches, so a run is contiguous
                        assertThat(m.get("count").asLong()).isEqualTo(last - first + 1);
                        assertThat(e.id()).isEqualTo("default:" + last);
                        expectNext = last + 1;
                        missed += m.get("count").asLong();
                        missedEvents++;
                    }
                    default -> throw new AssertionError("unexpected event " + e);
                }
            }
            assertThat(delivered + missed).isEqualTo(n);
            assertThat(missedEvents).isPositive();
            assertThat(t.node.registry().find(MetricNames.TAIL_MISSED).tags(MetricNames.LANE, "default", MetricNames.REASON, "slow_client")
                    .counter().count()).isEqualTo(missed);
        }
    }

    @Test
    void tails_that_end_while_reading_leave_the_lane_writable(@TempDir Path own) throws Exception {
        TestNode node = TestNode.start(own, "server:\n  http_max_body: 16MiB\n", LIMITS);
        try {
            String line = TestNode.JSON.writeValueAsString(Map.of("message", "history " + "y".repeat(2000))) + "\n";
            for (int i = 0; i < 20; i++) {
                assertThat(node.post("/api/v1/ingest/app", line.repeat(500), Map.of()).statusCode()).isEqualTo(202);
            }
            for (int round = 0; round < 20; round++) {
                // from the start of the lane: the tail reads segment files while its client goes away
                try (SseStream s = SseStream.open(node.url() + "/api/v1/tail?lane=default&from_offset=0", Map.of(), true)) {
                    assertThat(s.nextEvent(WAIT).event()).isEqualTo("open");
                    assertThat(s.nextEvent(WAIT).event()).isEqualTo("message");
                }
                HttpResponse<String> r = node.post("/api/v1/ingest/app", line, Map.of());
                assertThat(r.statusCode()).as("round %d: %s", round, r.body()).isEqualTo(202);
            }
        } finally {
            node.close();
        }
    }

    @Test
    void stopping_the_node_ends_every_open_tail(@TempDir Path own) throws Exception {
        // no heartbeat for an hour: only the node's own shutdown can end the tail's session
        TestNode node = TestNode.start(own, "", new TailSettings(16, 256 * 1024, Duration.ofHours(1)));
        try (SseStream s = SseStream.open(node.url() + "/api/v1/tail?lane=default", Map.of(), true)) {
            assertThat(s.nextEvent(WAIT).event()).isEqualTo("open");
            assertThat(clients(node)).isEqualTo(1);
            CompletableFuture.runAsync(node::close).get(60, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (clients(node) > 0 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(clients(node)).as("tails still running after the node stopped").isZero();
        }
    }

    private static double clients(TestNode node) {
        return node.node.registry().find(MetricNames.TAIL_CLIENTS).gauge().value();
    }
}
