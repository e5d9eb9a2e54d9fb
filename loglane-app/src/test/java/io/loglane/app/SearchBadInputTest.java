package io.loglane.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 12's bad input against the search API of a node in this JVM (bundled lanes: access, error and
 * trace are indexed): every refused request is a 400 (404 for an unknown lane) with a reason, never a
 * 500; a query matching everything over years is answered a capped page at a time, and the server
 * answers another request sent while it runs.
 */
class SearchBadInputTest {
    /**
     * Events in the error lane, on {@link #DAYS} days half a year apart (the index keeps a Lucene index per
     * day, the archive a partition per hour): more than {@link #MAX_LIMIT} so paging is needed.
     */
    private static final int EVENTS = 25_000;
    private static final int MAX_LIMIT = 10_000;
    private static final Instant FIRST = Instant.parse("2024-01-01T10:00:00Z");
    private static final int DAYS = 6;
    private static final String YEARS = "&from=2020-01-01T00:00:00Z&to=2030-01-01T00:00:00Z";

    @TempDir
    static Path dir;
    private static TestNode t;

    @BeforeAll
    static void start() throws Exception {
        t = TestNode.start(dir, "server:\n  http_max_body: 16MiB\n" + SearchCommandTest.KEEP_ERROR_FOREVER); // events years apart: none past the index retention
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < EVENTS; i++) {
            body.append("{\"message\":\"request ").append(i).append(" failed\",\"seq\":").append(i)
                    .append(",\"ts\":\"").append(FIRST.plus(java.time.Duration.ofDays(182L * (i % DAYS))).plusMillis(i)).append("\"}\n");
        }
        HttpResponse<String> r = t.post("/api/v1/ingest/app.error", body.toString(), Map.of());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        t.post("/api/v1/ingest/app.access", "{\"log\":\"10.0.0.1 - - [01/Mar/2026:10:00:00 +0000] \\\"GET / HTTP/1.1\\\" 200 5 \\\"-\\\" \\\"x\\\"\"}\n",
                Map.of());
        t.flush();
    }

    @AfterAll
    static void stop() {
        if (t != null) {
            t.close();
        }
    }

    private static String q(String s) { return URLEncoder.encode(s, StandardCharsets.UTF_8); }

    private static JsonNode refused(String path, int status) throws Exception {
        HttpResponse<String> r = t.get(path);
        assertThat(r.statusCode()).as(path + " → " + r.body()).isEqualTo(status);
        JsonNode body = TestNode.json(r);
        assertThat(body.path("error").asText()).as("a reason").isNotBlank();
        return body;
    }

    @ParameterizedTest(name = "limit={0}")
    @ValueSource(strings = {"0", "-1", "10001", "2147483648", "ten", "1.5"})
    void aLimitOutOfRangeIsRefusedNamingTheRange(String limit) throws Exception {
        assertThat(refused("/api/v1/search?lane=error&limit=" + q(limit) + YEARS, 400).get("error").asText()).contains("limit", "1..10000");
    }

    @Test
    void anUnknownLaneIs404OnEverySearchRoute() throws Exception {
        for (String route : new String[] {"/api/v1/search", "/api/v1/histogram", "/api/v1/fields", "/api/v1/fields/message/top"}) {
            assertThat(refused(route + "?lane=nosuch&q=x", 404).get("error").asText()).contains("no such lane: nosuch");
        }
        HttpResponse<String> noIndex = t.get("/api/v1/search?lane=audit&q=x");
        assertThat(noIndex.statusCode()).as("a lane without an index is searched in its archive: %s", noIndex.body()).isEqualTo(200);
        assertThat(TestNode.json(noIndex).get("stores").get(0).get("store").asText()).isEqualTo("archive");
    }

    @Test
    void aCursorFromAnotherQueryOrLaneIsRefused() throws Exception {
        JsonNode page = TestNode.json(t.get("/api/v1/search?lane=error&limit=2&q=request" + YEARS));
        String cursor = page.get("next_cursor").asText();
        assertThat(t.get("/api/v1/search?lane=error&limit=2&q=request" + YEARS + "&cursor=" + q(cursor)).statusCode())
                .as("the same query takes its own cursor").isEqualTo(200);

        assertThat(refused("/api/v1/search?lane=error&limit=2&q=failed" + YEARS + "&cursor=" + q(cursor), 400).get("error").asText())
                .contains("cursor", "another");
        refused("/api/v1/search?lane=error&limit=2&q=request&syntax=lucene" + YEARS + "&cursor=" + q(cursor), 400);
        refused("/api/v1/search?lane=access&limit=2&q=request" + YEARS + "&cursor=" + q(cursor), 400);
        for (String bad : new String[] {"garbage", "1:2", "1:2:3:4", ":", cursor + "x", cursor.replaceFirst(".$", "x")}) {
            refused("/api/v1/search?lane=error&limit=2&q=request" + YEARS + "&cursor=" + q(bad), 400);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        // filter patterns
        "{ $.a = ", "{ $.a = 1", "{ $.a == 1 }", "{ $.a = 1 } x", "{ ($.a = 1 }", "[a, b", "[a, b = ]", "\"unclosed", "a\"b",
        "%something!%", "%(a|b)c%", "%é%", "{ $.a = %a(b% }", "[a = %x)%]",
        // Lucene
        "status:[500 TO", "a AND", "(((", "a:", "status:[1 TO 2} AND (", "a:\"x", "/[a/", "a OR OR b", "NOT", "a:b:c^", "status:{* TO"})
    void aMalformedQueryOfEitherSyntaxIs400WithThePositionNever500(String query) throws Exception {
        for (String route : new String[] {"/api/v1/search", "/api/v1/histogram", "/api/v1/fields"}) {
            JsonNode body = refused(route + "?lane=error&q=" + q(query) + YEARS, 400);
            assertThat(body.get("error").asText()).startsWith("bad_query: ");
            if (body.get("syntax").asText().equals("filter")) {
                assertThat(body.get("position").isInt()).as(body.toString()).isTrue();
                assertThat(body.get("position").asInt()).isBetween(0, query.length());
            } else {
                assertThat(body.get("error").asText()).as("Lucene names line and column").containsPattern("line 1, column \\d+");
            }
        }
    }

    @Test
    void aPatternOverMaxLengthIsRefusedAtCharacter1024() throws Exception {
        assertThat(t.get("/api/v1/search?lane=error&syntax=filter&q=" + "a".repeat(1024) + YEARS).statusCode()).isEqualTo(200);
        JsonNode body = refused("/api/v1/search?lane=error&syntax=filter&q=" + "a".repeat(1025) + YEARS, 400);
        assertThat(body.get("error").asText()).contains("1024");
        assertThat(body.get("position").asInt()).isEqualTo(1024);
    }

    @Test
    void aQueryMatchingEverythingOverYearsIsCappedPagedAndTheServerAnswersAnotherRequestMeanwhile() throws Exception {
        // the everything query and the histogram over ten years (both read every match) in flight with a small search
        CompletableFuture<HttpResponse<String>> everything = CompletableFuture.supplyAsync(() -> get("/api/v1/search?lane=error&limit=10000&q=" + YEARS));
        CompletableFuture<HttpResponse<String>> histogram = CompletableFuture.supplyAsync(() -> get("/api/v1/histogram?lane=error&q=failed" + YEARS));
        CompletableFuture<HttpResponse<String>> small = CompletableFuture.supplyAsync(() -> get("/api/v1/search?lane=error&limit=1&q="
                + q("\"request 17 failed\"") + YEARS));
        HttpResponse<String> one = small.get(60, TimeUnit.SECONDS);
        assertThat(one.statusCode()).as(one.body()).isEqualTo(200);
        assertThat(TestNode.json(one).get("hits").get(0).get("record").get("seq").asInt()).isEqualTo(17);
        assertThat(histogram.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(200);

        HttpResponse<String> first = everything.get(60, TimeUnit.SECONDS);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        JsonNode page = TestNode.json(first);
        assertThat(page.get("hits")).as("capped at the limit").hasSize(MAX_LIMIT);
        assertThat(page.get("complete").asBoolean()).isFalse();
        assertThat(page.get("total").asLong()).isLessThanOrEqualTo(EVENTS);
        Set<Integer> seen = new HashSet<>();
        int pages = 1;
        page.get("hits").forEach(h -> seen.add(h.get("record").get("seq").asInt()));
        while (page.hasNonNull("next_cursor")) {
            page = TestNode.json(t.get("/api/v1/search?lane=error&limit=10000&q=" + YEARS + "&cursor=" + q(page.get("next_cursor").asText())));
            page.get("hits").forEach(h -> assertThat(seen.add(h.get("record").get("seq").asInt())).as("no hit twice").isTrue());
            pages++;
        }
        assertThat(seen).as("every event once, over the pages").hasSize(EVENTS);
        assertThat(pages).isEqualTo(3);
    }

    private static HttpResponse<String> get(String path) {
        try {
            return t.get(path);
        } catch (Exception e) {
            throw new IllegalStateException(path, e);
        }
    }
}
