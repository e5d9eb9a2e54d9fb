package io.loglane.app.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.loglane.app.search.HotColdSearch;
import io.loglane.app.search.StoreRange;
import io.loglane.stores.index.FieldStats;
import io.loglane.stores.index.IndexSearch;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * What a search's matches hold, from the index's doc values ({@link IndexSearch#fields}, {@link IndexSearch#top}) and
 * the archive.
 * Both take the search's {@code lane, q, syntax, from, to} (the same statuses: 400 with the reason, 404 for an unknown lane).
 *
 * <ul>
 *   <li>{@code GET /api/v1/fields}: 200 {@code {"fields": [{"name", "type": keyword|long|double|text|date, "count", "share"}],
 *       "matches", "exact", …}}: the lane's fields (declared and found in the range) and how many matches have each.</li>
 *   <li>{@code GET /api/v1/fields/{name}/top?size=} (1–1000, default 10): 200 {@code {"values": [{"value", "count", "share"}],
 *       "denominator", "with_value", "missing", "distinct", "exact", …}}: each share is {@code count / denominator},
 *       the denominator being the matches scanned.</li>
 * </ul>
 * At most {@link IndexSearch#MAX_SCANNED} documents are read (newest day first); past that {@code exact} is false and
 * {@code sample} says what the counts are of. Both count the index's part of the range and then, for what is older
 * than the index holds, the archive's newest matches (SQL) up to the same limit in all ({@link HotColdSearch#fields},
 * {@link HotColdSearch#top}). {@code stores} lists the parts of the range each store covered and, as
 * {@code "covered": false} with the reason, a part none did; {@code complete} is false then, or when {@code exact} is.
 *
 * <p>Thread-safety: thread-safe (the search is).
 */
final class FieldsHandler {
    private static final int DEFAULT_SIZE = 10;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HotColdSearch stores;
    private final SearchHandler requests;

    FieldsHandler(HotColdSearch stores, SearchHandler requests) {
        this.stores = stores;
        this.requests = requests;
    }

    void fields(Context ctx) throws IOException {
        IndexSearch.Scope scope = scope(ctx);
        HotColdSearch.Fields both = scope == null ? null : SearchHandler.run(ctx, () -> stores.fields(scope));
        if (both == null) {
            return;
        }
        FieldStats.Fields f = both.fields();
        ObjectNode out = head(scope, f.matches(), f.complete(), both.stores());
        ArrayNode fields = out.putArray("fields");
        for (FieldStats.Field field : f.fields()) {
            ObjectNode o = fields.addObject();
            o.put("name", field.name());
            o.put("type", field.type().label());
            o.put("count", field.count());
            o.put("share", share(field.count(), f.matches()));
        }
        ctx.contentType("application/json").result(JSON.writeValueAsString(out));
    }

    void top(Context ctx) throws IOException {
        IndexSearch.Scope scope = scope(ctx);
        if (scope == null) {
            return;
        }
        String name = ctx.pathParam("name");
        int size;
        try {
            String s = ctx.queryParam("size");
            size = s == null || s.isBlank() ? DEFAULT_SIZE : Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            SearchHandler.refuse(ctx, new IllegalArgumentException("size must be a whole number 1.." + IndexSearch.MAX_TOP));
            return;
        }
        HotColdSearch.Top both = SearchHandler.run(ctx, () -> stores.top(scope, name, size));
        if (both == null) {
            return;
        }
        FieldStats.Top t = both.top();
        ObjectNode out = head(scope, t.matches(), t.complete(), both.stores());
        out.put("field", name);
        out.put("denominator", t.matches());
        out.put("with_value", t.withValue());
        out.put("missing", t.matches() - t.withValue());
        out.put("distinct", t.distinct());
        ArrayNode values = out.putArray("values");
        for (FieldStats.Value v : t.values()) {
            ObjectNode o = values.addObject();
            switch (v.value()) {
                case Long l -> o.put("value", l);
                case Double d -> o.put("value", d);
                default -> o.put("value", v.value().toString());
            }
            o.put("count", v.count());
            o.put("share", share(v.count(), t.matches()));
        }
        ctx.contentType("application/json").result(JSON.writeValueAsString(out));
    }

    /** The request's scope, or null after answering 400/404. */
    private IndexSearch.Scope scope(Context ctx) {
        try {
            return requests.scope(ctx);
        } catch (IllegalArgumentException | DateTimeParseException e) {
            SearchHandler.refuse(ctx, e);
            return null;
        }
    }

    /** What every answer states: the scope, the matches counted and whether that was all of them. */
    private static ObjectNode head(IndexSearch.Scope scope, long matches, boolean exact, List<StoreRange> parts) {
        ObjectNode out = JSON.createObjectNode();
        out.put("lane", scope.lane());
        out.put("syntax", scope.syntax().label());
        out.put("from", Instant.ofEpochMilli(scope.fromMillis()).toString());
        out.put("to", Instant.ofEpochMilli(scope.toMillis()).toString());
        out.put("matches", matches);
        out.put("exact", exact);
        out.put("scan_limit", IndexSearch.MAX_SCANNED);
        if (!exact) {
            out.put("sample", "the matches among the first " + IndexSearch.MAX_SCANNED + " documents read, newest day first");
        }
        SearchHandler.stores(out, parts);
        out.put("complete", exact && parts.stream().allMatch(StoreRange::covered));
        return out;
    }

    private static double share(long count, long of) { return of == 0 ? 0 : (double) count / of; }
}
