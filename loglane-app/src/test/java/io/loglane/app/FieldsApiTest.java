package io.loglane.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /api/v1/fields}, {@code /api/v1/fields/{name}/top} and {@code /api/v1/context} on a running node with the bundled lanes (error is indexed). */
class FieldsApiTest {
    private static final String KEEP_ERROR_FOREVER = SearchCommandTest.KEEP_ERROR_FOREVER;

    private static final String RANGE = "&from=2026-03-01T00:00:00Z&to=2026-03-02T00:00:00Z";

    private static String q(String s) { return URLEncoder.encode(s, StandardCharsets.UTF_8); }

    @Test
    void fieldsAndTopValuesDescribeTheMatchesAndBadRequestsAreRefused(@TempDir Path dir) throws Exception {
        try (TestNode t = TestNode.start(dir, KEEP_ERROR_FOREVER)) {
            String body = """
                    {"message":"payment failed","status":402,"host":"web-1","ts":"2026-03-01T10:00:00Z"}
                    {"message":"db timeout after 30s","status":504,"host":"web-2","ts":"2026-03-01T10:00:01Z"}
                    {"message":"db timeout after 31s","status":504,"host":"web-1","ts":"2026-03-01T10:00:02Z"}
                    {"message":"db timeout after 32s","status":"n/a","host":"web-1","ts":"2026-03-01T10:00:03Z"}
                    """;
            assertThat(t.post("/api/v1/ingest/app.error", body, Map.of()).statusCode()).isEqualTo(202);
            t.flush();

            var r = t.get("/api/v1/fields?lane=error&q=timeout" + RANGE);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonNode f = TestNode.json(r);
            assertThat(f.get("matches").asLong()).isEqualTo(3);
            assertThat(f.get("exact").asBoolean()).isTrue();
            assertThat(f.get("syntax").asText()).isEqualTo("filter");
            Map<String, String> byNameType = new java.util.HashMap<>();
            f.get("fields").forEach(x -> byNameType.put(x.get("name").asText() + "/" + x.get("type").asText(), x.get("count").asText()));
            assertThat(byNameType).containsEntry("host/keyword", "3").containsEntry("message/text", "3")
                    .as("one key holding numbers and strings is listed per type")
                    .containsEntry("attrs.status/long", "2").containsEntry("attrs.status/keyword", "1");

            JsonNode top = TestNode.json(t.get("/api/v1/fields/host/top?lane=error&size=1&q=" + q("message:timeout") + RANGE));
            assertThat(top.get("field").asText()).isEqualTo("host");
            assertThat(top.get("denominator").asLong()).isEqualTo(3);
            assertThat(top.get("exact").asBoolean()).isTrue();
            assertThat(top.get("distinct").asLong()).isEqualTo(2);
            JsonNode first = top.get("values").get(0);
            assertThat(first.get("value").asText()).isEqualTo("web-1");
            assertThat(first.get("count").asLong()).isEqualTo(2);
            assertThat(first.get("share").asDouble()).isBetween(0.66, 0.67);
            JsonNode status = TestNode.json(t.get("/api/v1/fields/attrs.status/top?lane=error" + RANGE));
            assertThat(status.get("values").get(0).get("value").isNumber()).as("numbers stay numbers").isTrue();
            assertThat(status.get("values").get(0).get("value").asLong()).isEqualTo(504);
            assertThat(status.get("values")).hasSize(3);

            assertThat(t.get("/api/v1/fields?lane=nosuch" + RANGE).statusCode()).as("unknown lane").isEqualTo(404);
            assertThat(t.get("/api/v1/fields/host/top?lane=nosuch" + RANGE).statusCode()).isEqualTo(404);
            assertThat(t.get("/api/v1/search?lane=nosuch" + RANGE).statusCode()).isEqualTo(404);
            var audit = t.get("/api/v1/fields?lane=audit" + RANGE);
            assertThat(audit.statusCode()).as("audit has no index: its archive answers").isEqualTo(200);
            assertThat(TestNode.json(audit).get("stores")).extracting(x -> x.get("store").asText()).containsExactly("archive");
            assertThat(t.get("/api/v1/fields?" + RANGE).statusCode()).as("lane is required").isEqualTo(400);
            var badQuery = t.get("/api/v1/fields?lane=error&q=" + q("status:[500 TO") + RANGE);
            assertThat(badQuery.statusCode()).isEqualTo(400);
            assertThat(TestNode.json(badQuery).get("error").asText()).contains("bad_query");
            for (String size : new String[] {"0", "1001", "x"}) {
                var bad = t.get("/api/v1/fields/host/top?lane=error&size=" + size + RANGE);
                assertThat(bad.statusCode()).as("size " + size).isEqualTo(400);
                assertThat(TestNode.json(bad).get("error").asText()).contains("size");
            }
            assertThat(t.get("/api/v1/fields?lane=error&from=yesterday").statusCode()).isEqualTo(400);
            assertThat(t.get("/api/v1/fields?lane=error&from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z").statusCode())
                    .as("empty range").isEqualTo(400);
        }
    }

    @Test
    void theContextOfAHitIsItsContainersLinesAndBadRequestsAreRefused(@TempDir Path dir) throws Exception {
        try (TestNode t = TestNode.start(dir, KEEP_ERROR_FOREVER)) {
            String body = """
                    {"message":"c1 one","container_id":"c1","ts":"2026-03-01T10:00:00Z"}
                    {"message":"c2 one","container_id":"c2","ts":"2026-03-01T10:00:01Z"}
                    {"message":"c1 two","container_id":"c1","ts":"2026-03-01T10:00:02Z"}
                    {"message":"c1 three","container_id":"c1","ts":"2026-03-01T10:00:03Z"}
                    """;
            assertThat(t.post("/api/v1/ingest/app.error", body, Map.of()).statusCode()).isEqualTo(202);
            t.flush();
            long offset = TestNode.json(t.get("/api/v1/search?lane=error&q=" + q("\"c1 two\"") + RANGE)).get("hits").get(0).get("offset").asLong();

            var r = t.get("/api/v1/context?lane=error&before=5&after=5&offset=" + offset);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonNode c = TestNode.json(r);
            assertThat(c.get("shared").get("field").asText()).isEqualTo("container_id");
            assertThat(c.get("hit").get("message").asText()).isEqualTo("c1 two");
            assertThat(c.get("before")).extracting(h -> h.get("message").asText()).containsExactly("c1 one");
            assertThat(c.get("after")).extracting(h -> h.get("message").asText()).containsExactly("c1 three");

            assertThat(t.get("/api/v1/context?lane=error&offset=999").statusCode()).as("offset not indexed").isEqualTo(404);
            assertThat(t.get("/api/v1/context?lane=nosuch&offset=1").statusCode()).as("unknown lane").isEqualTo(404);
            assertThat(t.get("/api/v1/context?lane=audit&offset=1").statusCode()).as("audit has no index").isEqualTo(400);
            assertThat(t.get("/api/v1/context?lane=error").statusCode()).as("offset is required").isEqualTo(400);
            assertThat(t.get("/api/v1/context?lane=error&offset=x").statusCode()).isEqualTo(400);
            assertThat(t.get("/api/v1/context?lane=error&offset=1&before=1001").statusCode()).isEqualTo(400);
            assertThat(t.get("/api/v1/context?lane=error&offset=1&after=-1").statusCode()).isEqualTo(400);
        }
    }
}
