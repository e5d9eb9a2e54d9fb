package io.loglane.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /api/v1/search} on a running node with the bundled lanes (error goes to the index). */
class SearchApiTest {
    private static final String KEEP_ERROR_FOREVER = SearchCommandTest.KEEP_ERROR_FOREVER;

    private static String q(String s) { return URLEncoder.encode(s, StandardCharsets.UTF_8); }

    @Test
    void searchFindsFlushedEventsNewestFirstAndRefusesBadQueriesWithTheReason(@TempDir Path dir) throws Exception {
        try (TestNode t = TestNode.start(dir, KEEP_ERROR_FOREVER)) {
            String body = """
                    {"message":"payment failed E_CARD_DECLINED","status":402,"host":"web-1","ts":"2026-03-01T10:00:00Z"}
                    {"message":"db timeout after 30s","status":504,"host":"web-2","ts":"2026-03-01T10:00:01Z"}
                    {"message":"db timeout after 31s","status":504,"host":"web-1","ts":"2026-03-01T10:00:02Z"}
                    """;
            assertThat(t.post("/api/v1/ingest/app.error", body, Map.of()).statusCode()).isEqualTo(202);
            t.flush();
            String range = "&from=2026-03-01T00:00:00Z&to=1772409600000"; // to: 2026-03-02T00:00:00Z as epoch millis

            var r = t.get("/api/v1/search?lane=error&q=" + q("timeout AND host:web-1") + range);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonNode a = TestNode.json(r);
            assertThat(a.get("total").asLong()).isEqualTo(1);
            assertThat(a.get("total_relation").asText()).isEqualTo("eq");
            assertThat(a.get("complete").asBoolean()).isTrue();
            assertThat(a.get("syntax").asText()).isEqualTo("lucene");
            assertThat(a.get("stores").get(0).get("store").asText()).isEqualTo("index");
            JsonNode hit = a.get("hits").get(0);
            assertThat(hit.get("message").asText()).isEqualTo("db timeout after 31s");
            assertThat(hit.get("ts").asText()).isEqualTo("2026-03-01T10:00:02Z");
            assertThat(hit.get("lane").asText()).isEqualTo("error");
            assertThat(hit.get("offset").isNumber()).isTrue();
            assertThat(hit.get("record").get("host").asText()).isEqualTo("web-1");

            JsonNode page = TestNode.json(t.get("/api/v1/search?lane=error&limit=1&q=" + q("attrs.status:[500 TO 599]") + range));
            assertThat(page.get("total").asLong()).isEqualTo(2);
            assertThat(page.get("hits")).hasSize(1);
            assertThat(page.get("complete").asBoolean()).isFalse();
            String cursor = page.get("next_cursor").asText();
            JsonNode next = TestNode.json(t.get("/api/v1/search?lane=error&limit=1&q=" + q("attrs.status:[500 TO 599]") + range
                    + "&cursor=" + q(cursor)));
            assertThat(next.get("hits").get(0).get("message").asText()).isEqualTo("db timeout after 30s");

            JsonNode hist = TestNode.json(t.get("/api/v1/histogram?lane=error&interval=1s&q=" + q("message:timeout")
                    + "&from=2026-03-01T10:00:00Z&to=2026-03-01T10:00:03Z"));
            assertThat(hist.get("interval_ms").asLong()).isEqualTo(1000);
            assertThat(hist.get("buckets")).extracting(b -> b.get("count").asLong()).containsExactly(0L, 1L, 1L);
            assertThat(hist.get("buckets").get(1).get("start").asText()).isEqualTo("2026-03-01T10:00:01Z");

            JsonNode filter = TestNode.json(t.get("/api/v1/search?lane=error&q=" + q("CARD_DEC -timeout") + range));
            assertThat(filter.get("syntax").asText()).as("plain terms are a filter pattern").isEqualTo("filter");
            assertThat(filter.get("hits")).extracting(h -> h.get("message").asText()).containsExactly("payment failed E_CARD_DECLINED");
            JsonNode lucene = TestNode.json(t.get("/api/v1/search?lane=error&syntax=lucene&q=" + q("CARD_DEC") + range));
            assertThat(lucene.get("total").asLong()).as("as Lucene words, a part of a word matches nothing").isZero();
            JsonNode firstOfTwo = TestNode.json(t.get("/api/v1/search?lane=error&limit=1&q=timeout" + range));
            assertThat(firstOfTwo.get("total_relation").asText()).as("the page first: a lower bound").isEqualTo("gte");
            JsonNode counted = TestNode.json(t.get("/api/v1/search?lane=error&limit=1&total=exact&q=timeout" + range));
            assertThat(counted.get("total").asLong()).isEqualTo(2);
            assertThat(counted.get("total_relation").asText()).isEqualTo("eq");
            assertThat(counted.get("hits")).hasSize(1);
            var badTotal = t.get("/api/v1/search?lane=error&total=some&q=timeout" + range);
            assertThat(badTotal.statusCode()).isEqualTo(400);
            assertThat(TestNode.json(badTotal).get("error").asText()).contains("total must be auto or exact");
            var badFilter = t.get("/api/v1/search?lane=error&q=" + q("{ $.a = ") + range);
            assertThat(badFilter.statusCode()).isEqualTo(400);
            assertThat(TestNode.json(badFilter).get("position").isNumber()).isTrue();

            var bad = t.get("/api/v1/search?lane=error&q=" + q("status:[500 TO") + range);
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(TestNode.json(bad).get("error").asText()).contains("bad_query", "column");
            var audit = t.get("/api/v1/search?lane=audit&q=x");
            assertThat(audit.statusCode()).as("audit has no index: its archive answers").isEqualTo(200);
            assertThat(TestNode.json(audit).get("stores")).extracting(s -> s.get("store").asText()).containsExactly("archive");
            assertThat(t.get("/api/v1/search?q=x").statusCode()).as("lane is required").isEqualTo(400);
        }
    }

    @Test
    void theHistogramSplitsByAKeywordFieldAndCountsFilterPatterns(@TempDir Path dir) throws Exception {
        try (TestNode t = TestNode.start(dir, KEEP_ERROR_FOREVER)) {
            String body = """
                    {"message":"db timeout","host":"web-1","ts":"2026-03-01T10:00:00Z"}
                    {"message":"db timeout","host":"web-2","ts":"2026-03-01T10:00:01Z"}
                    {"message":"db timeout","host":"web-1","ts":"2026-03-01T10:00:01Z"}
                    {"message":"db Timeout","host":"web-3","ts":"2026-03-01T10:00:01Z"}
                    {"message":"disk full","ts":"2026-03-01T10:00:01Z"}
                    """;
            assertThat(t.post("/api/v1/ingest/app.error", body, Map.of()).statusCode()).isEqualTo(202);
            t.flush();
            String range = "&interval=1s&from=2026-03-01T10:00:00Z&to=2026-03-01T10:00:02Z";

            var r = t.get("/api/v1/histogram?lane=error&split=host&split_size=1" + range);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonNode h = TestNode.json(r);
            assertThat(h.get("split").get("values")).extracting(JsonNode::asText).containsExactly("web-1");
            JsonNode second = h.get("buckets").get(1);
            assertThat(second.get("count").asLong()).isEqualTo(4);
            assertThat(second.get("split").get("web-1").asLong()).isEqualTo(1);
            assertThat(second.get("other").asLong()).as("web-2, web-3 and the line without a host").isEqualTo(3);

            JsonNode filter = TestNode.json(t.get("/api/v1/histogram?lane=error&q=timeout" + range));
            assertThat(filter.get("syntax").asText()).isEqualTo("filter");
            assertThat(filter.get("buckets")).extracting(b -> b.get("count").asLong()).as("case-sensitive like the search")
                    .containsExactly(1L, 2L);
            assertThat(filter.get("complete").asBoolean()).isTrue();

            assertThat(t.get("/api/v1/histogram?lane=error&split=host&split_size=0" + range).statusCode()).isEqualTo(400);
            assertThat(t.get("/api/v1/histogram?lane=error&split=host&split_size=51" + range).statusCode()).isEqualTo(400);
            assertThat(t.get("/api/v1/histogram?lane=error&split=host&split_size=x" + range).statusCode()).isEqualTo(400);
            assertThat(t.get("/api/v1/histogram?lane=error&q=" + q("{ $.a = ") + range).statusCode()).isEqualTo(400);
            assertThat(t.get("/api/v1/histogram?lane=nosuch" + range).statusCode()).isEqualTo(404);
        }
    }
}
