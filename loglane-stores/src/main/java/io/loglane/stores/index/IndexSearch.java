package io.loglane.stores.index;

import io.loglane.core.event.RecordView;
import io.loglane.core.parse.FieldDef;
import io.loglane.core.parse.RecordParser;
import io.loglane.search.filter.FilterPattern;
import io.loglane.search.filter.FilterPatternException;
import io.loglane.search.filter.PatternNode;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.PointValues;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.SortedDocValues;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.queryparser.classic.ParseException;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.FieldDoc;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.TermQuery;
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
 * stated lower bound (Lucene stops counting past 1000 hits per day once the top is known; a filter
 * search stops one match past the page), or exact when the request asks ({@link Request#exactTotal}:
 * counted apart from the page, so the page never waits for the count unless asked). Days a
 * lane's sink has open are read near-real-time; others at their last commit. Also, from doc values
 * and through one {@link MatchScan} (the candidate + verify path for filter patterns, capped): the
 * matches per interval of event time, optionally split by a keyword field ({@link #histogram}), the
 * fields the matches hold ({@link #fields}) and a field's top values ({@link #top}); and the lines
 * around a hit ({@link #context}).
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
    private final Map<String, RecordParser> laneParsers;
    private final Map<String, List<FieldDef>> laneFields;

    /**
     * @param laneParsers each indexed lane's parser: its typed fields fix the query's field types,
     *                    and a JSON pattern reads them from the record's message as the tail and SQL do
     */
    public IndexSearch(IndexLayout layout, OpenIndexSinks sinks, Map<String, RecordParser> laneParsers) {
        this.layout = layout;
        this.sinks = sinks;
        this.laneParsers = Map.copyOf(laneParsers);
        Map<String, List<FieldDef>> fields = new java.util.HashMap<>();
        laneParsers.forEach((lane, parser) -> fields.put(lane, RecordView.typedFields(parser.fields())));
        this.laneFields = Map.copyOf(fields);
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

    /**
     * A search: {@code fromMillis} inclusive, {@code toMillis} exclusive, epoch milliseconds; {@code after} null for the first page.
     *
     * @param exactTotal count every match of the range (whatever the cursor) for an exact total, up to what
     *                   {@link CandidateCheck#cap} lets a filter pattern verify; false: the page first, with a lower bound
     *                   once more matches exist than the page holds (cheap: it stops after the page)
     */
    public record Request(String lane, String query, SearchSyntax syntax, long fromMillis, long toMillis, int limit, Cursor after,
                          boolean exactTotal) {
        /** A search answered with a lower-bound total when counting would read past the page. */
        public Request(String lane, String query, SearchSyntax syntax, long fromMillis, long toMillis, int limit, Cursor after) {
            this(lane, query, syntax, fromMillis, toMillis, limit, after, false);
        }
    }

    /** One matching record: its stream offset, event time, tag, message (or null) and record as JSON text. */
    public record Hit(long offset, Instant ts, String tag, String message, String recordJson) {}

    /**
     * @param total      matches in the range (all pages)
     * @param totalExact whether {@code total} is exact; else it is a lower bound
     * @param hits       this page, newest first
     * @param nextCursor where the next page starts, or null when this page is the last
     */
    public record Result(long total, boolean totalExact, List<Hit> hits, Cursor nextCursor) {}

    /**
     * The event time (epoch nanoseconds) of the oldest document of {@code lane}'s index, from the
     * {@code ts} points of its oldest day that holds any; empty when it holds none. What is older
     * is not in the index (retention dropped it, or the index was enabled later): a search reads
     * it from the archive.
     */
    public OptionalLong oldestNanos(String lane) throws IOException {
        for (LocalDate day : layout.days(lane)) {
            try (DaySearcher s = open(lane, day)) {
                byte[] min = s == null ? null : PointValues.getMinPackedValue(s.searcher.getIndexReader(), IndexFields.TS);
                if (min != null) {
                    return OptionalLong.of(LongPoint.decodeDimension(min, 0));
                }
            }
        }
        return OptionalLong.empty();
    }

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
                    hits.add(hit(s, top.scoreDocs[i]));
                }
            }
        }
        if (r.after() != null) {
            exact = false; // counted past the cursor only: the answer states it as a lower bound of the whole range
        }
        Cursor next = hits.size() == r.limit() && total > hits.size() ? cursorOf(hits.getLast()) : null;
        if (r.exactTotal() && !exact) {
            total = 0;
            for (LocalDate day : daysNewestFirst(r.lane(), r.fromMillis(), r.toMillis())) {
                try (DaySearcher s = open(r.lane(), day)) {
                    if (s != null) {
                        total += s.searcher.count(q);
                    }
                }
            }
            exact = true;
        }
        return new Result(total, exact, hits, next);
    }

    /** The days of the request's range (up to its cursor's day) that have an index, newest first. */
    private List<LocalDate> daysNewestFirst(Request r) {
        long to = r.toMillis();
        if (r.after() != null) {
            // newer days hold nothing past the cursor
            to = Math.min(to, Math.floorDiv(r.after().tsNanos(), 1_000_000L) + 1);
        }
        return daysNewestFirst(r.lane(), r.fromMillis(), Math.max(to, r.fromMillis() + 1));
    }

    /** The days of {@code [fromMillis, toMillis)} that have an index, newest first. */
    private List<LocalDate> daysNewestFirst(String lane, long fromMillis, long toMillis) {
        LocalDate first = day(fromMillis);
        LocalDate last = day(toMillis - 1);
        List<LocalDate> out = new ArrayList<>();
        for (LocalDate day : layout.days(lane).reversed()) {
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
     * newest first, each verified by the pattern ({@link CandidateCheck}), until the page is full
     * and one more match is seen, or {@link CandidateCheck#cap} candidates were read. The total is
     * exact when every candidate of the range was verified; else it is the matches seen, a lower
     * bound, unless the request asks for an exact total: then every candidate of the range is
     * verified again, in index order, to count them (up to the cap).
     *
     * @throws FilterPatternException the pattern is not valid (with the position)
     */
    private Result filterSearch(Request r) throws IOException {
        FilterPattern pattern = FilterPattern.compile(r.query());
        Query q = inRange(r.lane(), FilterCandidates.of(pattern.node()), r.fromMillis(), r.toMillis());
        CandidateCheck check = CandidateCheck.of(pattern, laneParsers.get(r.lane()));
        long cap = check.cap();
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
                LeafChecks checks = new LeafChecks(check, s.searcher.getIndexReader().leaves());
                FieldDoc after = after(s, r.after());
                while (true) {
                    TopFieldDocs page = after == null ? s.searcher.search(q, FILTER_PAGE, NEWEST_FIRST)
                            : (TopFieldDocs) s.searcher.searchAfter(after, q, FILTER_PAGE, NEWEST_FIRST);
                    for (ScoreDoc sd : page.scoreDocs) {
                        if (verified++ >= cap) {
                            complete = false;
                            break scan;
                        }
                        if (checks.matches(sd.doc)) {
                            matches++;
                            if (hits.size() == r.limit()) {
                                complete = false; // one more exists: a next page
                                break scan;
                            }
                            hits.add(hit(s, sd));
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
        if (r.exactTotal() && !exact) {
            MatchScan count = scan(r.lane(), r.fromMillis(), r.toMillis(), q, check, cap, leaf -> doc -> { });
            matches = count.matches();
            exact = count.complete();
        }
        return new Result(matches, exact, hits, next);
    }

    /**
     * A day searcher's candidate checks, one per leaf, for documents by top-level id in the order
     * a sorted search gives them (increasing within a leaf; a check is made again otherwise).
     */
    private static final class LeafChecks {
        private final CandidateCheck check;
        private final List<LeafReaderContext> leaves;
        private final CandidateCheck.Leaf[] checks;
        private final int[] lastDoc;

        LeafChecks(CandidateCheck check, List<LeafReaderContext> leaves) {
            this.check = check;
            this.leaves = leaves;
            this.checks = new CandidateCheck.Leaf[leaves.size()];
            this.lastDoc = new int[leaves.size()];
        }

        boolean matches(int doc) throws IOException {
            int i = ReaderUtil.subIndex(doc, leaves);
            LeafReaderContext ctx = leaves.get(i);
            int local = doc - ctx.docBase;
            if (checks[i] == null || local <= lastDoc[i]) {
                checks[i] = check.leaf(ctx.reader()); // doc values iterate forward only
            }
            lastDoc[i] = local;
            return checks[i].matches(local);
        }
    }

    /** Candidates read per page of a filter search. */
    static final int FILTER_PAGE = 1000;

    /** Most buckets a histogram has. */
    public static final int MAX_BUCKETS = DateHistogram.MAX_BUCKETS;

    /** The interval {@link #histogram} chooses for a span when given none (another store's part of the histogram uses the same). */
    public static long autoInterval(long spanMillis) { return DateHistogram.autoInterval(spanMillis); }

    /** Most values a histogram splits by. */
    public static final int MAX_SPLIT = 50;

    /**
     * Match counts per interval of event time over the scope's range, and, when {@code splitField}
     * is given, per bucket for each of that keyword field's {@code splitSize} most frequent values
     * among the matches, and for the rest. A Lucene query counts every match (doc values only); a
     * filter pattern verifies at most {@link CandidateCheck#cap} candidates, newest day first, and
     * says whether that was all.
     *
     * @param intervalMillis bucket width; 0 chooses one ({@link DateHistogram#autoInterval})
     * @param splitField     a keyword field ({@code host}, a string field of the lane, {@code attrs.<key>}), or null
     * @throws ParseException           the query is not valid Lucene syntax
     * @throws FilterPatternException   the query is not a valid filter pattern
     * @throws IllegalArgumentException the lane is not indexed, the range is empty, the interval gives too many
     *                                  buckets, or splitSize is not 1..{@link #MAX_SPLIT}
     */
    public Histogram histogram(Scope scope, long intervalMillis, String splitField, int splitSize) throws ParseException, IOException {
        long fromMillis = scope.fromMillis();
        long toMillis = scope.toMillis();
        if (toMillis <= fromMillis) {
            throw new IllegalArgumentException("empty time range: from must be before to");
        }
        if (splitField != null && (splitSize < 1 || splitSize > MAX_SPLIT)) {
            throw new IllegalArgumentException("split_size must be 1.." + MAX_SPLIT);
        }
        long interval = intervalMillis > 0 ? intervalMillis : DateHistogram.autoInterval(toMillis - fromMillis);
        // Buckets start at multiples of the interval (UTC), so bars line up across queries; the
        // first may begin before `from`, and counts only matches inside the range.
        long start = Math.floorDiv(fromMillis, interval) * interval;
        long buckets = Math.ceilDiv(toMillis - start, interval);
        if (buckets > DateHistogram.MAX_BUCKETS) {
            throw new IllegalArgumentException("interval " + interval + " ms gives " + buckets + " buckets; at most "
                    + DateHistogram.MAX_BUCKETS);
        }
        long cap = scope.syntax() == SearchSyntax.FILTER ? CandidateCheck.of(FilterPattern.compile(scope.query()), null).cap() : Long.MAX_VALUE;
        List<String> splitValues = List.of();
        boolean complete = true;
        if (splitField != null) {
            FieldStats.TopVisitor top = new FieldStats.TopVisitor(splitField, fieldsOf(scope.lane()), true);
            FieldStats.Top t = top.result(scan(scope, cap, top), splitSize);
            splitValues = t.values().stream().map(v -> (String) v.value()).toList();
            complete = t.complete();
        }
        DateHistogram h = new DateHistogram(start, interval, (int) buckets, splitField, splitValues);
        if (splitField == null && matchesEverything(scope)) {
            countEverything(scope, h);
        } else {
            complete &= scan(scope, cap, h).complete();
        }
        return new Histogram(start, interval, h.counts(), splitField, splitValues, List.of(h.series()), complete);
    }

    /** Whether the scope's query matches every document of its range (the empty query of either syntax). */
    private boolean matchesEverything(Scope s) throws ParseException {
        return s.syntax() == SearchSyntax.FILTER ? FilterPattern.compile(s.query()).node() instanceof PatternNode.MatchAll
                : new LaneQueryParser(fieldsOf(s.lane())).parseQuery(s.query()) instanceof MatchAllDocsQuery;
    }

    /**
     * Counts every document of the scope's range into {@code h}: leaves without deletions by
     * their sort order alone ({@link DateHistogram#countSorted}), others by a scan of the range.
     */
    private void countEverything(Scope s, DateHistogram h) throws IOException {
        long loNanos = Math.multiplyExact(s.fromMillis(), 1_000_000L);
        long hiNanos = Math.multiplyExact(s.toMillis(), 1_000_000L);
        Query range = inRange(s.lane(), new MatchAllDocsQuery(), s.fromMillis(), s.toMillis());
        for (LocalDate day : daysNewestFirst(s.lane(), s.fromMillis(), s.toMillis())) {
            try (DaySearcher d = open(s.lane(), day)) {
                if (d == null) {
                    continue;
                }
                for (LeafReaderContext leaf : d.searcher.getIndexReader().leaves()) {
                    if (DateHistogram.countableBySort(leaf.reader())) {
                        h.countSorted(leaf.reader(), loNanos, hiNanos);
                    } else {
                        IndexSearcher one = new IndexSearcher(leaf.reader());
                        one.setQueryCache(null);
                        one.search(range, new MatchScan(null, Long.MAX_VALUE, h));
                    }
                }
            }
        }
    }

    /**
     * Counts of a histogram: bucket {@code i} starts at {@code fromMillis + i * intervalMillis};
     * {@code fromMillis} is a multiple of the interval. With a split, {@code series.get(k)} counts
     * {@code splitValues.get(k)} per bucket and the last series the matches with another value or
     * none; else both are empty. {@code complete} is false when a filter pattern's candidates were
     * not all read (the counts are then of those read).
     */
    public record Histogram(long fromMillis, long intervalMillis, long[] counts, String splitField, List<String> splitValues,
                            List<long[]> series, boolean complete) {}

    /** The matches of a query in {@code [fromMillis, toMillis)}: a search without its page. */
    public record Scope(String lane, String query, SearchSyntax syntax, long fromMillis, long toMillis) {}

    /** Most documents a field listing or top-values count reads (a filter pattern's candidates count, matching or not). */
    public static final long MAX_SCANNED = 100_000;
    /** Most values a top-values answer lists. */
    public static final int MAX_TOP = 1000;

    /**
     * The lane's fields with their types (its declared fields and every field the scanned days
     * hold) and how many of the matches have each; at most {@link #MAX_SCANNED} documents read,
     * newest day first, and the answer says whether that was all.
     *
     * @throws ParseException           the query is not valid Lucene syntax
     * @throws FilterPatternException   the query is not a valid filter pattern
     * @throws IllegalArgumentException the lane is not indexed, or the range is empty
     */
    public FieldStats.Fields fields(Scope s) throws ParseException, IOException {
        FieldStats.FieldsVisitor v = new FieldStats.FieldsVisitor(fieldsOf(s.lane()));
        return v.result(scan(s, MAX_SCANNED, v));
    }

    /**
     * The {@code size} most frequent values of field {@code name} (a query name: {@code attrs.<key>}
     * counts the key's values of every type) over the matches, from doc values; at most
     * {@link #MAX_SCANNED} documents read, newest day first, and the answer says whether that was all.
     *
     * @throws IllegalArgumentException as {@link #fields}, or size is not 1..{@link #MAX_TOP}
     */
    public FieldStats.Top top(Scope s, String name, int size) throws ParseException, IOException {
        if (size < 1 || size > MAX_TOP) {
            throw new IllegalArgumentException("size must be 1.." + MAX_TOP);
        }
        FieldStats.TopVisitor v = new FieldStats.TopVisitor(name, fieldsOf(s.lane()), false);
        return v.result(scan(s, MAX_SCANNED, v), size);
    }

    /** Hands the scope's matches to {@code visitor}, newest day first, until {@code cap} documents were read. */
    MatchScan scan(Scope s, long cap, MatchScan.Visitor visitor) throws ParseException, IOException {
        Query q;
        CandidateCheck check = null;
        if (s.syntax() == SearchSyntax.FILTER) {
            FilterPattern pattern = FilterPattern.compile(s.query());
            q = inRange(s.lane(), FilterCandidates.of(pattern.node()), s.fromMillis(), s.toMillis());
            check = CandidateCheck.of(pattern, laneParsers.get(s.lane()));
        } else {
            q = query(s.lane(), s.query(), s.fromMillis(), s.toMillis());
        }
        return scan(s.lane(), s.fromMillis(), s.toMillis(), q, check, cap, visitor);
    }

    /** Hands the matches of {@code q} (verified by {@code checkOrNull}) in the range to {@code visitor}, newest day first, up to {@code cap} read. */
    private MatchScan scan(String lane, long fromMillis, long toMillis, Query q, CandidateCheck checkOrNull, long cap,
                           MatchScan.Visitor visitor) throws IOException {
        MatchScan scan = new MatchScan(checkOrNull, cap, visitor);
        for (LocalDate day : daysNewestFirst(lane, fromMillis, toMillis)) {
            if (!scan.complete()) {
                break;
            }
            try (DaySearcher d = open(lane, day)) {
                if (d != null) {
                    d.searcher.search(q, scan);
                }
            }
        }
        return scan;
    }

    private List<FieldDef> fieldsOf(String lane) {
        List<FieldDef> fields = laneFields.get(lane);
        if (fields == null) {
            throw new IllegalArgumentException("lane " + lane + " is not delivered to the index (to: has no index)");
        }
        return fields;
    }

    /** Most lines a context answer gives on either side of its hit. */
    public static final int MAX_CONTEXT = 1000;
    /** Oldest first then lowest offset: the order of the lines after a hit. */
    private static final Sort OLDEST_FIRST = new Sort(new SortField(IndexFields.TS, SortField.Type.LONG),
            new SortField(IndexFields.OFFSET, SortField.Type.LONG));
    /** The fields a hit's neighbours share, first present first: its container, else its source, else its tag. */
    private static final List<String> CONTEXT_KEYS = List.of("container_id", "source", IndexFields.TAG);

    /**
     * The lines around a hit (Kibana's surrounding documents): the record at stream offset
     * {@code offset} and up to {@code before} older and {@code after} newer records sharing its
     * container ({@code container_id}), else its {@code source}, else its tag; {@code before} and
     * {@code after} are each by (ts, offset) ascending.
     */
    public record Context(Hit anchor, String sharedField, String sharedValue, List<Hit> before, List<Hit> after) {}

    /**
     * @return the context; empty when no day of the lane's index holds the offset
     * @throws IllegalArgumentException the lane is not indexed, or before/after is not 0..{@link #MAX_CONTEXT}
     */
    public Optional<Context> context(String lane, long offset, int before, int after) throws IOException {
        fieldsOf(lane);
        if (before < 0 || before > MAX_CONTEXT || after < 0 || after > MAX_CONTEXT) {
            throw new IllegalArgumentException("before and after must be 0.." + MAX_CONTEXT);
        }
        List<LocalDate> days = layout.days(lane);
        for (int d = days.size() - 1; d >= 0; d--) {
            try (DaySearcher s = open(lane, days.get(d))) {
                if (s == null) {
                    continue;
                }
                TopFieldDocs found = s.searcher.search(new TermQuery(new Term(IndexFields.OFFSET, DocumentMapper.offsetKey(offset))),
                        1, NEWEST_FIRST);
                if (found.scoreDocs.length == 0) {
                    continue;
                }
                Hit anchor = hit(s, found.scoreDocs[0]);
                Shared shared = shared(s.searcher, found.scoreDocs[0].doc);
                Query same = new TermQuery(new Term(shared.field(), shared.value()));
                Cursor at = cursorOf(anchor);
                List<Hit> older = neighbours(lane, days, d, -1, same, at, before, NEWEST_FIRST);
                List<Hit> newer = neighbours(lane, days, d, +1, same, at, after, OLDEST_FIRST);
                return Optional.of(new Context(anchor, shared.field(), shared.value(), older.reversed(), newer));
            }
        }
        return Optional.empty();
    }

    /** The field and value a hit's neighbours share. */
    private record Shared(String field, String value) {}

    /** The first of {@link #CONTEXT_KEYS} the document has, and its value. */
    private static Shared shared(IndexSearcher s, int doc) throws IOException {
        List<LeafReaderContext> leaves = s.getIndexReader().leaves();
        LeafReaderContext ctx = leaves.get(ReaderUtil.subIndex(doc, leaves));
        for (String field : CONTEXT_KEYS) {
            SortedDocValues v = ctx.reader().getSortedDocValues(field);
            if (v != null && v.advanceExact(doc - ctx.docBase)) {
                return new Shared(field, IndexFields.text(v.lookupOrd(v.ordValue())));
            }
        }
        return new Shared(IndexFields.TAG, ""); // a tag too long to index (none is): no neighbour shares it
    }

    /**
     * Up to {@code want} documents matching {@code same} past {@code at} in {@code order}, reading
     * day {@code from} and then the days in {@code step}'s direction (-1 older, +1 newer).
     */
    private List<Hit> neighbours(String lane, List<LocalDate> days, int from, int step, Query same, Cursor at, int want, Sort order)
            throws IOException {
        List<Hit> out = new ArrayList<>();
        for (int d = from; d >= 0 && d < days.size() && out.size() < want; d += step) {
            try (DaySearcher s = open(lane, days.get(d))) {
                if (s == null) {
                    continue;
                }
                // after() leaves the anchor out in either order: ties on (ts, offset) follow only by a higher doc id.
                TopFieldDocs top = (TopFieldDocs) s.searcher.searchAfter(after(s, at), same, want - out.size(), order);
                for (ScoreDoc sd : top.scoreDocs) {
                    out.add(hit(s, sd));
                }
            }
        }
        return out;
    }

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
                .add(LaneQueryParser.pointsOrDocValues(IndexFields.TS, LongPoint.newRangeQuery(IndexFields.TS, loNanos, hiNanos), loNanos, hiNanos),
                        BooleanClause.Occur.FILTER).build();
    }

    private static LocalDate day(long millis) {
        return Instant.ofEpochMilli(millis).atZone(ZoneOffset.UTC).toLocalDate();
    }

    private static Hit hit(DaySearcher s, ScoreDoc sd) throws IOException {
        List<LeafReaderContext> leaves = s.searcher.getIndexReader().leaves();
        int leafIndex = ReaderUtil.subIndex(sd.doc, leaves);
        LeafReaderContext ctx = leaves.get(leafIndex);
        LeafReader leaf = ctx.reader();
        int doc = sd.doc - ctx.docBase;
        Object[] sortValues = ((FieldDoc) sd).fields;
        long ts = (Long) sortValues[0];
        long offset = (Long) sortValues[1];
        String tag = null;
        SortedDocValues tags = leaf.getSortedDocValues(IndexFields.TAG);
        if (tags != null && tags.advanceExact(doc)) {
            tag = IndexFields.text(tags.lookupOrd(tags.ordValue()));
        }
        String message = null;
        BinaryDocValues messages = leaf.getBinaryDocValues(IndexFields.MESSAGE);
        if (messages != null && messages.advanceExact(doc)) {
            message = IndexFields.text(messages.binaryValue());
        }
        BytesRef source = s.storedFields(leafIndex).document(doc).getBinaryValue(IndexFields.SOURCE);
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

    /**
     * A day's searcher and how to give it back; it keeps each leaf's stored-fields reader, whose
     * last decompressed block serves the next hit from that block (a page's hits are neighbours).
     */
    private record DaySearcher(IndexSearcher searcher, IoCloser closer, StoredFields[] stored) implements AutoCloseable {
        DaySearcher(IndexSearcher searcher, IoCloser closer) {
            this(searcher, closer, new StoredFields[searcher.getIndexReader().leaves().size()]);
        }

        StoredFields storedFields(int leaf) throws IOException {
            if (stored[leaf] == null) {
                stored[leaf] = searcher.getIndexReader().leaves().get(leaf).reader().storedFields();
            }
            return stored[leaf];
        }

        @Override
        public void close() throws IOException { closer.close(); }
    }
}
