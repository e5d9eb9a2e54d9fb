package io.loglane.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.loglane.app.api.ApiTokens;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * API tokens on a real node (bundled config: http, cloudwatch and otlp inputs, index search): every
 * route needs its scope once a token is configured; no token, a token in the wrong header or
 * scheme, or an unknown token is 401 with a challenge; a known token without the scope is 403; a
 * token over its rate is 429 with Retry-After; probes and the UI's static files stay open.
 */
@Timeout(120)
class ApiAuthTest {
    static final String INGEST = "ingest-secret-1";
    static final String READ = "read-secret-2";
    static final String ADMIN = "admin-secret-3";
    static final String SLOW = "slow-secret-4";

    @TempDir static Path dir;
    private static TestNode t;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** Every protected route, as method, path, body, the scope it needs. */
    private static final List<String[]> ROUTES = List.of(
            new String[] {"POST", "/api/v1/ingest/app", "{\"message\":\"m\"}", "ingest"},
            new String[] {"POST", "/", "{\"logGroupName\":\"g\",\"logStreamName\":\"s\",\"logEvents\":[]}", "ingest"},
            new String[] {"POST", "/v1/logs", "{}", "ingest"},
            new String[] {"POST", "/api/v1/sql", "{\"sql\":\"SELECT 1\"}", "read"},
            new String[] {"POST", "/api/v1/filter/test", "{\"pattern\":\"x\",\"events\":[\"x\"]}", "read"},
            new String[] {"GET", "/api/v1/search?q=x", null, "read"},
            new String[] {"GET", "/api/v1/histogram?q=x", null, "read"},
            new String[] {"GET", "/api/v1/fields?q=x", null, "read"},
            new String[] {"GET", "/api/v1/fields/level/top?q=x", null, "read"},
            new String[] {"GET", "/api/v1/context?lane=app&offset=0", null, "read"},
            new String[] {"GET", "/api/v1/tail?lane=nope", null, "read"},
            new String[] {"GET", "/api/v1/lanes", null, "read"},
            new String[] {"GET", "/api/v1/sources", null, "read"},
            new String[] {"GET", "/metrics", null, "read"},
            new String[] {"POST", "/api/v1/flush", "", "admin"},
            new String[] {"DELETE", "/api/v1/lanes", null, "admin"});

    @BeforeAll
    static void start() throws Exception {
        t = TestNode.start(dir, """
                server:
                  auth:
                    tokens:
                      - {name: shipper, sha256: %s, scopes: [ingest]}
                      - {name: reader, sha256: %s, scopes: [read]}
                      - {name: ops, sha256: %s, scopes: [admin]}
                      - {name: slow, sha256: %s, scopes: [read], rate: 1}
                inputs:
                  - type: http
                """.formatted(ApiTokens.hashHex(INGEST), ApiTokens.hashHex(READ), ApiTokens.hashHex(ADMIN), ApiTokens.hashHex(SLOW)));
    }

    @AfterAll
    static void stop() {
        if (t != null) {
            t.close();
        }
    }

    private static HttpResponse<String> call(String method, String path, String body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(t.url() + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        headers.forEach(b::header);
        // the tail streams: its status and headers are all this test needs
        return HTTP.send(b.build(), path.startsWith("/api/v1/tail") ? r -> HttpResponse.BodySubscribers.replacing("")
                : HttpResponse.BodyHandlers.ofString());
    }

    private static Map<String, String> bearer(String token) { return Map.of("Authorization", "Bearer " + token); }

    @Test
    void everyProtectedRouteRefusesMissingMisplacedAndUnknownTokensWith401AndAChallenge() throws Exception {
        List<Map<String, String>> wrong = List.of(
                Map.of(),
                Map.of("X-Token", ADMIN),
                Map.of("X-Api-Key", ADMIN),
                Map.of("Authorization", "Token " + ADMIN),
                Map.of("Authorization", ADMIN),
                Map.of("Authorization", "Basic " + Base64.getEncoder().encodeToString(("x:" + ADMIN).getBytes(StandardCharsets.UTF_8))),
                Map.of("Authorization", "Bearer "),
                Map.of("Authorization", "Bearer " + ADMIN + "x"),
                Map.of("Authorization", "Bearer " + ApiTokens.hashHex(ADMIN))); // the hash is not the token
        for (String[] r : ROUTES) {
            for (Map<String, String> h : wrong) {
                HttpResponse<String> res = call(r[0], r[1], r[2], h);
                assertThat(res.statusCode()).as(r[0] + " " + r[1] + " with " + h.keySet()).isEqualTo(401);
                assertThat(res.headers().firstValue("WWW-Authenticate")).as(r[1]).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer realm=\"loglane\""));
                if (!r[1].startsWith("/api/v1/tail")) {
                    assertThat(TestNode.json(res).get("error").asText()).isNotBlank().doesNotContain(ADMIN);
                }
            }
        }
    }

    @Test
    void aKnownTokenReachesOnlyTheRoutesOfItsScopes() throws Exception {
        Map<String, String> tokenOf = Map.of("ingest", INGEST, "read", READ, "admin", ADMIN);
        for (String[] r : ROUTES) {
            for (Map.Entry<String, String> token : tokenOf.entrySet()) {
                HttpResponse<String> res = call(r[0], r[1], r[2], bearer(token.getValue()));
                if (token.getKey().equals(r[3])) {
                    assertThat(res.statusCode()).as(r[0] + " " + r[1] + " as " + token.getKey()).isNotIn(401, 403, 429);
                } else {
                    assertThat(res.statusCode()).as(r[0] + " " + r[1] + " as " + token.getKey()).isEqualTo(403);
                    if (!r[1].startsWith("/api/v1/tail")) {
                        assertThat(TestNode.json(res).get("error").asText()).contains("lacks the " + r[3] + " scope");
                    }
                }
            }
        }
        assertThat(call("POST", "/api/v1/ingest/app", "{\"message\":\"in\"}", bearer(INGEST)).statusCode()).isEqualTo(202);
        assertThat(call("POST", "/api/v1/flush", "", bearer(ADMIN)).statusCode()).isEqualTo(200);
        HttpResponse<String> sql = call("POST", "/api/v1/sql", "{\"sql\":\"SELECT count(*) FROM logs WHERE message = 'in'\"}", bearer(READ));
        assertThat(TestNode.json(sql).get("rows").get(0).get(0).asLong()).isEqualTo(1);
    }

    @Test
    void probesAndTheUiShellAndAssetsNeedNoToken() throws Exception {
        for (String path : List.of("/healthz", "/readyz", "/", "/lanes", "/explorer", "/sql", "/ui/app.js", "/ui/api.js")) {
            assertThat(call("GET", path, null, Map.of()).statusCode()).as(path).isEqualTo(200);
        }
    }

    @Test
    void aTokenOverItsRateGets429WithRetryAfterUntilItsBucketRefills() throws Exception {
        assertThat(call("GET", "/api/v1/lanes", null, bearer(SLOW)).statusCode()).isEqualTo(200);
        HttpResponse<String> over = call("GET", "/api/v1/lanes", null, bearer(SLOW));
        assertThat(over.statusCode()).isEqualTo(429);
        assertThat(over.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(TestNode.json(over).get("reason").asText()).isEqualTo("rate");
        assertThat(call("GET", "/api/v1/lanes", null, bearer(READ)).statusCode()).as("other tokens are not limited").isEqualTo(200);
        t.clock.advance(Duration.ofSeconds(1));
        assertThat(call("GET", "/api/v1/lanes", null, bearer(SLOW)).statusCode()).isEqualTo(200);
    }
}
