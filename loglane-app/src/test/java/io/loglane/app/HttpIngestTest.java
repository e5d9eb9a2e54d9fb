package io.loglane.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.loglane.core.telemetry.MetricNames;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code POST /api/v1/ingest/{tag}} against a node in this JVM: the {@code Idempotency-Key} is
 * validated and scoped to its tag, and every refused request (400, 413, 415) answers with a reason,
 * stores nothing and is counted under that reason for the {@code http} input. {@code text/plain}
 * bodies (raw lines, what {@code ./loglane import} sends) go through the lanes and parsers as tailed
 * lines do, with their cut, repaired and blank lines said in the answer.
 */
class HttpIngestTest {
    private static final String EVENT = "{\"message\":\"hello\"}\n";

    @TempDir
    static Path dir;
    private static TestNode t;

    @BeforeAll
    static void start() throws Exception {
        t = TestNode.start(dir, "server:\n  http_max_body: 1KiB\n");
    }

    @AfterAll
    static void stop() {
        if (t != null) {
            t.close();
        }
    }

    private static HttpResponse<String> ingest(String tag, String body, String key) throws Exception {
        return t.post("/api/v1/ingest/" + tag, body, key == null ? Map.of() : Map.of("Idempotency-Key", key));
    }

    private static double counter(String name, String... tags) {
        var c = t.node.registry().find(name).tags(tags).counter();
        return c == null ? 0 : c.count();
    }

    private static double refusals(String reason) {
        return counter(MetricNames.PROTOCOL_ERRORS, MetricNames.INPUT, "http", MetricNames.REASON, reason);
    }

    private static double bytesRejected(String reason) {
        return counter(MetricNames.BYTES_REJECTED, MetricNames.INPUT, "http", MetricNames.LANE, MetricNames.NO_LANE,
                MetricNames.REASON, reason);
    }

    private static void assertAccepted(HttpResponse<String> r, int accepted, int duplicates) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        JsonNode j = TestNode.json(r);
        assertThat(j.get("accepted").asInt()).as("accepted").isEqualTo(accepted);
        assertThat(j.get("duplicates").asInt()).as("duplicates").isEqualTo(duplicates);
    }

    /** Asserts a refusal with its status and reason, counted once with the body's bytes, and that nothing was stored. */
    private static void assertRefused(String reason, int status, String errorText, long bodyBytes, ThrowingSupplier request)
            throws Exception {
        double before = refusals(reason);
        double bytesBefore = bytesRejected(reason);
        long endBefore = t.lane("activity").streamEnd();
        Reply r = request.get();
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        JsonNode j = TestNode.JSON.readTree(r.body());
        assertThat(j.get("reason").asText()).isEqualTo(reason);
        assertThat(j.get("error").asText()).contains(errorText);
        assertThat(refusals(reason)).as("loglane_protocol_errors_total{input=http,reason=" + reason + "}").isEqualTo(before + 1);
        assertThat(bytesRejected(reason)).as("loglane_bytes_rejected_total{input=http,lane=none,reason=" + reason + "}")
                .isEqualTo(bytesBefore + bodyBytes);
        assertThat(t.lane("activity").streamEnd()).as("nothing stored").isEqualTo(endBefore);
    }

    private record Reply(int status, String body) {
        static Reply of(HttpResponse<String> r) { return new Reply(r.statusCode(), r.body()); }
    }

    private interface ThrowingSupplier {
        Reply get() throws Exception;
    }

    /**
     * Sends a request with raw header bytes (java.net.http replaces non-ASCII header characters with
     * '?') and reads the answer of a {@code Connection: close} exchange.
     */
    private static Reply rawPost(String path, byte[] headerValue, String body) throws Exception {
        try (Socket s = new Socket("127.0.0.1", t.node.httpPort())) {
            ByteArrayOutputStream req = new ByteArrayOutputStream();
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            req.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: " + b.length
                    + "\r\nIdempotency-Key: ").getBytes(StandardCharsets.US_ASCII));
            req.write(headerValue);
            req.write("\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            req.write(b);
            s.getOutputStream().write(req.toByteArray());
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int status = Integer.parseInt(answer.substring(9, 12));
            String rest = answer.substring(answer.indexOf("\r\n\r\n") + 4);
            // the JSON object, whether or not the body came chunked
            return new Reply(status, rest.substring(rest.indexOf('{'), rest.lastIndexOf('}') + 1));
        }
    }

    @Test
    void anIdempotencyKeyIsScopedToItsTag() throws Exception {
        // Both tags route to the activity lane, whose dedup window holds every key.
        assertAccepted(ingest("one.activity", EVENT, "scoped-1"), 1, 0);
        assertAccepted(ingest("two.activity", EVENT, "scoped-1"), 1, 0);
        assertAccepted(ingest("one.activity", EVENT, "scoped-1"), 0, 1);
        assertAccepted(ingest("two.activity", EVENT, "scoped-1"), 0, 1);
        assertAccepted(ingest("one.activity", EVENT, "scoped-2"), 1, 0);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"k", "a key with spaces and !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", "200"})
    void aKeyOfOneTo200PrintableAsciiCharactersIsAccepted(String key) throws Exception {
        String k = key.equals("200") ? "x".repeat(199) + "y" : key;
        assertAccepted(ingest("keys.activity", EVENT, k), 1, 0);
        assertAccepted(ingest("keys.activity", EVENT, k), 0, 1);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"", "201", "tab\there"})
    void aKeyThatIsEmptyTooLongOrHasAControlCharacterGets400(String key) throws Exception {
        String k = key.equals("201") ? "z".repeat(201) : key;
        assertRefused("bad_idempotency_key", 400, "Idempotency-Key must be 1-200 printable ASCII characters",
                EVENT.length(), () -> Reply.of(ingest("keys.activity", EVENT, k)));
    }

    @Test
    void aKeyWithNonAsciiBytesGets400() throws Exception {
        assertRefused("bad_idempotency_key", 400, "Idempotency-Key must be 1-200 printable ASCII characters", EVENT.length(),
                () -> rawPost("/api/v1/ingest/keys.activity", "caf\u00e9".getBytes(StandardCharsets.UTF_8), EVENT));
    }

    @Test
    void twoIdempotencyKeysGet400() throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(t.url() + "/api/v1/ingest/keys.activity"))
                .POST(HttpRequest.BodyPublishers.ofString(EVENT))
                .header("Idempotency-Key", "first").header("Idempotency-Key", "second");
        assertRefused("bad_idempotency_key", 400, "send one Idempotency-Key header", EVENT.length(), () -> Reply.of(t.send(b)));
    }

    @Test
    void aBodyOverTheLimitGets413WithAReasonAndIsCounted() throws Exception {
        String body = ("{\"message\":\"" + "y".repeat(200) + "\"}\n").repeat(10);
        assertRefused("body_too_large", 413, "server.http_max_body", body.length(), () -> Reply.of(ingest("big.activity", body, null)));
    }

    @Test
    void aChunkedBodyOverTheLimitGets413Too() throws Exception {
        byte[] body = ("{\"message\":\"" + "y".repeat(200) + "\"}\n").repeat(10).getBytes(StandardCharsets.UTF_8);
        // No Content-Length: the limit must hold while reading, not only by the declared size.
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(t.url() + "/api/v1/ingest/big.activity"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)));
        assertRefused("body_too_large", 413, "server.http_max_body", 1024 + 1, () -> Reply.of(t.send(b)));

        byte[] small = EVENT.getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> ok = t.send(HttpRequest.newBuilder(URI.create(t.url() + "/api/v1/ingest/small.activity"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(small))));
        assertAccepted(ok, 1, 0);
    }

    @Test
    void malformedJsonGets400NamingTheLineWithAReasonAndIsCounted() throws Exception {
        String body = "{\"message\":\"fine\"}\n{\"message\": oops}\n";
        assertRefused("malformed_json", 400, "line 2", body.length(), () -> Reply.of(ingest("bad.activity", body, null)));
    }

    @Test
    void aBadTagGets400WithAReasonAndIsCounted() throws Exception {
        assertRefused("bad_tag", 400, "bad tag", EVENT.length(), () -> Reply.of(ingest("-dash.activity", EVENT, null)));
    }

    @Test
    void anEmptyBodyGets400WithAReasonAndIsCounted() throws Exception {
        assertRefused("empty_body", 400, "empty body", 2, () -> Reply.of(ingest("empty.activity", "\n\n", null)));
    }

    @Test
    void receivedCountsEveryBodyAndTheEventsOfDecodedOnes() throws Exception {
        double events = counter(MetricNames.EVENTS_RECEIVED, MetricNames.INPUT, "http");
        double bytes = counter(MetricNames.BYTES_RECEIVED, MetricNames.INPUT, "http");
        String two = EVENT + EVENT;
        assertAccepted(ingest("recv.activity", two, null), 2, 0);
        assertThat(ingest("-bad", EVENT, null).statusCode()).isEqualTo(400);
        assertThat(counter(MetricNames.EVENTS_RECEIVED, MetricNames.INPUT, "http")).isEqualTo(events + 2);
        assertThat(counter(MetricNames.BYTES_RECEIVED, MetricNames.INPUT, "http")).isEqualTo(bytes + two.length() + EVENT.length());
    }

    private static HttpResponse<String> text(String pathAndQuery, byte[] body, String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(t.url() + "/api/v1/ingest/" + pathAndQuery))
                .header("Content-Type", "text/plain; charset=utf-8").POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (key != null) {
            b.header("Idempotency-Key", key);
        }
        return t.send(b);
    }

    private static HttpResponse<String> text(String pathAndQuery, String body, String key) throws Exception {
        return text(pathAndQuery, body.getBytes(StandardCharsets.UTF_8), key);
    }

    private static final String ACCESS_LINE = "10.0.0.%d - - [05/Dec/2026:06:00:0%d +0000] \"GET /txt/%d HTTP/1.1\" %d 512 \"-\" \"curl/8\"";

    @Test
    void textLinesAreRoutedAndParsedAsTailedLinesAndAResendIsStoredOnce() throws Exception {
        String body = ACCESS_LINE.formatted(1, 1, 1, 200) + "\r\n\n" + ACCESS_LINE.formatted(2, 2, 2, 404); // CRLF, a blank line, no last newline
        HttpResponse<String> r = text("txt.import?log_type=access", body, "text-1");
        assertAccepted(r, 2, 0);
        JsonNode j = TestNode.json(r);
        assertThat(j.get("lines").asInt()).isEqualTo(3);
        assertThat(j.get("blank").asInt()).isEqualTo(1);
        assertThat(j.get("truncated").asInt()).isZero();
        assertAccepted(text("txt.import?log_type=access", body, "text-1"), 0, 2);
        // without log_type the tag's last part picks the lane, as for any record
        assertAccepted(text("txt.activity", "plain words\n", null), 1, 0);
        t.flush();
        assertThat(t.sqlRows("SELECT status, path, message FROM access WHERE tag = 'txt.import' ORDER BY status").toString())
                .isEqualTo("[[200,\"/txt/1\",\"" + ACCESS_LINE.formatted(1, 1, 1, 200).replace("\"", "\\\"") + "\"],"
                        + "[404,\"/txt/2\",\"" + ACCESS_LINE.formatted(2, 2, 2, 404).replace("\"", "\\\"") + "\"]]");
        assertThat(t.sqlRows("SELECT message FROM activity WHERE tag = 'txt.activity'").toString()).isEqualTo("[[\"plain words\"]]");
    }

    @Test
    void aTextLineOverMaxLineIsCutAndMarkedAndBadUtf8IsRepaired() throws Exception {
        byte[] body = ("0123456789abcdef\nshort\nbad ").getBytes(StandardCharsets.UTF_8);
        byte[] all = java.util.Arrays.copyOf(body, body.length + 3);
        all[body.length] = (byte) 0xC3;
        all[body.length + 1] = (byte) 0x28;
        all[body.length + 2] = '\n';
        HttpResponse<String> r = text("cut.activity?max_line=10", all, null);
        assertAccepted(r, 3, 0);
        JsonNode j = TestNode.json(r);
        assertThat(j.get("truncated").asInt()).isEqualTo(1);
        assertThat(j.get("invalid_utf8").asInt()).isEqualTo(1);
        t.flush();
        assertThat(t.sqlRows("SELECT message, json_extract(attrs, '$.truncated') FROM activity WHERE tag = 'cut.activity' ORDER BY message")
                .toString()).isEqualTo("[[\"0123456789\",\"true\"],[\"bad \uFFFD(\",null],[\"short\",null]]");
    }

    @Test
    void aTextBodyOfBlankLinesGets400() throws Exception {
        assertRefused("empty_body", 400, "empty body: send lines of text", 3,
                () -> Reply.of(text("empty.activity", "\n\r\n", null)));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"application/octet-stream", "text/html", "text/plain; charset=iso-8859-1", "multipart/form-data; boundary=x"})
    void anUnsupportedContentTypeGets415WithAReason(String type) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(t.url() + "/api/v1/ingest/types.activity"))
                .header("Content-Type", type).POST(HttpRequest.BodyPublishers.ofString(EVENT));
        assertRefused("unsupported_media_type", 415, "unsupported Content-Type", EVENT.length(), () -> Reply.of(t.send(b)));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"application/x-ndjson", "application/json; charset=utf-8", "application/x-www-form-urlencoded", "application/vnd.x+json"})
    void jsonBodiesKeepTheirContentTypes(String type) throws Exception {
        assertAccepted(t.post("/api/v1/ingest/types.activity", EVENT, Map.of("Content-Type", type)), 1, 0);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"params.activity?max_line=0", "params.activity?max_line=2KiB", "params.activity?max_line=1025", "params.activity?log_type=a%20b"})
    void aBadTextParameterGets400(String pathAndQuery) throws Exception {
        assertRefused("bad_parameter", 400, "bad ", 4, () -> Reply.of(text(pathAndQuery, "one\n", null)));
    }

    @Test
    void aTextParameterOnAJsonBodyGets400() throws Exception {
        assertRefused("bad_parameter", 400, "for text/plain bodies only", EVENT.length(),
                () -> Reply.of(ingest("params.activity?log_type=access", EVENT, null)));
    }
}
