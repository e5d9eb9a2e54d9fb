package io.loglane.app.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.loglane.app.search.FilterTestMatch;
import io.loglane.app.search.FilterTester;
import io.loglane.inputs.http.ApiError;
import io.loglane.search.filter.FilterPatternException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /api/v1/filter/test} {@code {"pattern": "…", "events": ["line", …]}}: the events that
 * match, as AWS's TestMetricFilter answers ({@code {"matches": [{"eventNumber", "eventMessage",
 * "extractedValues"}]}}, only the matching events, numbered from 1).
 *
 * <table>
 *   <caption>Statuses</caption>
 *   <tr><td>200</td><td>the matches (possibly none)</td></tr>
 *   <tr><td>400</td><td>body not {@code {"pattern": string, "events": [string, …]}}; more than
 *       {@value #MAX_EVENTS} events; the pattern is invalid or over 1024 characters: {@code error}
 *       says why, {@code position} where (0-based)</td></tr>
 *   <tr><td>413</td><td>an event over {@value #MAX_EVENT_BYTES} bytes (CloudWatch's event size limit),
 *       or the body over {@code server.http_max_body}</td></tr>
 * </table>
 *
 * <p>Thread-safety: stateless; each request gets its own {@link FilterTester}.
 */
final class FilterTestRoute implements Handler {
    /** Most events one request may test (a test set, not a bulk scan). */
    static final int MAX_EVENTS = 10_000;
    /** Largest event, in UTF-8 bytes: CloudWatch Logs' limit for one event. */
    static final int MAX_EVENT_BYTES = 256 * 1024;

    private final long maxBody;

    /** @param maxBody {@code server.http_max_body} */
    FilterTestRoute(long maxBody) { this.maxBody = maxBody; }

    @Override
    public void handle(Context ctx) throws java.io.IOException {
        JsonNode body = JsonBodies.read(ctx, maxBody, "{\"pattern\": \"…\", \"events\": [\"line\", …]}");
        if (body == null) {
            return;
        }
        JsonNode pattern = body == null ? null : body.get("pattern");
        JsonNode events = body == null ? null : body.get("events");
        if (pattern == null || !pattern.isTextual() || events == null || !events.isArray()) {
            ctx.status(400).json(ApiError.of("body must be {\"pattern\": \"…\", \"events\": [\"line\", …]}"));
            return;
        }
        if (events.size() > MAX_EVENTS) {
            ctx.status(400).json(ApiError.of("too many events: " + events.size() + "; at most " + MAX_EVENTS + " per request"));
            return;
        }
        FilterTester tester;
        try {
            tester = new FilterTester(pattern.asText());
        } catch (FilterPatternException e) {
            ctx.status(400).json(ApiError.of("invalid filter pattern: " + e.reason() + " at index " + e.position(),
                    "position", e.position()));
            return;
        }
        List<FilterTestMatch> matches = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            JsonNode e = events.get(i);
            if (!e.isTextual()) {
                ctx.status(400).json(ApiError.of("events[" + i + "] is not a string"));
                return;
            }
            String line = e.asText();
            // A UTF-8 char takes at most 3 bytes per UTF-16 unit: short strings need no encoding to check.
            if (line.length() > MAX_EVENT_BYTES / 3 && line.getBytes(StandardCharsets.UTF_8).length > MAX_EVENT_BYTES) {
                ctx.status(413).json(ApiError.of("events[" + i + "] is over " + MAX_EVENT_BYTES + " bytes"));
                return;
            }
            tester.next(line).ifPresent(matches::add);
        }
        ctx.json(Map.of("matches", matches));
    }
}
