package io.loglane.app.search;

import io.loglane.query.ArchiveSearch;
import io.loglane.query.FilterSqlException;
import io.loglane.query.SqlQueryException;
import io.loglane.stores.index.FieldStats;
import io.loglane.stores.index.IndexSearch;
import io.loglane.stores.index.SearchSyntax;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.lucene.queryparser.classic.ParseException;

/**
 * A search over a lane's index and, for the part of the time range the index does not hold, its
 * Parquet archive: one answer, newest first.
 *
 * <h2>The split</h2>
 * The index holds a lane's events from its oldest document's event time on
 * ({@link IndexSearch#oldestNanos}); what is older (dropped by the index's retention, or from
 * before the index was enabled), and the whole range of a lane without {@code index} in its
 * {@code to:}, is read from the archive ({@link ArchiveSearch}, SQL). The boundary is a
 * millisecond {@code b}: the index answers {@code [max(from, b), to)}, the archive
 * {@code [from, min(to, b))}. A cursor keeps the boundary its first page chose, so the pages of
 * one search split the range the same way and see each match once.
 *
 * <h2>Honesty</h2>
 * The answer lists each part with its store ({@link StoreRange}); a part no store answered says
 * why (the lane has no archive; the query cannot be expressed in SQL, e.g. a filter pattern's
 * {@code [*]} selector; the archive query failed or timed out) and makes the answer incomplete.
 * The total adds both parts; it is a lower bound when the index's is, when a part is not covered,
 * or past the first page (the archive's part is counted on the first page only; past it, a page
 * adds the archive rows it holds).
 *
 * <h2>Limits</h2>
 * The boundary is a time, and an index holds a time range only as well as its oldest document
 * stands for it: a late event with an old event time indexed after the index was enabled moves
 * the boundary back past events the index never received (they are in the archive, not read).
 * A day the index's retention drops between a cursor's pages leaves its matches out of the
 * later pages (the cursor keeps the boundary).
 *
 * <p>Thread-safety: thread-safe (both searches are).
 */
public final class HotColdSearch {
    /** The largest epoch millisecond whose nanosecond fits a long (event times are nanoseconds in both stores). */
    private static final long MAX_MILLIS = Long.MAX_VALUE / 1_000_000L - 1;

    private final IndexSearch index;
    private final ArchiveSearch archive;
    private final Set<String> archivedLanes;
    private final Duration archiveFlushAge;
    private final Clock clock;

    /**
     * @param archive         SQL over the archive; null when the node has none (every archive part is then not covered)
     * @param archivedLanes   the lanes with {@code archive} in their {@code to:}
     * @param archiveFlushAge the archive's {@code flush_age}: rows received since may not be in it yet
     */
    public HotColdSearch(IndexSearch index, ArchiveSearch archive, Set<String> archivedLanes, Duration archiveFlushAge, Clock clock) {
        this.index = index;
        this.archive = archive;
        this.archivedLanes = Set.copyOf(archivedLanes);
        this.archiveFlushAge = archiveFlushAge;
        this.clock = clock;
    }

    /** The index search (the field list and the context view read the index alone). */
    public IndexSearch index() { return index; }

    /** Whether a search of {@code lane} has a store to read: an index or an archive. */
    public boolean searchable(String lane) { return index.indexes(lane) || archivedLanes.contains(lane); }

    /** A search: the range {@code [fromMillis, toMillis)}; {@code cursor} the text of an earlier answer's, or null. */
    public record Request(String lane, String query, SearchSyntax syntax, long fromMillis, long toMillis, int limit, String cursor,
                          boolean exactTotal) {
        /** A search whose total may be a lower bound once more matches exist than the page holds. */
        public Request(String lane, String query, SearchSyntax syntax, long fromMillis, long toMillis, int limit, String cursor) {
            this(lane, query, syntax, fromMillis, toMillis, limit, cursor, false);
        }
    }

    /**
     * A page: the index's hits (newest first), then the archive's (older than every index hit).
     *
     * @param total      matches over both parts (of the covered ones)
     * @param totalExact whether {@code total} is exact; else a lower bound
     * @param nextCursor null when this page is the last
     * @param stores     each part of the range, newest first, with its store or why none answered it
     */
    public record Page(long total, boolean totalExact, List<IndexSearch.Hit> indexHits, List<ArchiveSearch.Row> archiveHits,
                       String nextCursor, List<StoreRange> stores) {
        /** Whether every part was covered, the total is exact and no page follows. */
        public boolean complete() { return totalExact && nextCursor == null && stores.stream().allMatch(StoreRange::covered); }
    }

    /**
     * @throws ParseException         the Lucene query is invalid (position in the message)
     * @throws io.loglane.search.filter.FilterPatternException the filter pattern is invalid (with its position)
     * @throws IllegalArgumentException bad limit, range or cursor (one of another query: 400), or a lane with no store to search
     */
    public Page search(Request r) throws ParseException, IOException {
        if (r.limit() < 1 || r.limit() > IndexSearch.MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be 1.." + IndexSearch.MAX_LIMIT);
        }
        Split split = split(r.lane(), r.query(), r.syntax(), r.fromMillis(), r.toMillis(), r.cursor());
        SearchCursor cursor = split.cursor;
        List<StoreRange> stores = new ArrayList<>();
        List<IndexSearch.Hit> hot = List.of();
        long total = 0;
        boolean exact = cursor == null;
        String next = null;
        boolean hotMore = false;
        if (split.hasHot()) {
            stores.add(StoreRange.covered("index", split.hotFrom(), r.toMillis(), null));
            if (cursor == null || cursor.part() == SearchCursor.Part.INDEX) {
                IndexSearch.Result res = index.search(new IndexSearch.Request(r.lane(), r.query(), r.syntax(), split.hotFrom(), r.toMillis(),
                        r.limit(), cursor == null ? null : cursor.indexCursor(), r.exactTotal()));
                hot = res.hits();
                total += res.total();
                exact &= res.totalExact();
                if (res.nextCursor() != null) {
                    hotMore = true;
                    next = new SearchCursor(split.fingerprint, split.boundary, SearchCursor.Part.INDEX,
                            res.nextCursor().tsNanos(), res.nextCursor().offset()).toString();
                }
            }
        }
        List<ArchiveSearch.Row> cold = List.of();
        if (split.hasCold()) {
            Cold c = cold(r.lane(), r.query(), r.syntax(), split.coldTo(), r.fromMillis());
            stores.add(c.range);
            if (c.predicate != null) {
                long fromNanos = r.fromMillis() * 1_000_000L;
                long toNanos = split.coldTo() * 1_000_000L;
                try {
                    // Counted on the first page only: past a cursor the total is a lower bound anyway (this page's
                    // rows), and a page deep into a slow predicate's matches should not scan them all again.
                    long coldCount = cursor == null ? archive.count(r.lane(), c.predicate.sql(), fromNanos, toNanos) : -1;
                    total += Math.max(coldCount, 0);
                    int room = r.limit() - hot.size();
                    if (!hotMore && room > 0) {
                        ArchiveSearch.Page p = archive.page(r.lane(), c.predicate.sql(), fromNanos, toNanos,
                                cursor == null ? null : cursor.archivePosition(), room);
                        cold = p.rows();
                        total += cursor == null ? 0 : cold.size();
                        if (p.next() != null) {
                            next = new SearchCursor(split.fingerprint, split.boundary, SearchCursor.Part.ARCHIVE,
                                    p.next().tsNanos(), p.next().skip()).toString();
                        }
                    } else if (!hotMore && (coldCount > 0 || coldCount < 0 && archive.any(r.lane(), c.predicate.sql(), fromNanos, toNanos))) {
                        // the index's part filled the page exactly: the next page starts the archive's, if it holds a match
                        next = new SearchCursor(split.fingerprint, split.boundary, SearchCursor.Part.ARCHIVE_START, 0, 0).toString();
                    }
                } catch (SqlQueryException e) {
                    stores.set(stores.size() - 1, StoreRange.notCovered("archive", r.fromMillis(), split.coldTo(),
                            "the archive query failed: " + e.getMessage()));
                    exact = false;
                }
            } else {
                exact = false;
            }
        }
        return new Page(total, exact, hot, cold, next, stores);
    }

    /**
     * Counts of a histogram over both parts: bucket {@code i} starts at {@code fromMillis + i * intervalMillis}
     * ({@link IndexSearch.Histogram}'s layout); a bucket holding the boundary adds the index's
     * matches at or after it to the archive's before it. With a split, its values are the most
     * frequent among the index part's matches (the archive part's when the range has no index part).
     * {@code complete} is false when the index's count was capped or a part was not covered.
     */
    public record Histogram(long fromMillis, long intervalMillis, long[] counts, List<String> splitValues, List<long[]> series,
                            boolean complete, List<StoreRange> stores) {}

    /**
     * Match counts per interval over the range, from the index for its part and the archive
     * (SQL {@code count(*) GROUP BY} bucket) for the rest.
     *
     * @param intervalMillis 0 chooses one ({@link IndexSearch#autoInterval})
     * @throws IllegalArgumentException as {@link IndexSearch#histogram}, or a lane with no store
     */
    public Histogram histogram(String lane, String query, SearchSyntax syntax, long fromMillis, long toMillis, long intervalMillis,
                               String splitField, int splitSize) throws ParseException, IOException {
        Split split = split(lane, query, syntax, fromMillis, toMillis, null);
        long interval = intervalMillis > 0 ? intervalMillis : IndexSearch.autoInterval(toMillis - fromMillis);
        long start = Math.floorDiv(fromMillis, interval) * interval;
        long buckets = Math.ceilDiv(toMillis - start, interval);
        if (buckets > IndexSearch.MAX_BUCKETS) {
            throw new IllegalArgumentException("interval " + interval + " ms gives " + buckets + " buckets; at most " + IndexSearch.MAX_BUCKETS);
        }
        if (splitField != null && (splitSize < 1 || splitSize > IndexSearch.MAX_SPLIT)) {
            throw new IllegalArgumentException("split_size must be 1.." + IndexSearch.MAX_SPLIT);
        }
        long[] counts = new long[(int) buckets];
        List<String> values = List.of();
        List<long[]> series = new ArrayList<>();
        boolean complete = true;
        List<StoreRange> stores = new ArrayList<>();
        if (split.hasHot()) {
            stores.add(StoreRange.covered("index", split.hotFrom(), toMillis, null));
            IndexSearch.Histogram h = index.histogram(new IndexSearch.Scope(lane, query, syntax, split.hotFrom(), toMillis), interval,
                    splitField, splitSize);
            int shift = (int) ((h.fromMillis() - start) / interval); // both start at multiples of the interval
            values = h.splitValues();
            for (long[] s : h.series()) {
                long[] aligned = new long[(int) buckets];
                System.arraycopy(s, 0, aligned, shift, Math.min(s.length, aligned.length - shift));
                series.add(aligned);
            }
            for (int i = 0; i < h.counts().length && shift + i < buckets; i++) {
                counts[shift + i] += h.counts()[i];
            }
            complete = h.complete();
        }
        if (split.hasCold()) {
            Cold c = cold(lane, query, syntax, split.coldTo(), fromMillis);
            stores.add(c.range);
            if (c.predicate != null) {
                long fromNanos = fromMillis * 1_000_000L;
                long toNanos = split.coldTo() * 1_000_000L;
                try {
                    if (splitField != null && !split.hasHot()) {
                        values = archive.topValues(lane, c.predicate.sql(), fromNanos, toNanos, splitField, splitSize);
                    }
                    ArchiveSearch.Counts a = archive.histogram(lane, c.predicate.sql(), fromNanos, toNanos, start, interval, (int) buckets,
                            splitField, values);
                    for (int i = 0; i < buckets; i++) {
                        counts[i] += a.counts()[i];
                    }
                    if (series.isEmpty()) {
                        series.addAll(a.series());
                    } else {
                        for (int k = 0; k < series.size(); k++) {
                            for (int i = 0; i < buckets; i++) {
                                series.get(k)[i] += a.series().get(k)[i];
                            }
                        }
                    }
                } catch (SqlQueryException e) {
                    stores.set(stores.size() - 1, StoreRange.notCovered("archive", fromMillis, split.coldTo(),
                            "the archive query failed: " + e.getMessage()));
                    complete = false;
                }
            } else {
                complete = false;
            }
        }
        if (splitField != null && series.isEmpty()) {
            series.add(new long[(int) buckets]); // no part counted: the rest, all zero
        }
        return new Histogram(start, interval, counts, values, series, complete, stores);
    }

    /** A field's top values over both parts, and the parts each store covered. */
    public record Top(FieldStats.Top top, List<StoreRange> stores) {}

    /**
     * The {@code size} most frequent values of field {@code name} over the matches: the index's part
     * ({@link IndexSearch#top}), then the archive's newest matches up to what is left of
     * {@link IndexSearch#MAX_SCANNED} read in all (SQL), their counts added. Each part lists up to
     * {@link IndexSearch#MAX_TOP} values before they are merged, so a value outside one part's
     * top {@link IndexSearch#MAX_TOP} is counted from the other part only, and {@code distinct}
     * is then a lower bound; {@code complete} is false when a part was capped or not covered.
     *
     * @throws IllegalArgumentException as {@link IndexSearch#top}, or a lane with no store
     */
    public Top top(IndexSearch.Scope scope, String name, int size) throws ParseException, IOException {
        if (size < 1 || size > IndexSearch.MAX_TOP) {
            throw new IllegalArgumentException("size must be 1.." + IndexSearch.MAX_TOP);
        }
        Split split = split(scope.lane(), scope.query(), scope.syntax(), scope.fromMillis(), scope.toMillis(), null);
        List<StoreRange> stores = new ArrayList<>();
        Map<Object, Long> counts = new HashMap<>();
        long matches = 0;
        long withValue = 0;
        long distinct = 0;
        boolean complete = true;
        boolean listedAll = true;
        if (split.hasHot()) {
            stores.add(StoreRange.covered("index", split.hotFrom(), scope.toMillis(), null));
            FieldStats.Top t = index.top(new IndexSearch.Scope(scope.lane(), scope.query(), scope.syntax(), split.hotFrom(), scope.toMillis()),
                    name, IndexSearch.MAX_TOP);
            t.values().forEach(v -> counts.merge(v.value(), v.count(), Long::sum));
            matches += t.matches();
            withValue += t.withValue();
            distinct = t.distinct();
            complete = t.complete();
            listedAll = t.distinct() <= t.values().size();
        }
        if (split.hasCold()) {
            ArchiveSearch.Values v = coldStatistics(scope, split, matches, complete, stores, "a top-values answer",
                    (predicate, from, to, cap) -> archive.values(scope.lane(), predicate, from, to, name, cap, IndexSearch.MAX_TOP));
            if (v == null) {
                complete = false;
            } else {
                v.values().forEach(e -> counts.merge(e.getKey(), e.getValue(), Long::sum));
                long union = counts.size();
                boolean coldListedAll = v.distinct() <= v.values().size();
                distinct = listedAll && coldListedAll ? union : Math.max(union, Math.max(distinct, v.distinct()));
                matches += v.rows();
                withValue += v.withValue();
                complete &= v.complete();
            }
        }
        List<FieldStats.Value> values = new ArrayList<>();
        counts.forEach((v, n) -> values.add(new FieldStats.Value(v, n)));
        values.sort(Comparator.comparingLong(FieldStats.Value::count).reversed().thenComparing(v -> String.valueOf(v.value())));
        return new Top(new FieldStats.Top(List.copyOf(values.subList(0, Math.min(size, values.size()))), matches, withValue, distinct,
                complete), stores);
    }

    /** The fields the matches hold over both parts, and the parts each store covered. */
    public record Fields(FieldStats.Fields fields, List<StoreRange> stores) {}

    /**
     * The fields the matches hold, and how many of them hold each: the index's part
     * ({@link IndexSearch#fields}), then the archive's newest matches up to what is left of
     * {@link IndexSearch#MAX_SCANNED} read in all (SQL), counted per field name and type as the
     * index names them. {@code complete} is false when a part was capped or not covered.
     *
     * @throws IllegalArgumentException as {@link IndexSearch#fields}, or a lane with no store
     */
    public Fields fields(IndexSearch.Scope scope) throws ParseException, IOException {
        Split split = split(scope.lane(), scope.query(), scope.syntax(), scope.fromMillis(), scope.toMillis(), null);
        List<StoreRange> stores = new ArrayList<>();
        Map<String, Map<FieldStats.Type, Long>> counts = new LinkedHashMap<>();
        long matches = 0;
        boolean complete = true;
        if (split.hasHot()) {
            stores.add(StoreRange.covered("index", split.hotFrom(), scope.toMillis(), null));
            FieldStats.Fields f = index.fields(new IndexSearch.Scope(scope.lane(), scope.query(), scope.syntax(), split.hotFrom(),
                    scope.toMillis()));
            f.fields().forEach(x -> counts.computeIfAbsent(x.name(), k -> new LinkedHashMap<>()).merge(x.type(), x.count(), Long::sum));
            matches = f.matches();
            complete = f.complete();
        }
        if (split.hasCold()) {
            ArchiveSearch.FieldCounts a = coldStatistics(scope, split, matches, complete, stores, "a field listing",
                    (predicate, from, to, cap) -> archive.fields(scope.lane(), predicate, from, to, cap));
            if (a == null) {
                complete = false;
            } else {
                a.counts().forEach((name, byType) -> byType.forEach((type, n) -> counts.computeIfAbsent(name, k -> new LinkedHashMap<>())
                        .merge(FieldStats.Type.valueOf(type.toUpperCase(Locale.ROOT)), n, Long::sum)));
                matches += a.rows();
                complete &= a.complete();
            }
        }
        List<FieldStats.Field> out = new ArrayList<>();
        counts.forEach((name, byType) -> byType.forEach((type, n) -> out.add(new FieldStats.Field(name, type, n))));
        return new Fields(new FieldStats.Fields(out, matches, complete), stores);
    }

    /** One read of the archive's part of a statistics answer: its predicate, range in epoch nanoseconds, and most rows to read. */
    private interface ColdRead<T> {
        T read(String predicate, long fromNanos, long toNanos, long cap);
    }

    /**
     * The archive's part of a statistics answer (fields, top values), read up to what is left of
     * {@link IndexSearch#MAX_SCANNED} after the index's {@code read} matches; adds the part to
     * {@code stores}. Null when it was not read (not covered, with the reason): the query cannot run
     * there, the index's part was capped already, or the archive query failed.
     */
    private <T> T coldStatistics(IndexSearch.Scope scope, Split split, long read, boolean indexComplete, List<StoreRange> stores,
                                 String what, ColdRead<T> r) throws ParseException {
        Cold c = cold(scope.lane(), scope.query(), scope.syntax(), split.coldTo(), scope.fromMillis());
        long cap = IndexSearch.MAX_SCANNED - read;
        if (c.predicate == null) {
            stores.add(c.range);
            return null;
        }
        if (!indexComplete || cap <= 0) {
            stores.add(StoreRange.notCovered("archive", scope.fromMillis(), split.coldTo(),
                    "the index's part alone reached the " + IndexSearch.MAX_SCANNED + " matches " + what + " reads"));
            return null;
        }
        stores.add(c.range);
        try {
            return r.read(c.predicate.sql(), scope.fromMillis() * 1_000_000L, split.coldTo() * 1_000_000L, cap);
        } catch (SqlQueryException e) {
            stores.set(stores.size() - 1, StoreRange.notCovered("archive", scope.fromMillis(), split.coldTo(),
                    "the archive query failed: " + e.getMessage()));
            return null;
        }
    }

    /** How a request's range splits, and its checked cursor. */
    private record Split(String fingerprint, long boundary, long fromMillis, long toMillis, SearchCursor cursor) {
        boolean hasHot() { return boundary < toMillis && (cursor == null || cursor.part() == SearchCursor.Part.INDEX); }

        boolean hasCold() { return fromMillis < boundary; }

        long hotFrom() { return Math.max(fromMillis, boundary); }

        long coldTo() { return Math.min(toMillis, boundary); }
    }

    private Split split(String lane, String query, SearchSyntax syntax, long fromMillis, long toMillis, String cursorText)
            throws IOException {
        if (toMillis <= fromMillis) {
            throw new IllegalArgumentException("empty time range: from must be before to");
        }
        if (Math.abs(fromMillis) > MAX_MILLIS || Math.abs(toMillis) > MAX_MILLIS) {
            throw new IllegalArgumentException("from and to must lie within the years 1678..2261 (event times are epoch nanoseconds)");
        }
        if (!searchable(lane)) {
            throw new IllegalArgumentException("lane " + lane + " is delivered to neither the index nor the archive: nothing to search");
        }
        String fp = SearchCursor.fingerprint(lane, syntax, query);
        SearchCursor cursor = cursorText == null || cursorText.isBlank() ? null : SearchCursor.parse(cursorText, lane, syntax, query);
        long boundary = cursor != null ? cursor.boundaryMillis() : boundary(lane, toMillis);
        return new Split(fp, boundary, fromMillis, toMillis, cursor);
    }

    /** Where the index's part starts: its oldest event's millisecond; {@code toMillis} when the lane has no index or it is empty. */
    private long boundary(String lane, long toMillis) throws IOException {
        if (!index.indexes(lane)) {
            return toMillis;
        }
        OptionalLong oldest = index.oldestNanos(lane);
        return oldest.isPresent() ? Math.min(toMillis, Math.floorDiv(oldest.getAsLong(), 1_000_000L)) : toMillis;
    }

    /** The archive's part of a range: its predicate when the archive can answer it, and its store range. */
    private record Cold(ArchiveSearch.Predicate predicate, StoreRange range) {}

    private Cold cold(String lane, String query, SearchSyntax syntax, long toMillis, long fromMillis) throws ParseException {
        if (archive == null || !archive.knows(lane)) {
            return new Cold(null, StoreRange.notCovered("archive", fromMillis, toMillis, "the node has no SQL over the archive"));
        }
        try {
            // compiled before the lane's stores are looked at: an invalid query is refused (400) whoever would have read it
            ArchiveSearch.Predicate predicate = archive.predicate(lane, syntax, query);
            if (!archivedLanes.contains(lane)) {
                return new Cold(null, StoreRange.notCovered("archive", fromMillis, toMillis, noArchive(lane)));
            }
            List<String> notes = new ArrayList<>();
            if (toMillis > clock.millis() - archiveFlushAge.toMillis()) {
                notes.add("rows reach the archive when it flushes (archive.flush_age " + archiveFlushAge.toSeconds()
                        + " s): the newest received may not be in it yet");
            }
            if (predicate.note() != null) {
                notes.add(predicate.note());
            }
            return new Cold(predicate, StoreRange.covered("archive", fromMillis, toMillis, notes.isEmpty() ? null : String.join("; ", notes)));
        } catch (FilterSqlException e) {
            return new Cold(null, StoreRange.notCovered("archive", fromMillis, toMillis,
                    archivedLanes.contains(lane) ? e.getMessage() : noArchive(lane)));
        }
    }

    private String noArchive(String lane) {
        return index.indexes(lane) ? "older than the lane's index holds, and the lane has no archive in its to:"
                : "the lane has no archive in its to:";
    }
}
