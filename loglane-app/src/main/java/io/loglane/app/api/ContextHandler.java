package io.loglane.app.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.loglane.inputs.http.ApiError;
import io.loglane.stores.index.IndexSearch;
import java.io.IOException;
import java.util.Optional;

/**
 * {@code GET /api/v1/context?lane=&offset=&before=&after=}: the lines around a hit ({@link IndexSearch#context}),
 * from its container, else its source, else its tag, by ts then offset.
 *
 * <table>
 *   <caption>Parameters and statuses</caption>
 *   <tr><td>lane</td><td>required; 400 when missing or not delivered to the index, 404 when no lane has the name</td></tr>
 *   <tr><td>offset</td><td>required: a hit's {@code offset}; 400 when not a number, 404 when the index does not hold it</td></tr>
 *   <tr><td>before, after</td><td>lines on each side, 0–1000, default 10</td></tr>
 * </table>
 * 200 {@code {"lane", "shared": {"field", "value"}, "before": [hit…], "hit", "after": [hit…]}}, each list by (ts, offset)
 * ascending, hits as the search shows them.
 *
 * <p>Thread-safety: thread-safe (the search is).
 */
final class ContextHandler {
    private static final int DEFAULT_LINES = 10;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final IndexSearch search;
    private final SearchHandler requests;

    ContextHandler(IndexSearch search, SearchHandler requests) {
        this.search = search;
        this.requests = requests;
    }

    void handle(Context ctx) throws IOException {
        String lane;
        long offset;
        int before;
        int after;
        try {
            lane = requests.lane(ctx);
            offset = number(ctx, "offset", null);
            before = (int) number(ctx, "before", DEFAULT_LINES);
            after = (int) number(ctx, "after", DEFAULT_LINES);
        } catch (IllegalArgumentException e) {
            SearchHandler.refuse(ctx, e);
            return;
        }
        Optional<IndexSearch.Context> found = SearchHandler.run(ctx, () -> search.context(lane, offset, before, after));
        if (found == null) {
            return; // refused with the reason
        }
        if (found.isEmpty()) {
            ctx.status(404).json(ApiError.of("offset " + offset + " of lane " + lane + " is not in its index (never indexed, or past retention)"));
            return;
        }
        IndexSearch.Context c = found.get();
        ObjectNode out = JSON.createObjectNode();
        out.put("lane", lane);
        ObjectNode shared = out.putObject("shared");
        shared.put("field", c.sharedField());
        shared.put("value", c.sharedValue());
        ArrayNode b = out.putArray("before");
        for (IndexSearch.Hit h : c.before()) {
            SearchHandler.hit(b.addObject(), lane, h);
        }
        SearchHandler.hit(out.putObject("hit"), lane, c.anchor());
        ArrayNode a = out.putArray("after");
        for (IndexSearch.Hit h : c.after()) {
            SearchHandler.hit(a.addObject(), lane, h);
        }
        ctx.contentType("application/json").result(JSON.writeValueAsString(out));
    }

    /** A whole-number parameter; {@code absent} when not given (null: required). */
    private static long number(Context ctx, String name, Integer absent) {
        String v = ctx.queryParam(name);
        if (v == null || v.isBlank()) {
            if (absent == null) {
                throw new IllegalArgumentException(name + " is required");
            }
            return absent;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, not '" + v + "'");
        }
    }
}
