package io.loglane.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One event set in both stores of the {@code error} lane (index and archive, written by delivery),
 * searched over real HTTP three times: with every day in the index, after the index lost its two
 * oldest days (as its retention drops them: the search splits at the index's oldest event), and
 * after it lost all (the archive alone). Each kind of filter pattern and a few Lucene queries give
 * the same matches every time; one cursor pages across the boundary seeing each event once; the
 * answer's {@code stores} says exactly which store covered which time range.
 */
class HotColdSearchApiTest {
    private static String q(String s) { return URLEncoder.encode(s, StandardCharsets.UTF_8); }

    /** One pattern of each kind, plus Lucene queries the archive can run. */
    private static final Map<String, String> QUERIES = new LinkedHashMap<>();

    static {
        QUERIES.put("ERROR -timeout", "filter");
        QUERIES.put("\"card declined\"", "filter");
        QUERIES.put("?E_DB ?E_CARD", "filter");
        QUERIES.put("%E_[A-Z]+_DECLINED%", "filter");
        QUERIES.put("{ $.status >= 500 && $.path = \"/api/*\" }", "filter");
        QUERIES.put("{ $.host = \"web-1\" || $.status = 402 }", "filter");
        QUERIES.put("[level = ERROR, code = E_DB*, ...]", "filter");
        QUERIES.put("", "filter");
        QUERIES.put("attrs.status:[500 TO 599] AND host:web-1", "lucene");
        QUERIES.put("timeout OR \"card declined\"", "lucene");
        QUERIES.put("attrs.path:/api* -host:web-2", "lucene");
        QUERIES.put("\"db timeout\" AND NOT host:web-3", "lucene");
        QUERIES.put("attrs.status:[503 TO *] OR host:w*-1", "lucene");
        QUERIES.put("e_card_declined OR time*", "lucene");
        QUERIES.put("host:[web-1 TO web-2} AND attrs.status:[402 TO 402]", "lucene");
    }

    /** Top values of a keyword and of an attrs key holding numbers. */
    private static final List<String> TOP_FIELDS = List.of("host", "attrs.status");

    private static final int DAYS = 3;
    private static final int PER_DAY = 24;

    @Test
    void theSameQueriesGiveTheSameMatchesFromTheIndexFromBothStoresAndFromTheArchive(@TempDir Path dir) throws Exception {
        Instant day0 = LocalDate.now(ZoneOffset.UTC).minusDays(DAYS).atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant first = day0.plus(1, ChronoUnit.HOURS);
        String from = "&from=" + first.toEpochMilli() + "&to=" + day0.plus(DAYS, ChronoUnit.DAYS).toEpochMilli();
        Map<String, List<String>> reference = new LinkedHashMap<>();
        Map<String, List<Long>> referenceHistogram = new LinkedHashMap<>();
        List<String> referenceByHost;
        Map<String, List<String>> referenceTop = new LinkedHashMap<>();
        java.util.TreeSet<String> referenceFields = new java.util.TreeSet<>();

        try (TestNode t = TestNode.start(dir, "")) {
            StringBuilder body = new StringBuilder();
            for (int d = 0; d < DAYS; d++) {
                for (int i = 0; i < PER_DAY; i++) {
                    body.append(event(first.plus(d, ChronoUnit.DAYS).plus(i * 37L, ChronoUnit.MINUTES), d * PER_DAY + i)).append('\n');
                }
            }
            assertThat(t.post("/api/v1/ingest/app.error", body.toString(), Map.of()).statusCode()).isEqualTo(202);
            assertThat(t.post("/api/v1/ingest/app.audit", body.toString(), Map.of()).statusCode()).isEqualTo(202);
            t.flush();

            for (Map.Entry<String, String> e : QUERIES.entrySet()) {
                JsonNode a = search(t, "error", e.getKey(), e.getValue(), from, 1000);
                assertThat(stores(a)).as(e.getKey()).containsExactly("index " + first + " " + day0.plus(DAYS, ChronoUnit.DAYS) + " true");
                assertThat(a.get("complete").asBoolean()).as(e.getKey()).isTrue();
                assertThat(a.get("hits")).allSatisfy(h -> assertThat(h.get("offset").isNumber()).isTrue());
                reference.put(e.getKey(), matches(a));
                referenceHistogram.put(e.getKey(), histogram(t, "error", e.getKey(), e.getValue(), from));
            }
            assertThat(reference.get("")).hasSize(DAYS * PER_DAY);
            // an archive part with no match (before the first event): the index's last page, full, is the last page
            String earlier = "&from=" + first.minus(1, ChronoUnit.HOURS).toEpochMilli() + "&to=" + day0.plus(DAYS, ChronoUnit.DAYS).toEpochMilli();
            assertThat(paged(t, "error", "", "filter", earlier, PER_DAY)).isEqualTo(reference.get(""));
            referenceByHost = byHost(t, "ERROR", "filter", from);
            referenceFields.addAll(fieldCounts(TestNode.json(t.get("/api/v1/fields?lane=error&q=ERROR" + from))));
            assertThat(referenceFields).contains("attrs.status:long=" + DAYS * PER_DAY / 2, "attrs.path:keyword=" + DAYS * PER_DAY / 2,
                    "host:keyword=" + DAYS * PER_DAY / 2, "message:text=" + DAYS * PER_DAY / 2);
            for (String field : TOP_FIELDS) {
                referenceTop.put(field, topValues(top(t, field, from)));
                assertThat(referenceTop.get(field)).as(field).hasSizeGreaterThan(2);
            }
            assertThat(referenceByHost).anySatisfy(b -> assertThat(b).contains("web-1=", "web-2=", "web-3="));
            for (Map.Entry<String, List<String>> e : reference.entrySet()) {
                if (!e.getKey().isEmpty()) {
                    assertThat(e.getValue()).as("%s selects some but not all", e.getKey()).isNotEmpty().hasSizeLessThan(DAYS * PER_DAY);
                }
            }

            // A lane without index (audit: to: [archive]) is served from the archive, the whole range.
            for (Map.Entry<String, String> e : QUERIES.entrySet()) {
                JsonNode a = search(t, "audit", e.getKey(), e.getValue(), from, 1000);
                assertThat(stores(a)).as(e.getKey()).containsExactly("archive " + first + " " + day0.plus(DAYS, ChronoUnit.DAYS) + " true");
                assertThat(matches(a)).as("audit: " + e.getKey()).isEqualTo(reference.get(e.getKey()));
                assertThat(a.get("hits")).allSatisfy(h -> assertThat(h.get("offset").isNull()).isTrue());
            }
        }

        // The index loses its two oldest days (what its retention does): the search splits.
        Path index = dir.resolve("data").resolve("index").resolve("error");
        deleteDay(index, day0.atZone(ZoneOffset.UTC).toLocalDate());
        deleteDay(index, day0.atZone(ZoneOffset.UTC).toLocalDate().plusDays(1));
        Instant boundary = first.plus(2, ChronoUnit.DAYS);
        try (TestNode t = TestNode.start(dir, "")) {
            for (Map.Entry<String, String> e : QUERIES.entrySet()) {
                JsonNode a = search(t, "error", e.getKey(), e.getValue(), from, 1000);
                assertThat(stores(a)).as(e.getKey()).containsExactly(
                        "index " + boundary + " " + day0.plus(DAYS, ChronoUnit.DAYS) + " true",
                        "archive " + first + " " + boundary + " true");
                assertThat(matches(a)).as("split: " + e.getKey()).isEqualTo(reference.get(e.getKey()));
                assertThat(a.get("total").asLong()).isEqualTo(reference.get(e.getKey()).size());
                assertThat(a.get("total_relation").asText()).isEqualTo("eq");
                assertThat(a.get("complete").asBoolean()).isTrue();
                assertThat(histogram(t, "error", e.getKey(), e.getValue(), from)).as("histogram " + e.getKey())
                        .isEqualTo(referenceHistogram.get(e.getKey()));
                assertThat(paged(t, "error", e.getKey(), e.getValue(), from, 5)).as("paged by 5: " + e.getKey())
                        .isEqualTo(reference.get(e.getKey()));
            }
            assertThat(byHost(t, "ERROR", "filter", from)).as("split by host across the boundary").isEqualTo(referenceByHost);
            // Top values add the archive's part; the field list reads the index alone and says so.
            for (String field : TOP_FIELDS) {
                JsonNode top = top(t, field, from);
                assertThat(stores(top)).containsExactly("index " + boundary + " " + day0.plus(DAYS, ChronoUnit.DAYS) + " true",
                        "archive " + first + " " + boundary + " true");
                assertThat(topValues(top)).as("top " + field + " across the boundary").isEqualTo(referenceTop.get(field));
            }
            JsonNode fields = TestNode.json(t.get("/api/v1/fields?lane=error&q=ERROR" + from));
            assertThat(stores(fields)).containsExactly("index " + boundary + " " + day0.plus(DAYS, ChronoUnit.DAYS) + " true",
                    "archive " + first + " " + boundary + " true");
            assertThat(fieldCounts(fields)).as("fields across the boundary").isEqualTo(referenceFields);
            assertThat(fields.get("complete").asBoolean()).isTrue();
            // the index's part fills the first page exactly: the cursor starts the archive's part
            JsonNode exactly = search(t, "error", "", "filter", from, PER_DAY);
            assertThat(exactly.get("hits")).extracting(h -> h.get("store").asText()).containsOnly("index").hasSize(PER_DAY);
            assertThat(exactly.get("total").asLong()).isEqualTo(DAYS * PER_DAY);
            JsonNode second = search(t, "error", "", "filter", from + "&cursor=" + q(exactly.get("next_cursor").asText()), PER_DAY);
            assertThat(matches(second)).isEqualTo(reference.get("").subList(PER_DAY, 2 * PER_DAY));
            assertThat(second.get("total_relation").asText()).as("past the first page, a lower bound").isEqualTo("gte");
            // a page that holds both stores' hits
            JsonNode straddle = search(t, "error", "", "filter", "&from=" + boundary.minus(12, ChronoUnit.HOURS).toEpochMilli()
                    + "&to=" + boundary.plus(2, ChronoUnit.HOURS).toEpochMilli(), 1000);
            assertThat(straddle.get("hits")).extracting(h -> h.get("store").asText()).containsSubsequence("index", "archive");
        }

        // The index loses everything: the archive alone answers.
        deleteDay(index, day0.atZone(ZoneOffset.UTC).toLocalDate().plusDays(2));
        try (TestNode t = TestNode.start(dir, "")) {
            for (Map.Entry<String, String> e : QUERIES.entrySet()) {
                JsonNode a = search(t, "error", e.getKey(), e.getValue(), from, 1000);
                assertThat(stores(a)).as(e.getKey()).containsExactly("archive " + first + " " + day0.plus(DAYS, ChronoUnit.DAYS) + " true");
                assertThat(matches(a)).as("archive: " + e.getKey()).isEqualTo(reference.get(e.getKey()));
                assertThat(paged(t, "error", e.getKey(), e.getValue(), from, 7)).as("paged by 7: " + e.getKey())
                        .isEqualTo(reference.get(e.getKey()));
            }

            assertThat(byHost(t, "ERROR", "filter", from)).as("split by host from the archive").isEqualTo(referenceByHost);
            JsonNode coldFields = TestNode.json(t.get("/api/v1/fields?lane=error&q=ERROR" + from));
            assertThat(fieldCounts(coldFields)).as("fields from the archive").isEqualTo(referenceFields);
            for (String field : TOP_FIELDS) {
                JsonNode top = top(t, field, from);
                assertThat(stores(top)).containsExactly("archive " + first + " " + day0.plus(DAYS, ChronoUnit.DAYS) + " true");
                assertThat(topValues(top)).as("top " + field + " from the archive").isEqualTo(referenceTop.get(field));
                assertThat(top.get("complete").asBoolean()).isTrue();
            }

            // Bad input, answered by the archive's path: 400 with the position; a cursor of another query: 400.
            var bad = t.get("/api/v1/search?lane=error&q=" + q("{ $.status = ") + from);
            assertThat(bad.statusCode()).as(bad.body()).isEqualTo(400);
            assertThat(TestNode.json(bad).get("position").isNumber()).isTrue();
            var badLucene = t.get("/api/v1/search?lane=error&syntax=lucene&q=" + q("status:[500 TO") + from);
            assertThat(badLucene.statusCode()).isEqualTo(400);
            assertThat(TestNode.json(badLucene).get("error").asText()).contains("bad_query", "column");
            String cursor = search(t, "error", "ERROR", "filter", from, 2).get("next_cursor").asText();
            var other = t.get("/api/v1/search?lane=error&limit=2&q=" + q("timeout") + from + "&cursor=" + q(cursor));
            assertThat(other.statusCode()).as(other.body()).isEqualTo(400);
            assertThat(TestNode.json(other).get("error").asText()).contains("another query");
            assertThat(t.get("/api/v1/search?lane=audit&limit=2&q=ERROR" + from + "&cursor=" + q(cursor)).statusCode())
                    .as("a cursor of another lane").isEqualTo(400);
            assertThat(t.get("/api/v1/search?lane=error&q=ERROR" + from + "&cursor=nonsense").statusCode()).isEqualTo(400);
            assertThat(t.get("/api/v1/search?lane=audit&q=ERROR&from=0&to=99999999999999999").statusCode())
                    .as("a range past what nanoseconds hold").isEqualTo(400);
            assertThat(t.get("/api/v1/histogram?lane=audit&q=ERROR&from=-99999999999999999&to=0").statusCode()).isEqualTo(400);

            // A valid pattern SQL cannot express: the archive's part is not covered, and the answer says why.
            JsonNode refused = TestNode.json(t.get("/api/v1/search?lane=error&q=" + q("{ $.tags[*] = \"x\" }") + from));
            assertThat(refused.get("complete").asBoolean()).isFalse();
            JsonNode part = refused.get("stores").get(0);
            assertThat(part.get("covered").asBoolean()).isFalse();
            assertThat(part.get("reason").asText()).contains("[*]", "archive");
            JsonNode fuzzy = TestNode.json(t.get("/api/v1/search?lane=error&syntax=lucene&q=" + q("timeot~1") + from));
            assertThat(fuzzy.get("stores").get(0).get("reason").asText()).contains("fuzzy");
            assertThat(fuzzy.get("complete").asBoolean()).isFalse();
        }
    }

    @Test
    void aLaneWithoutArchiveSaysThePartBeforeItsIndexIsNotCoveredAndAnInvalidQueryIsRefusedWhateverTheStores(@TempDir Path dir)
            throws Exception {
        try (TestNode t = TestNode.start(dir, "lanes:\n  error:\n    to: [index]\n")) {
            Instant day = LocalDate.now(ZoneOffset.UTC).minusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
            String range = "&from=" + day.toEpochMilli() + "&to=" + day.plus(1, ChronoUnit.DAYS).toEpochMilli();
            var empty = t.get("/api/v1/search?lane=error&q=" + q("{ $.status = ") + range);
            assertThat(empty.statusCode()).as("an empty index, no archive: still 400 " + empty.body()).isEqualTo(400);
            assertThat(TestNode.json(empty).get("position").isNumber()).isTrue();

            Instant at = day.plus(12, ChronoUnit.HOURS);
            assertThat(t.post("/api/v1/ingest/app.error", event(at, 0) + "\n", Map.of()).statusCode()).isEqualTo(202);
            t.flush();
            JsonNode a = search(t, "error", "ERROR", "filter", range, 10);
            assertThat(stores(a)).containsExactly("index " + at + " " + day.plus(1, ChronoUnit.DAYS) + " true",
                    "archive " + day + " " + at + " false");
            assertThat(a.get("stores").get(1).get("reason").asText()).contains("no archive");
            assertThat(a.get("hits")).hasSize(1);
            assertThat(a.get("complete").asBoolean()).isFalse();
        }
    }

    @Test
    void eventsOlderThanTheIndexRetentionAreNotIndexedButCountedAndSearchFindsThemInTheArchive(@TempDir Path dir) throws Exception {
        try (TestNode t = TestNode.start(dir, "lanes:\n  error:\n    index_retention: 2d\n")) {
            Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            Instant old = now.minus(10, ChronoUnit.DAYS);
            Instant recent = now.minus(1, ChronoUnit.HOURS);
            String body = event(old, 0) + "\n" + event(old.plusSeconds(60), 1) + "\n" + event(recent, 4) + "\n";
            assertThat(t.post("/api/v1/ingest/app.error", body, Map.of()).statusCode()).isEqualTo(202);
            t.flush();
            assertThat(dir.resolve("data/index/error/" + old.atZone(ZoneOffset.UTC).toLocalDate())).doesNotExist();
            String metrics = t.get("/metrics").body();
            assertThat(metrics).contains("loglane_index_skipped_total{lane=\"error\",reason=\"past_retention\"} 2.0");

            Instant from = now.minus(11, ChronoUnit.DAYS);
            Instant to = now.plusSeconds(1);
            JsonNode a = search(t, "error", "ERROR", "filter", "&from=" + from.toEpochMilli() + "&to=" + to.toEpochMilli(), 100);
            assertThat(stores(a)).containsExactly("index " + recent + " " + to + " true", "archive " + from + " " + recent + " true");
            assertThat(matches(a)).hasSize(3);
            assertThat(a.get("total").asLong()).isEqualTo(3);
            assertThat(a.get("complete").asBoolean()).isTrue();
        }
    }

    /** An error-lane JSON line; its fields vary with {@code i} so that each query selects some of them. */
    private static String event(Instant ts, int i) {
        String host = "web-" + (i % 3 + 1);
        int status = new int[] {200, 402, 500, 503, 504}[i % 5];
        String path = i % 2 == 0 ? "/api/orders/" + i : "/static/" + i;
        String message = switch (i % 4) {
            case 0 -> "ERROR E_DB_TIMEOUT db timeout after " + i + "s";
            case 1 -> "ERROR E_CARD_DECLINED card declined for order " + i;
            case 2 -> "WARN slow request " + i;
            default -> "INFO E_DBX ok " + i;
        };
        return "{\"message\":\"" + message + "\",\"status\":" + status + ",\"host\":\"" + host + "\",\"path\":\"" + path
                + "\",\"ts\":\"" + ts + "\"}";
    }

    private static JsonNode search(TestNode t, String lane, String query, String syntax, String range, int limit) throws Exception {
        var r = t.get("/api/v1/search?lane=" + lane + "&syntax=" + syntax + "&limit=" + limit + "&q=" + q(query) + range);
        assertThat(r.statusCode()).as(query + ": " + r.body()).isEqualTo(200);
        return TestNode.json(r);
    }

    /** Each hit as "ts message", in the answer's order. */
    private static List<String> matches(JsonNode a) {
        List<String> out = new ArrayList<>();
        a.get("hits").forEach(h -> out.add(h.get("ts").asText() + " " + h.get("message").asText()));
        return out;
    }

    /** The answer's stores as "store from to covered". */
    private static List<String> stores(JsonNode a) {
        List<String> out = new ArrayList<>();
        a.get("stores").forEach(s -> out.add(s.get("store").asText() + " " + s.get("from").asText() + " " + s.get("to").asText() + " "
                + s.get("covered").asBoolean()));
        return out;
    }

    /** Every match, page by page through the cursors; each page checked to hold no hit of an earlier one. */
    private static List<String> paged(TestNode t, String lane, String query, String syntax, String range, int limit) throws Exception {
        List<String> all = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        Set<String> ids = new HashSet<>();
        String cursor = null;
        for (int pages = 0; pages < 1000; pages++) {
            JsonNode a = search(t, lane, query, syntax, range + (cursor == null ? "" : "&cursor=" + q(cursor)), limit);
            assertThat(cursor == null || !a.get("hits").isEmpty()).as("a next_cursor leads to more hits (page %d)", pages + 1).isTrue();
            for (String m : matches(a)) {
                assertThat(seen.add(m)).as("seen once: " + m).isTrue();
                all.add(m);
            }
            a.get("hits").forEach(h -> assertThat(ids.add(h.get("id").asText())).as("ids name hits once: " + h).isTrue());
            if (a.get("next_cursor").isNull()) {
                return all;
            }
            cursor = a.get("next_cursor").asText();
        }
        throw new AssertionError("no last page");
    }

    private static List<Long> histogram(TestNode t, String lane, String query, String syntax, String range) throws Exception {
        var r = t.get("/api/v1/histogram?lane=" + lane + "&syntax=" + syntax + "&interval=6h&q=" + q(query) + range);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode h = TestNode.json(r);
        assertThat(h.get("complete").asBoolean()).isTrue();
        List<Long> out = new ArrayList<>();
        h.get("buckets").forEach(b -> out.add(b.get("count").asLong()));
        return out;
    }

    private static JsonNode top(TestNode t, String field, String range) throws Exception {
        var r = t.get("/api/v1/fields/" + field + "/top?lane=error&size=10&q=" + q("-INFO") + range);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return TestNode.json(r);
    }

    /** A field listing as "name:type=count" (fields no match holds left out), sorted, then the matches. */
    private static java.util.TreeSet<String> fieldCounts(JsonNode a) {
        java.util.TreeSet<String> out = new java.util.TreeSet<>();
        a.get("fields").forEach(f -> {
            if (f.get("count").asLong() > 0) {
                out.add(f.get("name").asText() + ":" + f.get("type").asText() + "=" + f.get("count").asLong());
            }
        });
        out.add("matches=" + a.get("matches").asLong());
        return out;
    }

    /** A top-values answer as "value=count" lines (the value as JSON: a number stays one), then its totals. */
    private static List<String> topValues(JsonNode a) {
        List<String> out = new ArrayList<>();
        a.get("values").forEach(v -> out.add(v.get("value") + "=" + v.get("count").asLong()));
        out.add("denominator=" + a.get("denominator").asLong() + " with_value=" + a.get("with_value").asLong() + " distinct="
                + a.get("distinct").asLong());
        return out;
    }

    /** Each bucket of a histogram split by host (all three hosts are split values) as "count host=n … other=n". */
    private static List<String> byHost(TestNode t, String query, String syntax, String range) throws Exception {
        var r = t.get("/api/v1/histogram?lane=error&syntax=" + syntax + "&interval=12h&split=host&split_size=3&q=" + q(query) + range);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<String> out = new ArrayList<>();
        for (JsonNode b : TestNode.json(r).get("buckets")) {
            StringBuilder line = new StringBuilder().append(b.get("count").asLong());
            new java.util.TreeMap<String, Long>(TestNode.JSON.convertValue(b.get("split"), new com.fasterxml.jackson.core.type.TypeReference<
                    Map<String, Long>>() {})).forEach((k, v) -> line.append(' ').append(k).append('=').append(v));
            out.add(line.append(" other=").append(b.get("other").asLong()).toString());
        }
        return out;
    }

    private static void deleteDay(Path laneIndex, LocalDate day) throws Exception {
        Path d = laneIndex.resolve(day.toString());
        assertThat(d).isDirectory();
        try (Stream<Path> s = Files.walk(d)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
