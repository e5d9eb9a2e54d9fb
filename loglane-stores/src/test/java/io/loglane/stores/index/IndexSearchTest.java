package io.loglane.stores.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loglane.core.config.Retention;
import io.loglane.search.filter.FilterPattern;
import io.loglane.stores.archive.MutableClock;
import io.loglane.stores.archive.TestParser;
import io.loglane.stores.archive.TestRecords;
import io.loglane.stores.archive.TestRecords.Event;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.apache.lucene.queryparser.classic.ParseException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Lucene-syntax search over a lane's day indices: field types, time range, order, paging, totals, near-real-time. */
@Timeout(60)
class IndexSearchTest {
    private static final String LANE = "access";
    private static final long ALL_FROM = Instant.parse("2026-02-01T00:00:00Z").toEpochMilli();
    private static final long ALL_TO = Instant.parse("2026-04-01T00:00:00Z").toEpochMilli();

    @TempDir Path dir;
    private IndexSink sink;
    private OpenIndexSinks sinks;
    private IndexSearch search;

    @BeforeEach
    void index() throws Exception {
        sink = new IndexSink(LANE, new TestParser(), IndexSinkContractTest.settings(dir), new Retention(Duration.ZERO, 0),
                new SimpleMeterRegistry(), new MutableClock(Instant.parse("2026-03-02T12:00:00Z")));
        sinks = new OpenIndexSinks();
        sinks.add(sink);
        search = new IndexSearch(new IndexLayout(dir), sinks, Map.of(LANE, new TestParser()));
        sink.open(0);
        sink.write(TestRecords.batch(0, "web", List.of(
                ev("2026-03-01T10:00:00Z", "GET /api/users 503 0.250", 1),
                ev("2026-03-01T11:00:00Z", "POST /api/orders 500 1.500", 2),
                ev("2026-03-01T12:00:00Z", "GET /login 200 0.010", 3),
                ev("2026-03-02T09:00:00Z", "GET /API/x 404 0.020", 4),
                ev("2026-03-02T10:00:00Z", "IllegalArgumentException: bad thing", 5))));
        sink.flush(true);
    }

    private static Event ev(String iso, String line, int attempt) {
        return new Event(TestRecords.nanos(iso), Map.of("log", line, "attempt", attempt));
    }

    @AfterEach
    void close() throws Exception {
        sink.close();
    }

    private IndexSearch.Result run(String q, long from, long to, int limit, IndexSearch.Cursor after) throws Exception {
        return search.search(new IndexSearch.Request(LANE, q, SearchSyntax.LUCENE, from, to, limit, after));
    }

    private List<Long> offsets(String q) throws Exception {
        return run(q, ALL_FROM, ALL_TO, 100, null).hits().stream().map(IndexSearch.Hit::offset).toList();
    }

    @Test
    void fieldsAreQueriedWithTheirTypes() throws Exception {
        assertThat(offsets("status:[500 TO 599] AND method:GET")).containsExactly(0L);
        assertThat(offsets("status:[500 TO 599]")).containsExactly(1L, 0L);
        assertThat(offsets("status:{500 TO 599]")).as("exclusive lower bound").containsExactly(0L);
        assertThat(offsets("status:500")).containsExactly(1L);
        assertThat(offsets("request_time:[1 TO *]")).containsExactly(1L);
        assertThat(offsets("path:/api*")).as("keywords are case-sensitive").containsExactly(1L, 0L);
        assertThat(offsets("path:/API*")).containsExactly(3L);
        assertThat(offsets("attrs.attempt:[2 TO 3]")).as("numeric attrs by range").containsExactly(2L, 1L);
        assertThat(offsets("illegalargumentexception")).as("bare words search the message").containsExactly(4L);
        assertThat(offsets("\"bad thing\"")).containsExactly(4L);
        assertThat(offsets("-get")).as("a lone negation means everything else").containsExactly(4L, 1L);
        assertThat(offsets("")).containsExactly(4L, 3L, 2L, 1L, 0L);
    }

    @Test
    void theTimeRangeSelectsDaysAndHitsAndHitsComeNewestFirst() throws Exception {
        IndexSearch.Result r = run("", Instant.parse("2026-03-01T11:00:00Z").toEpochMilli(),
                Instant.parse("2026-03-02T10:00:00Z").toEpochMilli(), 100, null);
        assertThat(r.hits()).extracting(IndexSearch.Hit::offset).as("to is exclusive").containsExactly(3L, 2L, 1L);
        assertThat(r.total()).isEqualTo(3);
        assertThat(r.totalExact()).isTrue();
        assertThat(r.nextCursor()).isNull();
        IndexSearch.Hit h = r.hits().get(0);
        assertThat(h.ts()).isEqualTo(Instant.parse("2026-03-02T09:00:00Z"));
        assertThat(h.tag()).isEqualTo("web");
        assertThat(h.message()).isEqualTo("GET /API/x 404 0.020");
        assertThat(h.recordJson()).contains("\"attempt\":4");
    }

    @Test
    void pagesWithTheCursorCoverEveryHitOnceAcrossDays() throws Exception {
        List<Long> seen = new ArrayList<>();
        IndexSearch.Cursor cursor = null;
        int pages = 0;
        do {
            IndexSearch.Result r = run("", ALL_FROM, ALL_TO, 2, cursor);
            r.hits().forEach(h -> seen.add(h.offset()));
            cursor = r.nextCursor();
            pages++;
        } while (cursor != null && pages < 10);
        assertThat(seen).containsExactly(4L, 3L, 2L, 1L, 0L);
        assertThat(new HashSet<>(seen)).hasSize(5);
        assertThat(IndexSearch.Cursor.parse(new IndexSearch.Cursor(5, 7).toString())).isEqualTo(new IndexSearch.Cursor(5, 7));
    }

    @Test
    void uncommittedRecordsAreFoundNearRealTime() throws Exception {
        sink.write(TestRecords.batch(5, "web", List.of(ev("2026-03-02T11:00:00Z", "GET /fresh 200 0.001", 6))));
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        List<Long> found = List.of();
        while (found.isEmpty() && System.nanoTime() < deadline) {
            found = offsets("path:/fresh");
            Thread.sleep(20);
        }
        assertThat(found).containsExactly(5L);
    }

    private List<Long> filter(String pattern, int limit) throws Exception {
        List<Long> out = new ArrayList<>();
        IndexSearch.Cursor cursor = null;
        do {
            IndexSearch.Result r = search.search(new IndexSearch.Request(LANE, pattern, SearchSyntax.FILTER, ALL_FROM, ALL_TO, limit, cursor));
            r.hits().forEach(h -> out.add(h.offset()));
            cursor = r.nextCursor();
        } while (cursor != null && out.size() < 100);
        return out;
    }

    @Test
    void filterPatternsMatchCaseSensitiveSubstringsVerifiedAgainstTheRecord() throws Exception {
        assertThat(filter("Exception", 10)).as("a term is a substring: IllegalArgumentException").containsExactly(4L);
        assertThat(filter("exception", 10)).as("case-sensitive").isEmpty();
        assertThat(filter("GET -login", 10)).containsExactly(3L, 0L);
        assertThat(filter("\"/api\"", 10)).as("quoted: any characters").containsExactly(1L, 0L);
        assertThat(filter("?login ?orders", 10)).containsExactly(2L, 1L);
        assertThat(filter("GE", 10)).as("a term shorter than a trigram is verified on every candidate").containsExactly(3L, 2L, 0L);
        assertThat(filter("{ $.attempt >= 4 }", 10)).as("a JSON pattern tests the record's fields").containsExactly(4L, 3L);
        assertThat(filter("{ $.status >= 500 }", 10)).as("and the lane's typed fields, parsed from the message").containsExactly(1L, 0L);
        assertThat(filter("{ $.status >= 500 && $.method = \"POST\" }", 10)).containsExactly(1L);
        assertThat(filter("", 2)).as("pages of two through the cursor").containsExactly(4L, 3L, 2L, 1L, 0L);
        IndexSearch.Result first = search.search(new IndexSearch.Request(LANE, "GET", SearchSyntax.FILTER, ALL_FROM, ALL_TO, 1, null));
        assertThat(first.totalExact()).as("more pages: the total is a lower bound").isFalse();
        IndexSearch.Result all = search.search(new IndexSearch.Request(LANE, "GET", SearchSyntax.FILTER, ALL_FROM, ALL_TO, 10, null));
        assertThat(all.total()).isEqualTo(3);
        assertThat(all.totalExact()).isTrue();
        assertThatThrownBy(() -> filter("{ $.a = ", 10)).isInstanceOf(io.loglane.search.filter.FilterPatternException.class);

        java.time.LocalDate day2 = java.time.LocalDate.parse("2026-03-02");
        assertThat(CommittedIndex.search(dir, LANE, day2, FilterCandidates.of(FilterPattern.compile("Exception").node())))
                .as("the trigrams narrow the candidates before verification").containsExactly(4L);
        assertThat(CommittedIndex.search(dir, LANE, day2, FilterCandidates.of(FilterPattern.compile("?API ?bad").node())))
                .containsExactly(4L, 3L);
    }

    @Test
    void everyPatternKindVerifiedFromTheMessageAnswersAsFromTheRecord() throws Exception {
        sink.write(TestRecords.batch(5, "web", List.of(new Event(TestRecords.nanos("2026-03-02T11:00:00Z"), Map.of("attempt", 6)))));
        sink.flush(true);
        assertThat(filter("-GET", 10)).as("a record without a message has nothing to exclude").containsExactly(5L, 4L, 1L);
        assertThat(filter("%/[a-z]+ 200%", 10)).as("a regex").containsExactly(2L);
        assertThat(filter("[method, path, status = 5*, took]", 10)).as("space-delimited").containsExactly(1L, 0L);
        assertThat(filter("{ $.attempt = 6 }", 10)).as("a JSON pattern reads the record").containsExactly(5L);
        assertThat(filter("", 10)).as("the empty pattern: every record").containsExactly(5L, 4L, 3L, 2L, 1L, 0L);
    }

    @Test
    @Timeout(300) // 200 000 records indexed on a busy 2-core machine
    void filterPatternsCountPastTheCapOfRecordReadsAndAnExactTotalIsCountedOnRequest() throws Exception {
        int n = (int) CandidateCheck.MAX_RECORDS_READ + 10;
        sink.write(TestRecords.lines(5, n, "2026-03-05T00:00:00Z"));
        sink.flush(true);
        long from = Instant.parse("2026-03-05T00:00:00Z").toEpochMilli();
        long to = Instant.parse("2026-03-08T00:00:00Z").toEpochMilli();
        for (String q : List.of("", "line")) {
            IndexSearch.Histogram h = search.histogram(new IndexSearch.Scope(LANE, q, SearchSyntax.FILTER, from, to),
                    Duration.ofDays(1).toMillis(), null, 0);
            assertThat(h.complete()).as("'%s': messages are verified from doc values, past the cap of record reads", q).isTrue();
            assertThat(java.util.Arrays.stream(h.counts()).sum()).isEqualTo(n);
        }
        IndexSearch.Result page = search.search(new IndexSearch.Request(LANE, "line", SearchSyntax.FILTER, from, to, 10, null));
        assertThat(page.totalExact()).as("by default the page stops the count").isFalse();
        assertThat(page.total()).isEqualTo(11);
        for (SearchSyntax syntax : SearchSyntax.values()) {
            String q = syntax == SearchSyntax.FILTER ? "line" : "";
            IndexSearch.Result exact = search.search(new IndexSearch.Request(LANE, q, syntax, from, to, 10, null, true));
            assertThat(exact.totalExact()).as(syntax.label()).isTrue();
            assertThat(exact.total()).as(syntax.label()).isEqualTo(n);
            assertThat(exact.hits()).hasSize(10);
            assertThat(exact.nextCursor()).isNotNull();
            IndexSearch.Result second = search.search(new IndexSearch.Request(LANE, q, syntax, from, to, 10, exact.nextCursor(), true));
            assertThat(second.total()).as("an exact total counts the whole range, whatever the cursor").isEqualTo(n);
            assertThat(second.hits().getFirst().offset()).isEqualTo(exact.hits().getLast().offset() - 1);
        }
    }

    @Test
    void theSyntaxIsDetectedFromTheQuery() {
        assertThat(SearchSyntax.detect("ERROR -timeout")).isEqualTo(SearchSyntax.FILTER);
        assertThat(SearchSyntax.detect("{ $.status >= 500 && $.path = \"/api/*\" }")).isEqualTo(SearchSyntax.FILTER);
        assertThat(SearchSyntax.detect("[ip, user, ..., status = 5*]")).isEqualTo(SearchSyntax.FILTER);
        assertThat(SearchSyntax.detect("\"took: 5s\"")).as("a colon inside quotes names no field").isEqualTo(SearchSyntax.FILTER);
        assertThat(SearchSyntax.detect("status:[500 TO 599] AND method:POST")).isEqualTo(SearchSyntax.LUCENE);
        assertThat(SearchSyntax.detect("error OR warn")).isEqualTo(SearchSyntax.LUCENE);
        assertThat(SearchSyntax.detect("-path:/health")).isEqualTo(SearchSyntax.LUCENE);
        assertThat(SearchSyntax.of("Filter")).isEqualTo(SearchSyntax.FILTER);
        assertThatThrownBy(() -> SearchSyntax.of("sql")).isInstanceOf(IllegalArgumentException.class);
    }

    private IndexSearch.Histogram histogram(String q, long from, long to, long interval) throws Exception {
        return search.histogram(new IndexSearch.Scope(LANE, q, SearchSyntax.LUCENE, from, to), interval, null, 0);
    }

    @Test
    void theHistogramCountsMatchesPerIntervalOfEventTime() throws Exception {
        long from = Instant.parse("2026-03-01T10:00:00Z").toEpochMilli();
        long to = Instant.parse("2026-03-02T11:00:00Z").toEpochMilli();
        IndexSearch.Histogram h = histogram("", from, to, Duration.ofHours(1).toMillis());
        assertThat(h.counts()).hasSize(25);
        assertThat(h.counts()[0]).isEqualTo(1); // 10:00
        assertThat(h.counts()[1]).isEqualTo(1); // 11:00
        assertThat(h.counts()[2]).isEqualTo(1); // 12:00
        assertThat(h.counts()[23]).isEqualTo(1); // 09:00 next day
        assertThat(h.counts()[24]).isEqualTo(1); // 10:00 next day
        assertThat(java.util.Arrays.stream(h.counts()).sum()).isEqualTo(5);
        assertThat(histogram("method:GET", from, to, Duration.ofHours(1).toMillis()).counts())
                .containsExactly(1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0);
        IndexSearch.Histogram auto = histogram("", from, to, 0);
        assertThat(auto.intervalMillis()).as("25 hours in at most 120 buckets").isEqualTo(Duration.ofMinutes(30).toMillis());
        assertThat(java.util.Arrays.stream(auto.counts()).sum()).isEqualTo(5);
        assertThatThrownBy(() -> histogram("", from, to, 1)).isInstanceOf(IllegalArgumentException.class);
        IndexSearch.Histogram aligned = histogram("", from + 60_000, to, Duration.ofHours(1).toMillis());
        assertThat(aligned.fromMillis()).as("buckets start on the interval").isEqualTo(from);
        assertThat(aligned.counts()[0]).as("10:00 lies before the range").isZero();
    }

    @Test
    void theHistogramOfEverythingCountsFromTheSortAndCountsAReplacedRecordOnce() throws Exception {
        long from = Instant.parse("2026-03-01T10:30:00Z").toEpochMilli();
        long to = Instant.parse("2026-03-02T09:30:00Z").toEpochMilli();
        // after a restart that lost the checkpoint, offsets 1 and 2 come again and replace their documents (the old ones are deleted)
        sink.close();
        sink = new IndexSink(LANE, new TestParser(), IndexSinkContractTest.settings(dir), new Retention(Duration.ZERO, 0),
                new SimpleMeterRegistry(), new MutableClock(Instant.parse("2026-03-02T12:00:00Z")));
        sinks.add(sink);
        sink.open(0);
        sink.write(TestRecords.batch(1, "web", List.of(ev("2026-03-01T11:00:00Z", "POST /api/orders 500 1.500", 2),
                ev("2026-03-01T12:00:00Z", "GET /login 200 0.010", 3))));
        sink.flush(true);
        assertThat(offsets("")).as("replaced, not added").containsExactly(4L, 3L, 2L, 1L, 0L);
        for (SearchSyntax syntax : SearchSyntax.values()) {
            IndexSearch.Histogram h = search.histogram(new IndexSearch.Scope(LANE, "", syntax, from, to), Duration.ofHours(1).toMillis(),
                    null, 0);
            assertThat(h.fromMillis()).isEqualTo(Instant.parse("2026-03-01T10:00:00Z").toEpochMilli());
            assertThat(h.counts()).as(syntax.label() + ": 10:00 and 10:00 the next day lie outside the range")
                    .containsExactly(0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1);
            assertThat(h.complete()).isTrue();
        }
    }

    @Test
    void badQueriesAndRequestsAreRefusedWithTheReason() {
        assertThatThrownBy(() -> offsets("status:[500 TO")).isInstanceOf(ParseException.class).hasMessageContaining("column");
        assertThatThrownBy(() -> offsets("status:abc")).isInstanceOf(ParseException.class).hasMessageContaining("status");
        assertThatThrownBy(() -> search.search(new IndexSearch.Request("other", "", SearchSyntax.LUCENE, ALL_FROM, ALL_TO, 10, null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not delivered to the index");
        assertThatThrownBy(() -> run("", ALL_TO, ALL_FROM, 10, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> IndexSearch.Cursor.parse("nope")).isInstanceOf(IllegalArgumentException.class);
    }

    private IndexSearch.Scope scope(String q, SearchSyntax syntax) {
        return new IndexSearch.Scope(LANE, q, syntax, ALL_FROM, ALL_TO);
    }

    @Test
    void fieldsListTheLaneFieldsWithTypesAndHowManyMatchesHoldThem() throws Exception {
        FieldStats.Fields f = search.fields(scope("status:[500 TO 599]", SearchSyntax.LUCENE));
        assertThat(f.matches()).isEqualTo(2);
        assertThat(f.complete()).isTrue();
        assertThat(f.fields()).contains(new FieldStats.Field("status", FieldStats.Type.LONG, 2),
                new FieldStats.Field("request_time", FieldStats.Type.DOUBLE, 2),
                new FieldStats.Field("method", FieldStats.Type.KEYWORD, 2),
                new FieldStats.Field("attrs.attempt", FieldStats.Type.LONG, 2),
                new FieldStats.Field("ts", FieldStats.Type.DATE, 2),
                new FieldStats.Field("tag", FieldStats.Type.KEYWORD, 2),
                new FieldStats.Field("host", FieldStats.Type.KEYWORD, 0));
        assertThat(f.fields()).extracting(FieldStats.Field::name).as("index-internal fields are not record fields")
                .doesNotContain(IndexFields.OFFSET, IndexFields.SOURCE, IndexFields.TRIGRAMS, IndexFields.RECEIVED_AT, "attrs#long.attempt");

        FieldStats.Fields unparsed = search.fields(scope("IllegalArgumentException", SearchSyntax.FILTER));
        assertThat(unparsed.matches()).as("filter patterns are verified like the search's").isEqualTo(1);
        assertThat(unparsed.fields()).contains(new FieldStats.Field("method", FieldStats.Type.KEYWORD, 0),
                new FieldStats.Field("attrs.attempt", FieldStats.Type.LONG, 1));
    }

    @Test
    void topValuesCountAFieldOverTheMatchesWithTheirDenominator() throws Exception {
        FieldStats.Top methods = search.top(scope("", SearchSyntax.LUCENE), "method", 10);
        assertThat(methods.values()).containsExactly(new FieldStats.Value("GET", 3), new FieldStats.Value("POST", 1));
        assertThat(methods.matches()).as("the denominator: every match, with the field or not").isEqualTo(5);
        assertThat(methods.withValue()).isEqualTo(4);
        assertThat(methods.complete()).isTrue();

        FieldStats.Top statuses = search.top(scope("GET", SearchSyntax.FILTER), "status", 2);
        assertThat(statuses.values()).as("a filter pattern: case-sensitive, verified; ties by value")
                .containsExactly(new FieldStats.Value(200L, 1), new FieldStats.Value(404L, 1));
        assertThat(statuses.distinct()).isEqualTo(3);
        assertThat(search.top(scope("status:500", SearchSyntax.LUCENE), "request_time", 5).values())
                .containsExactly(new FieldStats.Value(1.5, 1));
        assertThat(search.top(scope("", SearchSyntax.LUCENE), "attrs.attempt", 1).values()).hasSize(1);
        assertThat(search.top(scope("", SearchSyntax.LUCENE), "nosuchfield", 5).values()).isEmpty();
        assertThatThrownBy(() -> search.top(scope("", SearchSyntax.LUCENE), "method", 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> search.top(scope("", SearchSyntax.LUCENE), "method", IndexSearch.MAX_TOP + 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aCappedScanReadsNoMoreThanItsCapAndSaysItIsIncomplete() throws Exception {
        FieldStats.FieldsVisitor v = new FieldStats.FieldsVisitor(List.of());
        FieldStats.Fields f = v.result(search.scan(scope("", SearchSyntax.LUCENE), 2, v));
        assertThat(f.matches()).isEqualTo(2);
        assertThat(f.complete()).isFalse();
        FieldStats.FieldsVisitor all = new FieldStats.FieldsVisitor(List.of());
        assertThat(all.result(search.scan(scope("", SearchSyntax.LUCENE), 5, all)).complete()).as("exactly the cap: all read").isTrue();
    }

    @Test
    void theContextOfAHitIsItsContainersLinesAroundItByTimeThenOffsetAcrossDays() throws Exception {
        sink.write(TestRecords.batch(5, "docker", List.of(
                new Event(TestRecords.nanos("2026-03-01T23:59:59Z"), Map.of("log", "c1 a", "container_id", "c1")),
                new Event(TestRecords.nanos("2026-03-02T08:00:00Z"), Map.of("log", "c2 x", "container_id", "c2")),
                new Event(TestRecords.nanos("2026-03-02T08:00:00Z"), Map.of("log", "c1 b", "container_id", "c1")),
                new Event(TestRecords.nanos("2026-03-02T08:00:00Z"), Map.of("log", "c1 c", "container_id", "c1")),
                new Event(TestRecords.nanos("2026-03-02T08:00:01Z"), Map.of("log", "c1 d", "container_id", "c1")),
                new Event(TestRecords.nanos("2026-03-03T00:00:00Z"), Map.of("log", "c1 e", "container_id", "c1")))));
        sink.flush(true);

        IndexSearch.Context c = search.context(LANE, 7, 5, 5).orElseThrow(); // "c1 b"
        assertThat(c.anchor().message()).isEqualTo("c1 b");
        assertThat(c.sharedField()).isEqualTo("container_id");
        assertThat(c.sharedValue()).isEqualTo("c1");
        assertThat(c.before()).as("the older line of the day before; not c2's").extracting(IndexSearch.Hit::message)
                .containsExactly("c1 a");
        assertThat(c.after()).as("a tie on ts comes after by offset; the next day's too").extracting(IndexSearch.Hit::message)
                .containsExactly("c1 c", "c1 d", "c1 e");

        IndexSearch.Context few = search.context(LANE, 9, 1, 1).orElseThrow(); // "c1 d"
        assertThat(few.before()).extracting(IndexSearch.Hit::message).containsExactly("c1 c");
        assertThat(few.after()).extracting(IndexSearch.Hit::message).containsExactly("c1 e");

        IndexSearch.Context byTag = search.context(LANE, 1, 1, 10).orElseThrow(); // no container: its tag's lines
        assertThat(byTag.sharedField()).isEqualTo("tag");
        assertThat(byTag.before()).extracting(IndexSearch.Hit::offset).containsExactly(0L);
        assertThat(byTag.after()).extracting(IndexSearch.Hit::offset).containsExactly(2L, 3L, 4L);

        assertThat(search.context(LANE, 99, 1, 1)).as("no such offset").isEmpty();
        assertThat(search.context(LANE, 7, 0, 0).orElseThrow().before()).isEmpty();
        assertThatThrownBy(() -> search.context(LANE, 7, -1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> search.context(LANE, 7, 1, IndexSearch.MAX_CONTEXT + 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> search.context("other", 7, 1, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theHistogramSplitsByAKeywordFieldsTopValuesAndCountsFilterPatterns() throws Exception {
        long from = Instant.parse("2026-03-01T00:00:00Z").toEpochMilli();
        long to = Instant.parse("2026-03-03T00:00:00Z").toEpochMilli();
        IndexSearch.Histogram h = search.histogram(new IndexSearch.Scope(LANE, "", SearchSyntax.LUCENE, from, to),
                Duration.ofDays(1).toMillis(), "method", 1);
        assertThat(h.splitValues()).containsExactly("GET");
        assertThat(h.counts()).containsExactly(3, 2);
        assertThat(h.series().get(0)).as("GET per day").containsExactly(2, 1);
        assertThat(h.series().get(1)).as("POST, and the line without a method").containsExactly(1, 1);
        assertThat(h.complete()).isTrue();

        IndexSearch.Histogram filter = search.histogram(new IndexSearch.Scope(LANE, "GET", SearchSyntax.FILTER, from, to),
                Duration.ofDays(1).toMillis(), null, 0);
        assertThat(filter.counts()).as("case-sensitive, verified as the search does").containsExactly(2, 1);
        assertThat(filter.series()).isEmpty();
        assertThat(search.histogram(new IndexSearch.Scope(LANE, "\"/api\"", SearchSyntax.FILTER, from, to),
                Duration.ofDays(1).toMillis(), "path", 5).splitValues()).containsExactly("/api/orders", "/api/users");

        assertThat(search.histogram(new IndexSearch.Scope(LANE, "", SearchSyntax.LUCENE, from, to),
                Duration.ofDays(1).toMillis(), "attrs.attempt", 5).splitValues()).as("a number field has no keyword values").isEmpty();
        assertThatThrownBy(() -> search.histogram(new IndexSearch.Scope(LANE, "", SearchSyntax.LUCENE, from, to), 0, "method", 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("split_size");
        assertThatThrownBy(() -> search.histogram(new IndexSearch.Scope(LANE, "{ $.a = ", SearchSyntax.FILTER, from, to), 0, null, 0))
                .isInstanceOf(io.loglane.search.filter.FilterPatternException.class);
    }
}
