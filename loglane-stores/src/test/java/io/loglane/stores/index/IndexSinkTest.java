package io.loglane.stores.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loglane.core.config.Retention;
import io.loglane.core.event.RecordBlockBuilder;
import io.loglane.delivery.SinkException;
import io.loglane.stores.archive.MutableClock;
import io.loglane.stores.archive.TestParser;
import io.loglane.stores.archive.TestRecords;
import io.loglane.stores.archive.TestRecords.Event;
import io.loglane.stream.StoredBatch;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.lucene.document.DoublePoint;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.index.Term;
import org.apache.lucene.queryparser.classic.QueryParser;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.util.BytesRef;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What the index holds for a record (the field mapping), when it is searchable, and what retention drops. */
@Timeout(60)
class IndexSinkTest {
    private static final String LANE = "access";
    private static final LocalDate DAY = LocalDate.parse("2026-03-01");

    @TempDir Path dir;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T12:00:00Z"));
    private IndexSink sink;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private IndexSink open(Retention retention) throws Exception {
        sink = new IndexSink(LANE, new TestParser(), IndexSinkContractTest.settings(dir), retention, registry, clock);
        sink.open(0);
        return sink;
    }

    @AfterEach
    void close() throws Exception {
        if (sink != null) {
            sink.close();
        }
    }

    private static Map<String, Object> record(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    private static Event at(String iso, Map<String, Object> record) {
        return new Event(TestRecords.nanos(iso), record);
    }

    private static Query trigrams(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        BooleanQuery.Builder q = new BooleanQuery.Builder();
        for (int i = 0; i + 3 <= b.length; i++) {
            q.add(new TermQuery(new Term(IndexFields.TRIGRAMS, new BytesRef(b, i, 3))), BooleanClause.Occur.FILTER);
        }
        return q.build();
    }

    private List<Long> search(Query q) throws Exception {
        return CommittedIndex.search(dir, LANE, DAY, q);
    }

    @Test
    void itCountsTheDocumentsOfARangeItsCommitsHoldAcrossDaysButNotWhatItOnlyBuffered() throws Exception {
        open(new Retention(Duration.ZERO, 0));
        assertThat(sink.durablyStored(0, 100)).as("no day index yet").isZero();
        sink.write(TestRecords.batch(0, "app.access", List.of(at("2026-03-01T10:00:00Z", record("log", "a")),
                at("2026-03-02T10:00:00Z", record("log", "b")), at("2026-03-01T10:00:02Z", record("log", "c")))));
        assertThat(sink.flush(true)).isEqualTo(3);
        sink.write(TestRecords.batch(3, "app.access", List.of(at("2026-03-01T11:00:00Z", record("log", "d")))));
        assertThat(sink.durablyStored(0, 100)).as("two days' commits; offset 3 buffered only").isEqualTo(3);
        assertThat(sink.durablyStored(1, 3)).isEqualTo(2);
        assertThat(sink.durablyStored(3, 100)).isZero();
        IndexSink other = new IndexSink("other", new TestParser(), IndexSinkContractTest.settings(dir), new Retention(Duration.ZERO, 0),
                registry, clock);
        try {
            assertThat(other.durablyStored(0, 100)).as("another lane, same directory").isZero();
        } finally {
            other.close();
        }
    }

    @Test
    void eachFieldIsIndexedWithItsTypeSoTermsRangesAndSubstringsFindTheRecord() throws Exception {
        open(new Retention(Duration.ZERO, 0));
        sink.write(TestRecords.batch(0, "app.access", List.of(
                at("2026-03-01T10:00:00Z", record("log", "GET /api/users 503 0.250", "host", "web-1", "container_name", "nginx",
                        "user", "alice", "attempt", 3, "ratio", 0.5, "cached", true, "nested", Map.of("a", 1))),
                at("2026-03-01T10:00:01Z", record("log", "POST /login 200 0.010", "host", "web-2", "user", "E_CARD_DECLINED",
                        "attempt", "three")), // attempt now a string: its own field, no schema clash
                at("2026-03-01T10:00:02Z", record("log", "IllegalArgumentException: bad", "status", 404)))));
        assertThat(sink.flush(true)).isEqualTo(3);

        assertThat(search(new TermQuery(new Term("method", "GET")))).containsExactly(0L);
        assertThat(search(LongPoint.newRangeQuery("status", 500, 599))).containsExactly(0L);
        assertThat(search(LongPoint.newExactQuery("status", 404))).as("typed field from the record when the parser does not match")
                .containsExactly(2L);
        assertThat(search(DoublePoint.newRangeQuery("request_time", 0.1, 1.0))).containsExactly(0L);
        assertThat(search(new TermQuery(new Term("path", "/api/users")))).containsExactly(0L);
        assertThat(search(new TermQuery(new Term("host", "web-2")))).containsExactly(1L);
        assertThat(search(new TermQuery(new Term("container_name", "nginx")))).containsExactly(0L);
        assertThat(search(new TermQuery(new Term("tag", "app.access")))).containsExactly(2L, 1L, 0L);
        assertThat(search(new TermQuery(new Term("attrs.user", "alice")))).containsExactly(0L);
        assertThat(search(LongPoint.newExactQuery("attrs#long.attempt", 3))).containsExactly(0L);
        assertThat(search(new TermQuery(new Term("attrs.attempt", "three")))).containsExactly(1L);
        assertThat(search(DoublePoint.newExactQuery("attrs#double.ratio", 0.5))).containsExactly(0L);
        assertThat(search(new TermQuery(new Term("attrs.cached", "true")))).containsExactly(0L);
        assertThat(search(new TermQuery(new Term("attrs.host", "web-1")))).as("the host is a column, not an attr").isEmpty();
        assertThat(search(LongPoint.newRangeQuery(IndexFields.TS, TestRecords.nanos("2026-03-01T10:00:01Z"), Long.MAX_VALUE)))
                .as("newest first: the index sort").containsExactly(2L, 1L);
        assertThat(search(trigrams("Exception"))).as("case-sensitive substring candidates").containsExactly(2L);
        assertThat(search(trigrams("exception"))).isEmpty();
        assertThat(search(trigrams("CARD_DEC"))).as("attrs are not the message").isEmpty();
        QueryParser words = new QueryParser(IndexFields.MESSAGE, DayIndex.analyzer());
        assertThat(search(words.parse("login"))).containsExactly(1L);
        assertThat(search(words.parse("illegalargumentexception"))).containsExactly(2L);
    }

    @Test
    void theMessageAndTheRecordAreKeptForVerificationAndDisplay() throws Exception {
        open(new Retention(Duration.ZERO, 0));
        sink.write(TestRecords.batch(7, "t", List.of(at("2026-03-01T10:00:00Z", record("message", "héllo wörld", "k", "v")))));
        sink.flush(true);
        try (var d = org.apache.lucene.store.FSDirectory.open(new IndexLayout(dir).dayDir(LANE, DAY));
                var r = org.apache.lucene.index.DirectoryReader.open(d)) {
            var leaf = r.leaves().get(0).reader();
            var message = leaf.getBinaryDocValues(IndexFields.MESSAGE);
            assertThat(message.advanceExact(0)).isTrue();
            assertThat(message.binaryValue().utf8ToString()).isEqualTo("héllo wörld");
            BytesRef source = leaf.storedFields().document(0).getBinaryValue(IndexFields.SOURCE);
            assertThat(source.bytes).as("the stream's msgpack record")
                    .containsSubsequence(TestRecords.pack(record("message", "héllo wörld", "k", "v")));
        }
    }

    @Test
    void aRecordWrittenButNotCommittedIsSearchableWithinTheRefreshInterval() throws Exception {
        open(new Retention(Duration.ZERO, 0));
        sink.write(TestRecords.lines(0, 5, "2026-03-01T10:00:00Z"));
        assertThat(sink.flush(false)).as("the commit interval has not passed").isZero();
        SearcherManager m = sink.searchers(DAY);
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        int found = 0;
        while (found < 5 && System.nanoTime() < deadline) {
            IndexSearcher s = m.acquire();
            try {
                found = s.count(new MatchAllDocsQuery());
            } finally {
                m.release(s);
            }
            Thread.sleep(20);
        }
        assertThat(found).isEqualTo(5);
        assertThat(CommittedIndex.offsets(dir, LANE)).as("nothing durable yet").isEmpty();
    }

    @Test
    void aSearchSeesAtOnceWhatWasWrittenBeforeIt() throws Exception {
        open(new Retention(Duration.ZERO, 0));
        sink.write(TestRecords.lines(0, 5, "2026-03-01T10:00:00Z"));
        SearcherManager m = sink.searchers(DAY); // nobody searched the day: no reopen yet, so this one reopens
        IndexSearcher s = m.acquire();
        try {
            assertThat(s.count(new MatchAllDocsQuery())).isEqualTo(5);
        } finally {
            m.release(s);
        }
    }

    @Test
    void aDayNobodySearchesWritesNoSegmentBeforeItsCommit() throws Exception {
        open(new Retention(Duration.ZERO, 0));
        sink.write(TestRecords.lines(0, 5, "2026-03-01T10:00:00Z"));
        Thread.sleep(IndexSinkContractTest.settings(dir).refreshInterval().multipliedBy(5).toMillis());
        Path day = sink.layout().dayDir(LANE, DAY);
        try (Stream<Path> files = Files.list(day)) {
            assertThat(files.map(p -> p.getFileName().toString())).as("no reopen flushed a segment for nobody")
                    .noneMatch(n -> n.endsWith(".si"));
        }
        assertThat(sink.flush(true)).isEqualTo(5);
        try (Stream<Path> files = Files.list(day)) {
            assertThat(files.map(p -> p.getFileName().toString())).anyMatch(n -> n.endsWith(".si"));
        }
    }

    @Test
    void aMalformedRecordIsRefusedPermanentlyAndOpenDropsWhatItsBatchAdded() throws Exception {
        open(new Retention(Duration.ZERO, 0));
        RecordBlockBuilder b = new RecordBlockBuilder();
        byte[] good = TestRecords.pack(record("log", "ok"));
        byte[] bad = {(byte) 0x82, (byte) 0xa3, 'l', 'o', 'g'}; // a map of two entries cut short
        b.add(TestRecords.nanos("2026-03-01T10:00:00Z"), good, 0, good.length, null, 0, 0);
        b.add(TestRecords.nanos("2026-03-01T10:00:00Z"), bad, 0, bad.length, null, 0, 0);
        StoredBatch batch = new StoredBatch(0, "t", TestRecords.RECEIVED_NANOS, b.build(), null, null);
        assertThatThrownBy(() -> sink.write(batch)).isInstanceOfSatisfying(SinkException.class, e -> assertThat(e.retriable()).isFalse());
        sink.open(0);
        assertThat(sink.flush(true)).isZero();
        assertThat(CommittedIndex.offsets(dir, LANE)).isEmpty();
    }

    @Test
    void eventsGoToTheIndexOfTheirUtcDayAndRetentionDropsWholeDaysByAge() throws Exception {
        open(new Retention(Duration.ofDays(2), 0));
        sink.write(TestRecords.batch(0, "t", List.of(
                at("2026-02-26T23:59:59.999Z", record("log", "past")), // ended 2.5 days ago: not indexed at all
                at("2026-02-27T00:00:00Z", record("log", "kept")),     // ends 1.5 days ago
                at("2026-03-01T10:00:00Z", record("log", "today")))));
        sink.flush(true);
        IndexLayout layout = new IndexLayout(dir);
        assertThat(layout.days(LANE)).containsExactly(LocalDate.parse("2026-02-27"), DAY);

        clock.set(Instant.parse("2026-03-02T00:00:01Z")); // 2026-02-27 ended 3 days ago: older than 2 days
        assertThat(sink.enforceRetention()).isEqualTo(1);
        assertThat(layout.days(LANE)).containsExactly(DAY);
        assertThat(Files.exists(layout.dayDir(LANE, LocalDate.parse("2026-02-27")))).isFalse();
        assertThat(CommittedIndex.offsets(dir, LANE)).containsExactly(2L);
    }

    @Test
    void aRecordWhoseDayIsAlreadyPastRetentionIsCountedAndNotIndexed() throws Exception {
        open(new Retention(Duration.ofDays(30), 0));
        sink.write(TestRecords.batch(0, "t", List.of(
                at("2025-06-01T10:00:00Z", record("log", "a year ago")),
                at("2026-01-29T23:59:59Z", record("log", "ended 30.5 days ago")),
                at("2026-01-30T00:00:00Z", record("log", "ends 29.5 days ago")),
                at("2026-03-01T10:00:00Z", record("log", "today")))));
        assertThat(sink.flush(true)).as("the skipped records count as delivered").isEqualTo(4);
        assertThat(new IndexLayout(dir).days(LANE)).containsExactly(LocalDate.parse("2026-01-30"), DAY);
        assertThat(CommittedIndex.offsets(dir, LANE)).containsExactlyInAnyOrder(2L, 3L);
        assertThat(registry.get(IndexMetrics.SKIPPED).tag("reason", "past_retention").counter().count()).isEqualTo(2);
        assertThat(registry.get(IndexMetrics.DOCUMENTS).counter().count()).isEqualTo(2);
    }

    @Test
    void aBackfillOverManyDaysKeepsFewDaysOpenAndARedeliveryAddsNoDuplicate() throws Exception {
        open(new Retention(Duration.ZERO, 0));
        List<Event> events = new java.util.ArrayList<>();
        for (int d = 0; d < 10; d++) {
            for (int h = 0; h < 3; h++) {
                events.add(at("2026-02-%02dT%02d:00:00Z".formatted(10 + d, 10 + h), record("log", "day " + d + " hour " + h)));
            }
        }
        sink.write(TestRecords.batch(0, "t", events));
        int open = 0;
        for (int d = 0; d < 10; d++) {
            open += sink.searchers(LocalDate.parse("2026-02-%02d".formatted(10 + d))) != null ? 1 : 0;
        }
        assertThat(open).isEqualTo(IndexSink.MAX_OPEN_DAYS);
        // the checkpoint never moved (no flush): the stream delivers the batch again from 0
        sink.open(0);
        sink.write(TestRecords.batch(0, "t", events));
        assertThat(sink.flush(true)).isEqualTo(30);
        List<Long> all = new java.util.ArrayList<>();
        for (long o = 0; o < 30; o++) {
            all.add(o);
        }
        assertThat(CommittedIndex.offsets(dir, LANE)).containsExactlyInAnyOrderElementsOf(all);
    }

    @Test
    void aBatchInterleavingMoreDaysThanMayBeOpenOpensEachDayOncePerBatchNotOncePerRecord() throws Exception {
        open(new Retention(Duration.ZERO, 0));
        int days = IndexSink.MAX_OPEN_DAYS + 2;
        List<Event> events = new java.util.ArrayList<>();
        for (int i = 0; i < 60; i++) { // round robin over the days: every record a different day than the one before
            events.add(at("2026-02-%02dT10:00:%02dZ".formatted(10 + i % days, i), record("log", "event " + i)));
        }
        sink.write(TestRecords.batch(0, "t", events));
        double evictions = registry.get(IndexMetrics.COMMITS).counter().count();
        assertThat(evictions).as("days evicted (committed and closed) while writing the batch: one per day past the bound, not one per record")
                .isLessThanOrEqualTo(days - IndexSink.MAX_OPEN_DAYS);
        assertThat(sink.flush(true)).isEqualTo(60);
        List<Long> all = new java.util.ArrayList<>();
        for (long o = 0; o < 60; o++) {
            all.add(o);
        }
        assertThat(CommittedIndex.offsets(dir, LANE)).containsExactlyInAnyOrderElementsOf(all);
        // delivered again from 0 (a crash before the checkpoint moved): replaced, not duplicated
        sink.open(0);
        sink.write(TestRecords.batch(0, "t", events));
        assertThat(sink.flush(true)).isEqualTo(60);
        assertThat(CommittedIndex.offsets(dir, LANE)).containsExactlyInAnyOrderElementsOf(all);
    }

    @Test
    void aDayNotWrittenToForAWhileIsClosedAtACommitAndALateEventReopensIt() throws Exception {
        open(new Retention(Duration.ZERO, 0));
        LocalDate old = LocalDate.parse("2026-02-27");
        sink.write(TestRecords.batch(0, "t", List.of(at("2026-02-27T10:00:00Z", record("log", "a")), at("2026-03-01T10:00:00Z", record("log", "b")))));
        sink.flush(true);
        assertThat(sink.searchers(old)).isNotNull();
        clock.advance(IndexSink.IDLE_CLOSE.plusSeconds(1));
        sink.write(TestRecords.batch(2, "t", List.of(at("2026-03-01T10:00:01Z", record("log", "c")))));
        sink.flush(true);
        assertThat(sink.searchers(old)).as("idle: closed").isNull();
        assertThat(sink.searchers(DAY)).as("the newest stays open").isNotNull();
        sink.write(TestRecords.batch(3, "t", List.of(at("2026-02-27T10:00:01Z", record("log", "late")))));
        assertThat(sink.flush(true)).isEqualTo(4);
        assertThat(CommittedIndex.offsets(dir, LANE)).containsExactlyInAnyOrder(0L, 1L, 2L, 3L);
    }

    @Test
    void retentionBySizeDropsTheOldestDaysButNeverTheNewest() throws Exception {
        open(new Retention(Duration.ZERO, 1));
        sink.write(TestRecords.batch(0, "t", List.of(
                at("2026-02-27T00:00:00Z", record("log", "a")),
                at("2026-02-28T00:00:00Z", record("log", "b")),
                at("2026-03-01T00:00:00Z", record("log", "c")))));
        sink.flush(true);
        assertThat(sink.enforceRetention()).isEqualTo(2);
        assertThat(new IndexLayout(dir).days(LANE)).containsExactly(DAY);
    }
}
