package io.loglane.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /api/v1/filter/test} against a node in this JVM: AWS TestMetricFilter's answer
 * (only matching events, numbered from 1, with a space-delimited pattern's extracted values), and
 * a reason with every refusal.
 */
class FilterTestApiTest {
    private static final String ACCESS_404 = "127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] \"GET /apache_pb.gif HTTP/1.0\" 404 1534";
    private static final String ACCESS_200 = "127.0.0.1 - frank [10/Oct/2000:13:35:22 -0700] \"GET /index.html HTTP/1.0\" 200 2344";

    @TempDir
    static Path dir;
    private static TestNode t;

    @BeforeAll
    static void start() throws Exception {
        t = TestNode.start(dir, "server:\n  http_max_body: 1MiB\n");
    }

    @AfterAll
    static void stop() {
        if (t != null) {
            t.close();
        }
    }

    private static HttpResponse<String> test(Object pattern, Object events) throws Exception {
        return t.post("/api/v1/filter/test", TestNode.JSON.writeValueAsString(Map.of("pattern", pattern, "events", events)),
                Map.of("Content-Type", "application/json"));
    }

    @Test
    void a_space_delimited_pattern_lists_only_the_matching_events_with_their_extracted_values() throws Exception {
        HttpResponse<String> r = test("[ip, user, username, timestamp, request, status_code = 4*, bytes]",
                List.of(ACCESS_200, ACCESS_404, "not an access line"));

        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode matches = TestNode.json(r).get("matches");
        assertThat(matches).hasSize(1);
        JsonNode m = matches.get(0);
        assertThat(m.get("eventNumber").asInt()).isEqualTo(2);
        assertThat(m.get("eventMessage").asText()).isEqualTo(ACCESS_404);
        JsonNode values = m.get("extractedValues");
        assertThat(values.get("$status_code").asText()).isEqualTo("404");
        assertThat(values.get("$bytes").asText()).isEqualTo("1534");
        assertThat(values.get("$request").asText()).isEqualTo("GET /apache_pb.gif HTTP/1.0");
    }

    @Test
    void terms_match_case_sensitive_substrings_and_json_patterns_read_json_lines() throws Exception {
        JsonNode terms = TestNode.json(test("ERROR", List.of("ERRORCODE 7", "error lower", "an ERROR")));
        assertThat(terms.get("matches")).extracting(n -> n.get("eventNumber").asInt()).containsExactly(1, 3);
        assertThat(terms.get("matches").get(0).get("extractedValues").size()).isZero();

        JsonNode json = TestNode.json(test("{ $.status >= 500 }", List.of("{\"status\": 503}", "{\"status\": 200}", "status 503")));
        assertThat(json.get("matches")).extracting(n -> n.get("eventNumber").asInt()).containsExactly(1);
    }

    @Test
    void no_match_is_an_empty_list() throws Exception {
        HttpResponse<String> r = test("nothing_here", List.of("a", "b"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(TestNode.json(r).get("matches")).isEmpty();
    }

    @Test
    void an_invalid_pattern_is_400_naming_the_position() throws Exception {
        HttpResponse<String> r = test("ERROR (x", List.of("ERROR (x"));
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode body = TestNode.json(r);
        assertThat(body.get("error").asText()).contains("Invalid character(s) in term '('");
        assertThat(body.get("position").asInt()).isEqualTo(6);
    }

    @Test
    void a_pattern_over_1024_characters_is_400() throws Exception {
        HttpResponse<String> r = test("a".repeat(1025), List.of("a"));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(TestNode.json(r).get("error").asText()).contains("at most 1024");
    }

    @Test
    void a_body_of_the_wrong_shape_is_400() throws Exception {
        assertThat(t.post("/api/v1/filter/test", "not json", Map.of()).statusCode()).isEqualTo(400);
        assertThat(test("x", "a line, not a list").statusCode()).isEqualTo(400);
        HttpResponse<String> r = test("x", List.of("ok", 7));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(TestNode.json(r).get("error").asText()).contains("events[1]");
    }

    @Test
    void too_many_events_is_400_and_an_event_too_large_is_413() throws Exception {
        HttpResponse<String> many = test("x", java.util.Collections.nCopies(10_001, "x"));
        assertThat(many.statusCode()).isEqualTo(400);
        assertThat(TestNode.json(many).get("error").asText()).contains("too many events");

        HttpResponse<String> large = test("x", List.of("x", "y".repeat(256 * 1024 + 1)));
        assertThat(large.statusCode()).isEqualTo(413);
        assertThat(TestNode.json(large).get("error").asText()).contains("events[1]");
    }
}
