package io.loglane.app.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.javalin.http.Context;
import io.loglane.core.config.Durations;
import io.loglane.inputs.http.ApiError;
import io.loglane.app.search.HotColdSearch;
import io.loglane.app.search.StoreRange;
import io.loglane.query.ArchiveSearch;
import io.loglane.search.filter.FilterPatternException;
import io.loglane.stores.index.IndexSearch;
import io.loglane.stores.index.SearchSyntax;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.function.Predicate;
import org.apache.lucene.queryparser.classic.ParseException;
import org.apache.lucene.search.IndexSearcher;

/**
 * {@code GET /api/v1/search?q=&syntax=&lane=&from=&to=&limit=&cursor=}: a CloudWatch filter
 * pattern or a Lucene query over one lane, newest first: the lane's index for the part of the
 * range it holds, its Parquet archive (SQL) for what is older, or for the whole range when the lane
 * has no index ({@link HotColdSearch}).
 *
 * <table>
 *   <caption>Parameters and statuses</caption>
 *   <tr><td>lane</td><td>required; 400 when missing or delivered to neither the index nor the archive, 404 when no
 *       lane has the name</td></tr>
 *   <tr><td>q</td><td>empty = everything; 400 {@code bad_query} naming the position (filter: {@code position},
 *       0-based; Lucene: line and column), or when a wildcard expands to too many terms</td></tr>
 *   <tr><td>syntax</td><td>{@code filter} or {@code lucene}; absent: {@link SearchSyntax#detect}; the answer says which</td></tr>
 *   <tr><td>from, to</td><td>ISO-8601, epoch milliseconds, or a duration before now ({@code 15m}); default the
 *       last 15 minutes; {@code to} exclusive; 400 when unreadable or empty</td></tr>
 *   <tr><td>limit</td><td>1–10000, default 100 (also when empty); 400 otherwise</td></tr>
 *   <tr><td>cursor</td><td>the {@code next_cursor} of the previous page (one cursor pages across the index's and the
 *       archive's parts); 400 when it is not one, or belongs to another lane, query or syntax</td></tr>
 *   <tr><td>total</td><td>{@code auto} (default): the page first, the total a lower bound ({@code gte}) once
 *       more matches exist than the page holds; {@code exact}: every match of the range counted (a filter pattern's
 *       candidates up to a cap, past which the total stays {@code gte})</td></tr>
 * </table>
 * 200 {@code {"total", "total_relation": "eq"|"gte", "hits": [{offset, ts, lane, tag, message, record, store, id}],
 * "next_cursor", "syntax": "filter"|"lucene", "lane", "from", "to", "stores": [{"store": "index"|"archive", "from", "to",
 * "covered", "reason"?, "note"?}], "complete"}}. Hits come newest first: the index's, then the archive's (all older).
 * <b>An archive hit has {@code "offset": null}</b>: archived rows carry no stream offset, so it cannot be opened in the
 * context view; a hit's {@code id} names it within the search whatever its store ({@code o<offset>} for the index,
 * {@code a<tsNanos>.<n>} for the archive: the n-th row of that event time in the search's order); an archive hit's
 * {@code record} is rebuilt from the row ({@code message}, the event and typed columns that hold a
 * value, then the {@code attrs} fields), not the record as sent. {@code stores} lists each part of the range, newest
 * first, with the store that answered it, or {@code "covered": false} and the {@code reason} none did (the lane has
 * no archive; the query cannot be run as SQL, e.g. a {@code [*]} selector or a fuzzy query; the archive query failed
 * or timed out); a Lucene query's archive part carries a {@code note}: message words are approximated there.
 * {@code complete} is false when the total is a lower bound, more pages follow, or a part was not covered.
 *
 * <p>{@link #histogram} serves {@code GET /api/v1/histogram} with the same lane, q, syntax, from and to, and
 * {@code interval} (a duration, default chosen for ≤ 120 buckets), {@code split} (a keyword field: each bucket also
 * counts that field's {@code split_size} (1–50, default 5) most frequent values among the matches, and
 * {@code other}: the matches with another value or none): 200 {@code {"interval_ms", "split": {"field", "values"},
 * "buckets": [{"start", "count", "split": {value: count}, "other"}], "total", "syntax", "stores", "complete"}}: the
 * archive's part counted by SQL; split values are the most frequent in the index's part (the archive's when the
 * range has none there). A filter pattern verifies at most a capped number of index candidates ({@code complete} false past that);
 * 400 as above, or over 1000 buckets.
 *
 * <p>Thread-safety: thread-safe (the search is).
 */
final class SearchHandler {
    private static final Duration DEFAULT_RANGE = Duration.ofMinutes(15);
    private static final int DEFAULT_LIMIT = 100;
    private static final int DEFAULT_SPLIT = 5;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HotColdSearch search;
    private final Clock clock;
    private final Predicate<String> laneExists;

    /** @param laneExists whether a lane of that name is configured (only asked of lanes the index does not have) */
    SearchHandler(HotColdSearch search, Clock clock, Predicate<String> laneExists) {
        this.search = search;
        this.clock = clock;
        this.laneExists = laneExists;
    }

    /** A lane no configuration names: 404, where a lane without an index is a 400. */
    static final class UnknownLaneException extends IllegalArgumentException {
        UnknownLaneException(String lane) { super("no such lane: " + lane); }
    }

    /** Answers a refused request: 404 for an unknown lane, else 400 with the reason. */
    static void refuse(Context ctx, RuntimeException e) {
        ctx.status(e instanceof UnknownLaneException ? 404 : 400).json(ApiError.of(e.getMessage()));
    }

    /** {@code GET /api/v1/histogram?lane=&q=&syntax=&from=&to=&interval=&split=&split_size=}: match counts per interval. */
    void histogram(Context ctx) throws IOException {
        IndexSearch.Scope scope;
        long interval;
        String split;
        int splitSize;
        try {
            scope = scope(ctx);
            String i = ctx.queryParam("interval");
            interval = i == null || i.isBlank() ? 0 : Durations.parse(i.trim()).toMillis();
            String sp = ctx.queryParam("split");
            split = sp == null || sp.isBlank() ? null : sp.trim();
            String size = ctx.queryParam("split_size");
            try {
                splitSize = size == null || size.isBlank() ? DEFAULT_SPLIT : Integer.parseInt(size.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("split_size must be a whole number 1.." + IndexSearch.MAX_SPLIT);
            }
        } catch (IllegalArgumentException | DateTimeParseException e) {
            refuse(ctx, e);
            return;
        }
        HotColdSearch.Histogram h = run(ctx, () -> search.histogram(scope.lane(), scope.query(), scope.syntax(), scope.fromMillis(),
                scope.toMillis(), interval, split, splitSize));
        if (h == null) {
            return;
        }
        ObjectNode out = JSON.createObjectNode();
        out.put("lane", scope.lane());
        out.put("from", Instant.ofEpochMilli(scope.fromMillis()).toString());
        out.put("to", Instant.ofEpochMilli(scope.toMillis()).toString());
        out.put("interval_ms", h.intervalMillis());
        if (split != null) {
            ObjectNode sp = out.putObject("split");
            sp.put("field", split);
            h.splitValues().forEach(sp.putArray("values")::add);
        }
        long total = 0;
        ArrayNode buckets = out.putArray("buckets");
        for (int i = 0; i < h.counts().length; i++) {
            ObjectNode b = buckets.addObject();
            b.put("start", Instant.ofEpochMilli(h.fromMillis() + i * h.intervalMillis()).toString());
            b.put("count", h.counts()[i]);
            if (split != null) {
                ObjectNode by = b.putObject("split");
                for (int k = 0; k < h.splitValues().size(); k++) {
                    by.put(h.splitValues().get(k), h.series().get(k)[i]);
                }
                b.put("other", h.series().getLast()[i]);
            }
            total += h.counts()[i];
        }
        out.put("total", total);
        out.put("syntax", scope.syntax().label());
        stores(out, h.stores());
        out.put("complete", h.complete());
        ctx.contentType("application/json").result(JSON.writeValueAsString(out));
    }

    void handle(Context ctx) throws IOException {
        HotColdSearch.Request request;
        try {
            Range range = range(ctx);
            String limit = ctx.queryParam("limit");
            String q = ctx.queryParam("q");
            String syntax = ctx.queryParam("syntax");
            request = new HotColdSearch.Request(range.lane, q,
                    syntax == null || syntax.isBlank() ? SearchSyntax.detect(q) : SearchSyntax.of(syntax), range.from, range.to,
                    limit(limit), ctx.queryParam("cursor"), exactTotal(ctx.queryParam("total")));
        } catch (IllegalArgumentException | DateTimeParseException e) {
            refuse(ctx, e);
            return;
        }
        HotColdSearch.Page r = run(ctx, () -> search.search(request));
        if (r != null) {
            ctx.contentType("application/json").result(JSON.writeValueAsString(answer(request, r)));
        }
    }

    /** The {@code limit} parameter: absent or empty is the default; anything but a whole number in range is refused. */
    private static int limit(String text) {
        if (text == null || text.isBlank()) {
            return DEFAULT_LIMIT;
        }
        try {
            return Integer.parseInt(text.trim()); // the range is the search's to check
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("limit must be a whole number 1.." + IndexSearch.MAX_LIMIT + ", not '" + text + "'");
        }
    }

    /** {@code total=exact} asks for an exact count; absent or {@code auto}, a lower bound may do. */
    private static boolean exactTotal(String total) {
        if (total == null || total.isBlank() || total.trim().equals("auto")) {
            return false;
        }
        if (total.trim().equals("exact")) {
            return true;
        }
        throw new IllegalArgumentException("total must be auto or exact, not '" + total + "'");
    }

    /** The lane and time range every search route takes. */
    private record Range(String lane, long from, long to) {}

    /** The lane, query, syntax and range of a request (the matches a fields or top-values answer counts). */
    IndexSearch.Scope scope(Context ctx) {
        Range range = range(ctx);
        String q = ctx.queryParam("q");
        String syntax = ctx.queryParam("syntax");
        return new IndexSearch.Scope(range.lane, q, syntax == null || syntax.isBlank() ? SearchSyntax.detect(q) : SearchSyntax.of(syntax),
                range.from, range.to);
    }

    /** The request's lane and time range; refuses a missing or unknown lane. */
    private Range range(Context ctx) {
        String lane = lane(ctx);
        long now = clock.millis();
        long to = time(ctx.queryParam("to"), now, now);
        return new Range(lane, time(ctx.queryParam("from"), now, to - DEFAULT_RANGE.toMillis()), to);
    }

    /** The request's lane; refuses a missing or unknown one (a lane without an index is left to the search to refuse). */
    String lane(Context ctx) {
        String lane = ctx.queryParam("lane");
        if (lane == null || lane.isBlank()) {
            throw new IllegalArgumentException("lane is required");
        }
        if (!search.index().indexes(lane) && !laneExists.test(lane)) {
            throw new UnknownLaneException(lane);
        }
        return lane;
    }

    interface SearchCall<T> {
        T run() throws ParseException, IOException;
    }

    /** Runs a search; on a refused query or request answers 400 and returns null. */
    static <T> T run(Context ctx, SearchCall<T> call) throws IOException {
        try {
            return call.run();
        } catch (ParseException e) {
            ctx.status(400).json(ApiError.of("bad_query: " + e.getMessage(), "syntax", "lucene"));
        } catch (IndexSearcher.TooManyClauses e) {
            ctx.status(400).json(ApiError.of("bad_query: a wildcard or range expands to too many terms; narrow it", "syntax", "lucene"));
        } catch (FilterPatternException e) {
            ctx.status(400).json(ApiError.of("bad_query: " + e.getMessage(), "syntax", "filter", "position", e.position()));
        } catch (IllegalArgumentException e) {
            ctx.status(400).json(ApiError.of(e.getMessage()));
        }
        return null;
    }

    private static ObjectNode answer(HotColdSearch.Request q, HotColdSearch.Page r) throws IOException {
        ObjectNode out = JSON.createObjectNode();
        out.put("total", r.total());
        out.put("total_relation", r.totalExact() ? "eq" : "gte");
        ArrayNode hits = out.putArray("hits");
        for (IndexSearch.Hit h : r.indexHits()) {
            hit(hits.addObject(), q.lane(), h).put("store", "index").put("id", "o" + h.offset());
        }
        for (ArchiveSearch.Row row : r.archiveHits()) {
            ObjectNode o = hits.addObject();
            o.putNull("offset"); // archived rows carry no stream offset
            o.put("ts", Instant.ofEpochSecond(Math.floorDiv(row.tsNanos(), 1_000_000_000L), Math.floorMod(row.tsNanos(), 1_000_000_000L))
                    .toString());
            o.put("lane", q.lane());
            o.put("tag", row.tag());
            o.put("message", row.message());
            o.set("record", JSON.readTree(row.recordJson()));
            o.put("store", "archive");
            o.put("id", "a" + row.tsNanos() + "." + row.tie());
        }
        out.put("next_cursor", r.nextCursor());
        out.put("syntax", q.syntax().label());
        out.put("lane", q.lane());
        out.put("from", Instant.ofEpochMilli(q.fromMillis()).toString());
        out.put("to", Instant.ofEpochMilli(q.toMillis()).toString());
        stores(out, r.stores());
        out.put("complete", r.complete());
        return out;
    }

    /** The answer's {@code stores}: each part of the range, newest first, and who answered it or why no one did. */
    static void stores(ObjectNode out, List<StoreRange> ranges) {
        ArrayNode stores = out.putArray("stores");
        for (StoreRange s : ranges) {
            ObjectNode o = stores.addObject();
            o.put("store", s.store());
            o.put("from", Instant.ofEpochMilli(s.fromMillis()).toString());
            o.put("to", Instant.ofEpochMilli(s.toMillis()).toString());
            o.put("covered", s.covered());
            if (s.reason() != null) {
                o.put("reason", s.reason());
            }
            if (s.note() != null) {
                o.put("note", s.note());
            }
        }
    }

    /** Fills {@code o} with a hit as every answer shows one. */
    static ObjectNode hit(ObjectNode o, String lane, IndexSearch.Hit h) throws IOException {
        o.put("offset", h.offset());
        o.put("ts", h.ts().toString());
        o.put("lane", lane);
        o.put("tag", h.tag());
        o.put("message", h.message());
        o.putRawValue("record", new RawValue(h.recordJson())); // JSON already: written as it is, not parsed again
        return o;
    }

    /** ISO-8601, epoch millis, or a duration before {@code now}; {@code absent} when not given. */
    static long time(String text, long now, long absent) {
        if (text == null || text.isBlank()) {
            return absent;
        }
        String t = text.trim();
        if (t.chars().allMatch(Character::isDigit)) {
            return Long.parseLong(t);
        }
        if (Character.isDigit(t.charAt(0)) && Character.isLetter(t.charAt(t.length() - 1)) && !t.contains("-") && !t.contains(":")) {
            return now - Durations.parse(t).toMillis();
        }
        return Instant.parse(t).toEpochMilli();
    }
}
