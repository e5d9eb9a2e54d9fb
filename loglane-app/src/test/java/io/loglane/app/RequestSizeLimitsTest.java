package io.loglane.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every route that reads a body refuses one over {@code server.http_max_body} with 413, whether
 * the client declares its length or streams it chunked (no Content-Length, so no up-front check
 * can see it), and the node keeps serving.
 */
@Timeout(120)
class RequestSizeLimitsTest {
    @TempDir static Path dir;
    private static TestNode t;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** method path, and a valid start of a body the route reads, padded past the limit. */
    private static final List<String[]> BODY_ROUTES = List.of(
            new String[] {"/api/v1/ingest/app", "{\"message\":\"", "\"}\n"},
            new String[] {"/", "{\"logGroupName\":\"g\",\"logStreamName\":\"s\",\"logEvents\":[{\"timestamp\":1,\"message\":\"", "\"}]}"},
            new String[] {"/v1/logs", "{\"resourceLogs\":[{\"x\":\"", "\"}]}"},
            new String[] {"/api/v1/sql", "{\"sql\":\"SELECT '", "'\"}"},
            new String[] {"/api/v1/filter/test", "{\"pattern\":\"x\",\"events\":[\"", "\"]}"},
            new String[] {"/api/v1/flush", "{\"x\":\"", "\"}"});

    @BeforeAll
    static void start() throws Exception {
        t = TestNode.start(dir, "server:\n  http_max_body: 64KiB\ninputs:\n  - type: http\n");
    }

    @AfterAll
    static void stop() {
        if (t != null) {
            t.close();
        }
    }

    private static String big(String[] r) {
        return r[1] + "a".repeat(200 * 1024) + r[2];
    }

    /** A publisher of unknown length: the client sends it chunked. */
    private static HttpRequest.BodyPublisher chunked(String body) {
        HttpRequest.BodyPublisher inner = HttpRequest.BodyPublishers.ofByteArrays(Collections.singletonList(body.getBytes(StandardCharsets.UTF_8)));
        return new HttpRequest.BodyPublisher() {
            @Override public long contentLength() { return -1; }
            @Override public void subscribe(Flow.Subscriber<? super java.nio.ByteBuffer> s) { inner.subscribe(s); }
        };
    }

    private static HttpResponse<String> post(String path, HttpRequest.BodyPublisher body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(t.url() + path)).timeout(Duration.ofSeconds(30)).POST(body)
                .header("Content-Type", "application/json");
        if (path.equals("/")) {
            b.header("X-Amz-Target", "Logs_20140328.PutLogEvents").header("Content-Type", "application/x-amz-json-1.1");
        }
        try {
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            return null; // the server answered and closed while the body was still going out
        }
    }

    @Test
    void anOversizedBodyIs413OnEveryRouteThatReadsOneDeclaredOrChunked() throws Exception {
        for (String[] r : BODY_ROUTES) {
            for (boolean streamed : new boolean[] {false, true}) {
                String body = big(r);
                HttpResponse<String> res = post(r[0], streamed ? chunked(body) : HttpRequest.BodyPublishers.ofString(body));
                String what = "POST " + r[0] + (streamed ? " chunked" : " with Content-Length");
                if (res != null || !streamed) {
                    assertThat(res).as(what).isNotNull();
                    assertThat(res.statusCode()).as(what + ": " + res.body()).isEqualTo(413);
                }
            }
        }
        assertThat(t.get("/healthz").statusCode()).isEqualTo(200);
    }
}
