package io.loglane.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * No name from a request reaches the filesystem unchecked: lane parameters (search, histogram,
 * fields, context, tail), the ingest tag, a field name in the path and CloudWatch log group and
 * stream names, each given {@code ../} forms (plain, encoded, absolute, backslashes). Each is
 * refused (4xx) or, for a tag, routed by rules to a configured lane; afterwards nothing exists
 * beside the data directory and no path inside it has a {@code ..} part.
 */
@Timeout(120)
class PathTraversalTest {
    private static final List<String> EVIL = List.of("../../../../tmp/loglane-escape", "..", "../default", "/etc/passwd",
            "..\\..\\x", "default/../../x", "%2e%2e%2fx", "lane=app/../../x", "app\u0000x");

    @TempDir static Path dir;
    private static TestNode t;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() throws Exception {
        t = TestNode.start(dir, "inputs:\n  - type: http\n");
    }

    @AfterAll
    static void stop() {
        if (t != null) {
            t.close();
        }
    }

    private static String enc(String s) { return URLEncoder.encode(s, StandardCharsets.UTF_8); }

    private static int status(String method, String path, String body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(t.url() + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        return HTTP.send(b.build(), r -> HttpResponse.BodySubscribers.replacing(null)).statusCode();
    }

    @Test
    void lanesFieldsTagsAndLogGroupsWithDotDotNeverReachTheFilesystem() throws Exception {
        Set<String> before = siblings();
        for (String evil : EVIL) {
            String e = enc(evil);
            for (String path : List.of("/api/v1/search?q=x&lane=" + e, "/api/v1/histogram?q=x&lane=" + e, "/api/v1/fields?q=x&lane=" + e,
                    "/api/v1/fields/" + e + "/top?q=x&lane=app", "/api/v1/context?offset=0&lane=" + e, "/api/v1/tail?lane=" + e)) {
                int s = status("GET", path, null, Map.of());
                assertThat(s).as("GET " + path).isBetween(400, 499);
            }
            int ingest = status("POST", "/api/v1/ingest/" + e, "{\"message\":\"traversal\"}", Map.of());
            assertThat(ingest).as("ingest tag " + evil).isIn(202, 400, 404);
            for (String[] field : new String[][] {{"logGroupName", evil}, {"logStreamName", evil}}) {
                String create = "{\"logGroupName\":\"g\",\"logStreamName\":\"s\"}".replace("\"" + (field[0].equals("logGroupName") ? "g" : "s") + "\"",
                        "\"" + evil.replace("\\", "\\\\").replace("\u0000", "\\u0000") + "\"");
                for (String op : List.of("CreateLogGroup", "CreateLogStream", "PutLogEvents")) {
                    int s = status("POST", "/", create, Map.of("X-Amz-Target", "Logs_20140328." + op,
                            "Content-Type", "application/x-amz-json-1.1"));
                    assertThat(s).as(op + " " + field[0] + "=" + evil).isLessThan(500);
                }
            }
        }
        assertThat(siblings()).as("nothing created beside the data directory").isEqualTo(before);
        assertThat(Files.exists(Path.of("/tmp/loglane-escape"))).isFalse();
        try (Stream<Path> all = Files.walk(dir)) {
            assertThat(all.map(p -> dir.relativize(p).toString())).noneMatch(p -> p.contains("..") || p.contains("%2e") || p.contains("escape"));
        }
        assertThat(t.get("/healthz").statusCode()).isEqualTo(200);
    }

    private static Set<String> siblings() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
    }
}
