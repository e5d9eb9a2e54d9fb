package io.loglane.stores.index;

import io.loglane.core.event.RecordView;
import io.loglane.core.parse.FieldDef;
import io.loglane.search.filter.FilterMatcher;
import io.loglane.search.filter.FilterPattern;
import io.loglane.search.filter.FilterPatternException;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.SortedDocValues;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.queryparser.classic.ParseException;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.FieldDoc;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.TopFieldDocs;
import org.apache.lucene.search.TotalHits;
import org.apache.lucene.store.AlreadyClosedException;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.BytesRef;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;

/**
 * Searches a lane's day indices in a time range, newest first: a Lucene-syntax query
 * ({@link LaneQueryParser}) or a CloudWatch filter pattern (trigram candidates verified by the
 * pattern's matcher), the top {@code limit} hits by {@code ts} descending then offset
 * descending, a {@code search_after} cursor for the next page, and a total that is exact or a
 * stated lower bound (Lucene stops counting past 1000 hits per day once the top is known). Days a
 * lane's sink has open are read near-real-time; others at their last commit. Also counts matches
 * per interval of event time ({@link #histogram}, from doc values).
 *
 * <p>Thread-safety: thread-safe; each search opens (and closes) what it reads.
 */
public final class IndexSearch {
    /** Most hits one page returns. */
    public static final int MAX_LIMIT = 10_000;
    /** The index sort: Lucene stops collecting once it has the top N, and counts the rest only up to its threshold. */
    private static final Sort NEWEST_FIRST = DayIndex.INDEX_SORT;

    private final IndexLayout layout;
    private final OpenIndexSinks sinks;
    private final Map<String, List<FieldDef>> laneFields;

    /** @param laneFields each indexed lane's typed fields (its parser's), which fix the query's field types */
    public IndexSearch(IndexLayout layout, OpenIndexSinks sinks, Map<String, List<FieldDef>> laneFields) {
        this.layout = layout;
        this.sinks = sinks;
        this.laneFields = Map.copyOf(laneFields);
    }

    /** Where a page ended: the last hit's event time and offset. */
    public record Cursor(long tsNanos, long offset) {
        /** The text form {@code <tsNanos>:<offset>}. */
        @Override public String toString() { return tsNanos + ":" + offset; }

        /** Parses {@link #toString()}'s form; IllegalArgumentException when it is not one. */
        public static Cursor parse(String s) {
            int colon = s.indexOf(':');
            try {
                return new Cursor(Long.parseLong(s.substring(0, colon)), Long.parseLong(s.substring(colon + 1)));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("bad cursor '" + s + "': expected the next_cursor of an earlier answer");
            }
        }
    }

    /** A search: {@code fromMillis} inclusive, {@code toMillis} exclusive, epoch milliseconds; {@code after} null for the first page. */
    public record Request(String lane, String query, SearchSyntax syntax, long fromMillis, long toMillis, int limit, Cursor after) {}

    /** One matching record: its stream offset, event time, tag, message (or null) and record as JSON text. */
    public record Hit(long offset, Instant ts, String tag, String message, String recordJson) {}

    /**
     * @param total      matches in the range (all pages)
     * @param totalExact whether {@code total} is exact; else it is a lower bound
     * @param hits       this page, newest first
     * @param nextCursor where the next page starts, or null when this page is the last
     */
    public record Result(long total, boolean totalExact, List<Hit> hits, Cursor nextCursor) {}

    /** Whether {@code lane} is indexed (has typed fields declared here). */
    public boolean indexes(String lane) { return laneFields.containsKey(lane); }

    /**
     * @throws ParseException           the query is not valid Lucene syntax (the message names the position)
     * @throws FilterPatternException   the query is not a valid filter pattern (with the position)
     * @throws IllegalArgumentException the lane is not indexed, or the limit or range is out of bounds
     */
    public Result search(Request r) throws ParseException, IOException {
        if (r.limit() < 1 || r.limit() > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be 1.." + MAX_LIMIT);
        }
        if (r.syntax() == SearchSyntax.FILTER) {
            return filterSearch(r);
        }
        Query q = query(r.lane(), r.query(), r.fromMillis(), r.toMillis());
        List<Hit> hits = new ArrayList<>();
        long total = 0;
        boolean exact = true;
        for (LocalDate day : daysNewestFirst(r)) {
            try (DaySearcher s = open(r.lane(), day)) {
                if (s == null) {
                    continue;
                }
                int want = r.limit() - hits.size();
                FieldDoc after = after(s, r.after());
                TopFieldDocs top = after == null
                        ? s.searcher.search(q, Math.max(want, 1), NEWEST_FIRST)
                        : (TopFieldDocs) s.searcher.searchAfter(after, q, Math.max(want, 1), NEWEST_FIRST);
                total += top.totalHits.value();
                exact &= top.totalHits.relation() == TotalHits.Relation.EQUAL_TO;
                for (int i = 0; i < top.scoreDocs.length && hits.size() < r.limit(); i++) {
                    hits.add(hit(s.searcher, top.scoreDocs[i]));
                }
            }
        }
        if (r.after() != null) {
            exact = false; // counted past the cursor only: the answer states it as a lower bound of the whole range
        }
        Cursor next = hits.size() == r.limit() && total > hits.size() ? cursorOf(hits.getLast()) : null;
        return new Result(total, exact, hits, next);
    }

    /** The days of the request's range (up to its cursor's day) that have an index, newest first. */
    private List<LocalDate> daysNewestFirst(Request r) {
        LocalDate first = day(r.fromMillis());
        LocalDate last = day(r.toMillis() - 1);
        if (r.after() != null && day(Math.floorDiv(r.after().tsNanos(), 1_000_000L)).isBefore(last)) {
            last = day(Math.floorDiv(r.after().tsNanos(), 1_000_000L)); // newer days hold nothing past the cursor
        }
        List<LocalDate> out = new ArrayList<>();
        for (LocalDate day : layout.days(r.lane()).reversed()) {
            if (!day.isBefore(first) && !day.isAfter(last)) {
                out.add(day);
            }
        }
        return out;
    }

    /**
     * The search_after point of {@code cursor} in one day's searcher. The cursor's own document
     * ties on (ts, offset) and then comes after it only by a higher doc id: the highest one there
     * is leaves it out.
     */
    private static FieldDoc after(DaySearcher s, Cursor cursor) {
        return cursor == null ? null : new FieldDoc(s.searcher.getIndexReader().maxDoc() - 1, Float.NaN,
                new Object[] {cursor.tsNanos(), cursor.offset()});
    }

    private static Cursor cursorOf(Hit h) {
        return new Cursor(h.ts().getEpochSecond() * 1_000_000_000L + h.ts().getNano(), h.offset());
    }

    /**
     * A filter-pattern search: candidates from the message trigrams ({@link FilterCandidates}),
     * newest first, each verified by the pattern's matcher against its stored record, until the
     * page is full and one more match is seen, or {@link #MAX_VERIFIED} candidates were read.
     * The total is exact only when every candidate of the range was verified; else it is the
     * matches seen, a lower bound.
     *
     * @throws FilterPatternException the pattern is not valid (with the position)
     */
    private Result filterSearch(Request r) throws IOException {
        FilterPattern pattern = FilterPattern.compile(r.query());
        Query q = inRange(r.lane(), FilterCandidates.of(pattern.node()), r.fromMillis(), r.toMillis());
        FilterMatcher matcher = pattern.matcher();
        RecordView view = new RecordView(null);
        List<Hit> hits = new ArrayList<>();
        long matches = 0;
        long verified = 0;
        boolean complete = true;
        scan:
        for (LocalDate day : daysNewestFirst(r)) {
            try (DaySearcher s = open(r.lane(), day)) {
                if (s == null) {
                    continue;
                }
                StoredFields stored = s.searcher.getIndexReader().storedFields();
                FieldDoc after = after(s, r.after());
                while (true) {
                    TopFieldDocs page = after == null ? s.searcher.search(q, FILTER_PAGE, NEWEST_FIRST)
                            : (TopFieldDocs) s.searcher.searchAfter(after, q, FILTER_PAGE, NEWEST_FIRST);
                    for (ScoreDoc sd : page.scoreDocs) {
                        if (verified++ >= MAX_VERIFIED) {
                            complete = false;
                            break scan;
                        }
                        BytesRef source = stored.document(sd.doc, Set.of(IndexFields.SOURCE)).getBinaryValue(IndexFields.SOURCE);
                        view.read(source.bytes, source.offset, source.length);
                        if (matcher.matches(view)) {
                            matches++;
                            if (hits.size() == r.limit()) {
                                complete = false; // one more exists: a next page
                                break scan;
                            }
                            hits.add(hit(s.searcher, sd));
                        }
                    }
                    if (page.scoreDocs.length < FILTER_PAGE) {
                        break;
                    }
                    after = (FieldDoc) page.scoreDocs[page.scoreDocs.length - 1];
                }
            }
        }
        boolean exact = complete && r.after() == null;
        Cursor next = complete || hits.isEmpty() ? null : cursorOf(hits.getLast());
        return new Result(matches, exact, hits, next);
    }

    /** Candidates read per page of a filter search, and the most one search verifies. */
    static final int FILTER_PAGE = 1000;
    static final int MAX_VERIFIED = 200_000;

    /**
     * Match counts per interval of event time over {@code [fromMillis, toMillis)}.
     *
     * @param intervalMillis bucket width; 0 chooses one ({@link DateHistogram#autoInterval})
     * @throws ParseException           the query is not valid Lucene syntax
     * @throws IllegalArgumentException the lane is not indexed, the range is empty, or the interval gives too many buckets
     */
    public Histogram histogram(String lane, String query, long fromMillis, long toMillis, long intervalMillis)
            throws ParseException, IOException {
        Query q = query(lane, query, fromMillis, toMillis);
        long interval = intervalMillis > 0 ? intervalMillis : DateHistogram.autoInterval(toMillis - fromMillis);
        // Buckets start at multiples of the interval (UTC), so bars line up across queries; the
        // first may begin before `from`, and counts only matches inside the range.
        long start = Math.floorDiv(fromMillis, interval) * interval;
        long buckets = Math.ceilDiv(toMillis - start, interval);
        if (buckets > DateHistogram.MAX_BUCKETS) {
            throw new IllegalArgumentException("interval " + interval + " ms gives " + buckets + " buckets; at most "
                    + DateHistogram.MAX_BUCKETS);
        }
        DateHistogram manager = new DateHistogram(start, interval, (int) buckets);
        long[] counts = new long[(int) buckets];
        for (LocalDate day : layout.days(lane)) {
            if (day.isBefore(day(fromMillis)) || day.isAfter(day(toMillis - 1))) {
                continue;
            }
            try (DaySearcher s = open(lane, day)) {
                if (s != null) {
                    long[] c = s.searcher.search(q, manager);
                    for (int i = 0; i < counts.length; i++) {
                        counts[i] += c[i];
                    }
                }
            }
        }
        return new Histogram(start, interval, counts);
    }

    /** Counts of a histogram: bucket {@code i} starts at {@code fromMillis + i * intervalMillis}; {@code fromMillis} is a multiple of the interval. */
    public record Histogram(long fromMillis, long intervalMillis, long[] counts) {}

    /** The lane's query in the time range; validates the lane and the range. */
    private Query query(String lane, String query, long fromMillis, long toMillis) throws ParseException {
        List<FieldDef> fields = laneFields.get(lane);
        if (fields == null) {
            throw new IllegalArgumentException("lane " + lane + " is not delivered to the index (to: has no index)");
        }
        return inRange(lane, new LaneQueryParser(fields).parseQuery(query), fromMillis, toMillis);
    }

    /** {@code q} restricted to {@code [fromMillis, toMillis)}; validates the lane and the range. */
    private Query inRange(String lane, Query q, long fromMillis, long toMillis) {
        if (!laneFields.containsKey(lane)) {
            throw new IllegalArgumentException("lane " + lane + " is not delivered to the index (to: has no index)");
        }
        if (toMillis <= fromMillis) {
            throw new IllegalArgumentException("empty time range: from must be before to");
        }
        long loNanos = Math.multiplyExact(fromMillis, 1_000_000L);
        long hiNanos = Math.multiplyExact(toMillis, 1_000_000L) - 1;
        return new BooleanQuery.Builder().add(q, BooleanClause.Occur.MUST)
                .add(LongPoint.newRangeQuery(IndexFields.TS, loNanos, hiNanos), BooleanClause.Occur.FILTER).build();
    }

    private static LocalDate day(long millis) {
        return Instant.ofEpochMilli(millis).atZone(ZoneOffset.UTC).toLocalDate();
    }

    private static Hit hit(IndexSearcher s, ScoreDoc sd) throws IOException {
        List<LeafReaderContext> leaves = s.getIndexReader().leaves();
        LeafReaderContext ctx = leaves.get(ReaderUtil.subIndex(sd.doc, leaves));
        LeafReader leaf = ctx.reader();
        int doc = sd.doc - ctx.docBase;
        Object[] sortValues = ((FieldDoc) sd).fields;
        long ts = (Long) sortValues[0];
        long offset = (Long) sortValues[1];
        String tag = null;
        SortedDocValues tags = leaf.getSortedDocValues(IndexFields.TAG);
        if (tags != null && tags.advanceExact(doc)) {
            tag = tags.lookupOrd(tags.ordValue()).utf8ToString();
        }
        String message = null;
        BinaryDocValues messages = leaf.getBinaryDocValues(IndexFields.MESSAGE);
        if (messages != null && messages.advanceExact(doc)) {
            message = messages.binaryValue().utf8ToString();
        }
        BytesRef source = leaf.storedFields().document(doc).getBinaryValue(IndexFields.SOURCE);
        String json;
        try (MessageUnpacker u = MessagePack.newDefaultUnpacker(source.bytes, source.offset, source.length)) {
            json = u.unpackValue().toJson();
        }
        return new Hit(offset, Instant.ofEpochSecond(Math.floorDiv(ts, 1_000_000_000L), Math.floorMod(ts, 1_000_000_000L)),
                tag, message, json);
    }

    /** A searcher over one day: the sink's near-real-time one while it has the day open, else the last commit. */
    private DaySearcher open(String lane, LocalDate day) throws IOException {
        IndexSink sink = sinks.get(lane);
        SearcherManager m = sink == null ? null : sink.searchers(day);
        if (m != null) {
            try {
                IndexSearcher s = m.acquire();
                return new DaySearcher(s, () -> m.release(s));
            } catch (AlreadyClosedException closedMeanwhile) {
                // the sink rolled the day back or deleted it: read its last commit
            }
        }
        FSDirectory dir = FSDirectory.open(layout.dayDir(lane, day));
        if (!DirectoryReader.indexExists(dir)) {
            dir.close();
            return null;
        }
        DirectoryReader reader = DirectoryReader.open(dir);
        return new DaySearcher(new IndexSearcher(reader), () -> {
            try {
                reader.close();
            } finally {
                dir.close();
            }
        });
    }

    private interface IoCloser {
        void close() throws IOException;
    }

    /** A day's searcher and how to give it back. */
    private record DaySearcher(IndexSearcher searcher, IoCloser closer) implements AutoCloseable {
        @Override
        public void close() throws IOException { closer.close(); }
    }
}
