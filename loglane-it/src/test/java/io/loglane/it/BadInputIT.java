package io.loglane.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.loglane.bench.faults.ChildNode;
import io.loglane.bench.faults.AckingForwardClient;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;

/**
 * Bad input against a real node. Forward: each broken frame closes only the connection that sent
 * it, is counted under {@code loglane_protocol_errors_total{reason}}, and a good connection sending
 * acked chunks at the same time loses nothing. HTTP: malformed JSON → 400 naming the first bad line
 * with nothing stored; an oversized body → 413; a bad tag → 400; SQL that reaches outside the
 * archive or is not a single read-only query → 400 with the reason.
 */
class BadInputIT {
    private static final int MAX_FRAME = 64 * 1024;
    private static final String OVERLAY = """
            server:
              http_max_body: 1KiB
            inputs:
              - type: forward
                name: forward
                port: 24224
                max_frame_bytes: 64KiB
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

    /** The frame for each bad-input case, and the reason label it must be counted under. */
    private static byte[] badFrame(String reason) throws Exception {
        long now = System.currentTimeMillis() / 1000;
        MessageBufferPacker entries = MessagePack.newDefaultBufferPacker();
        ForwardFrames.entry(entries, now, 0, Map.of("log", "should never be stored"));
        byte[] entry = entries.toByteArray();
        return switch (reason) {
            case "garbage" -> "\u00c1\u00c1 this is not msgpack at all".getBytes(StandardCharsets.ISO_8859_1);
            case "frame_too_large" -> {
                MessageBufferPacker big = MessagePack.newDefaultBufferPacker();
                for (int i = 0; i < 2 * MAX_FRAME / 100; i++) {
                    ForwardFrames.entry(big, now, i, Map.of("log", "x".repeat(90)));
                }
                yield ForwardFrames.packedForward("bad.big", big.toByteArray(), false, Map.of("chunk", "big-1"));
            }
            case "bad_gzip" -> {
                MessageBufferPacker f = MessagePack.newDefaultBufferPacker();
                byte[] notGzip = Arrays.copyOf(ForwardFrames.gzip(entry), 20); // a gzip header with its body cut off
                notGzip[12] ^= 0x7F;
                f.packArrayHeader(3).packString("bad.gzip").packBinaryHeader(notGzip.length).writePayload(notGzip);
                ForwardFrames.map(f, Map.of("chunk", "gz-1", "compressed", "gzip"));
                yield f.toByteArray();
            }
            case "bad_tag" -> {
                MessageBufferPacker f = MessagePack.newDefaultBufferPacker();
                f.packArrayHeader(3).packInt(12345).packBinaryHeader(entry.length).writePayload(entry);
                ForwardFrames.map(f, Map.of("chunk", "tag-1"));
                yield f.toByteArray();
            }
            case "non_log_signal" -> ForwardFrames.packedForward("bad.signal", entry, false, Map.of("chunk", "sig-1", "fluent_signal", 2));
            case "unknown_mode" -> {
                MessageBufferPacker f = MessagePack.newDefaultBufferPacker();
                f.packArrayHeader(3).packString("bad.mode").packBoolean(true);
                ForwardFrames.map(f, Map.of("chunk", "mode-1"));
                yield f.toByteArray();
            }
            default -> throw new IllegalArgumentException(reason);
        };
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"garbage", "frame_too_large", "bad_gzip", "bad_tag", "non_log_signal", "unknown_mode", "truncated"})
    void aBrokenForwardFrameClosesOnlyItsConnectionIsCountedAndLosesNoGoodEvents(String reason) throws Exception {
        double before = protocolErrors(reason);
        String client = "ok-" + reason.substring(0, Math.min(5, reason.length()));
        AckingForwardClient good = new AckingForwardClient(client, "badinput.activity", 10);
        CompletableFuture<Void> goodLoad = CompletableFuture.runAsync(() -> {
            try {
                good.session(node.forwardPort, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(800), true);
            } catch (Exception e) {
                throw new IllegalStateException("the good connection broke", e);
            }
        });
        try (RawForwardConnection bad = new RawForwardConnection(node.forwardPort)) {
            if (reason.equals("truncated")) {
                byte[] frame = ForwardFrames.message("bad.truncated", System.currentTimeMillis() / 1000,
                        Map.of("log", "half a frame"), Map.of("chunk", "trunc-1"));
                bad.send(Arrays.copyOf(frame, frame.length / 2));
                bad.shutdownOutput();
                assertThat(bad.closedByServerWithin(10_000)).as("the server closes the offending connection without an ack").isTrue();
            } else {
                boolean closedMidWrite = bad.sendUnlessClosed(badFrame(reason));
                assertThat(closedMidWrite || bad.closedByServerWithin(10_000))
                        .as("the server closes the offending connection without an ack").isTrue();
            }
        }
        goodLoad.get(30, TimeUnit.SECONDS); // throws if the good connection was affected

        assertThat(protocolErrors(reason)).as("loglane_protocol_errors_total{reason=\"" + reason + "\"}").isEqualTo(before + 1);
        node.flush();
        assertThat(good.ackedEvents()).isPositive();
        JsonNode row = node.sql("SELECT count(*), count(DISTINCT attrs->>'seq') FROM activity WHERE attrs->>'client' = '"
                + client + "'").get("rows").get(0);
        assertThat(row.get(0).asLong()).as("every acked event of the concurrent good connection, once").isEqualTo(good.ackedEvents());
        assertThat(row.get(1).asLong()).isEqualTo(good.ackedEvents());
        assertThat(node.sql("SELECT count(*) FROM logs WHERE tag LIKE 'bad.%' OR message = 'should never be stored'")
                .get("rows").get(0).get(0).asLong()).as("nothing of a broken frame is stored").isZero();
        assertThat(node.get("/healthz").statusCode()).isEqualTo(200);
    }

    private static double protocolErrors(String reason) throws Exception {
        return PrometheusText.sum(node.get("/metrics").body(), "loglane_protocol_errors_total",
                Map.of("input", "forward", "reason", reason));
    }

    @Test
    void malformedNdjsonIsRefusedWith400NamingTheFirstBadLineAndNothingOfTheRequestIsStored() throws Exception {
        String body = "{\"message\":\"first fine\"}\n{\"message\":\"second fine\"}\n{\"message\": oops}\n{\"message\":\"after\"}\n";
        HttpResponse<String> r = node.post("/api/v1/ingest/badinput.malformed", body, Map.of());
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode err = ChildNode.JSON.readTree(r.body());
        assertThat(err.get("line").asInt()).isEqualTo(3);
        assertThat(err.get("error").asText()).contains("line 3");

        HttpResponse<String> ok = node.post("/api/v1/ingest/badinput.wellformed", "{\"message\":\"fine\"}\n", Map.of());
        assertThat(ok.statusCode()).isEqualTo(202);
        node.flush();
        assertThat(node.sql("SELECT count(*) FROM logs WHERE tag = 'badinput.wellformed'").get("rows").get(0).get(0).asLong())
                .as("a good request sent after it is stored (so the flush did run)").isEqualTo(1);
        assertThat(node.sql("SELECT count(*) FROM logs WHERE tag = 'badinput.malformed'").get("rows").get(0).get(0).asLong())
                .as("not even the valid lines before the bad one").isZero();
        assertThat(PrometheusText.sum(node.get("/metrics").body(), "loglane_protocol_errors_total",
                Map.of("input", "http", "reason", "malformed_json"))).isGreaterThanOrEqualTo(1);
    }

    @Test
    void aBodyOverTheConfiguredLimitGets413() throws Exception {
        String body = ("{\"message\":\"" + "y".repeat(200) + "\"}\n").repeat(10);
        HttpResponse<String> r = node.post("/api/v1/ingest/badinput.huge", body, Map.of());
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(node.get("/healthz").statusCode()).isEqualTo(200);
    }

    @Test
    void aTagThatIsNotAllowedGets400() throws Exception {
        HttpResponse<String> r = node.post("/api/v1/ingest/-starts-with-a-dash", "{\"message\":\"x\"}\n", Map.of());
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(ChildNode.JSON.readTree(r.body()).get("error").asText()).contains("bad tag");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "SELECT * FROM read_csv('/etc/passwd')",
            "SELECT * FROM '/etc/passwd'",
            "COPY (SELECT 1) TO '/tmp/loglane-it-copy.csv'",
            "ATTACH '/tmp/loglane-it.db' AS other",
            "INSTALL httpfs",
            "LOAD httpfs",
            "SET enable_external_access = true",
            "SELECT 1; SELECT 2",
            "DROP VIEW access",
    })
    void sqlThatIsNotOneReadOnlyQueryOverTheArchiveGets400WithAReason(String sql) throws Exception {
        HttpResponse<String> r = node.post("/api/v1/sql", ChildNode.JSON.writeValueAsString(Map.of("sql", sql)),
                Map.of("Content-Type", "application/json"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(ChildNode.JSON.readTree(r.body()).get("error").asText()).as("a reason is given").isNotBlank();
        assertThat(node.sql("SELECT count(*) FROM access").get("rows")).as("the views are still there").hasSize(1);
        assertThat(Files.exists(Path.of("/tmp/loglane-it-copy.csv"))).isFalse();
        assertThat(Files.exists(Path.of("/tmp/loglane-it.db"))).isFalse();
    }
}
