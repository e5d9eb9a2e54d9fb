package io.loglane.app.api;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.sse.SseClient;
import io.loglane.app.tail.TailPositions;
import io.loglane.app.tail.TailRequest;
import io.loglane.app.tail.TailService;
import io.loglane.inputs.http.ApiError;
import io.loglane.search.filter.FilterPattern;
import io.loglane.search.filter.FilterPatternException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/v1/tail?lane=&q=&from_offset=}: live tail as Server-Sent Events
 * ({@link io.loglane.app.tail.TailSession} lists the events). Parameters:
 * <ul>
 *   <li>{@code lane}: one lane, or several separated by commas; absent: every lane;</li>
 *   <li>{@code q}: a CloudWatch Logs filter pattern, run on the server on every record; absent: all;</li>
 *   <li>{@code from_offset}: where to start instead of the head: an offset (with one lane) or
 *       {@code lane:offset[,lane:offset…]}, inclusive;</li>
 *   <li>header {@code Last-Event-ID} (sent by a reconnecting EventSource): an event id
 *       ({@code lane:offset,…}); each lane listed resumes after its offset, and it wins over
 *       {@code from_offset}.</li>
 * </ul>
 * <table>
 *   <caption>Statuses (all before the stream starts)</caption>
 *   <tr><td>200</td><td>{@code text/event-stream}, until the client goes or the server stops</td></tr>
 *   <tr><td>400</td><td>invalid pattern (with its {@code position}), malformed {@code from_offset} or
 *       {@code Last-Event-ID}</td></tr>
 *   <tr><td>404</td><td>unknown lane (the answer lists the lanes)</td></tr>
 * </table>
 *
 * <p>Thread-safety: stateless; each request runs its tail on its own (virtual) thread.
 */
final class TailRoute implements Handler {
    static final String LAST_EVENT_ID = "Last-Event-ID";

    private final TailService tail;

    TailRoute(TailService tail) {
        this.tail = tail;
    }

    @Override
    public void handle(Context ctx) throws Exception {
        List<String> known = tail.lanes();
        String laneParam = ctx.queryParam("lane");
        List<String> lanes = new ArrayList<>();
        if (laneParam == null || laneParam.isBlank()) {
            lanes.addAll(known);
        } else {
            for (String l : laneParam.split(",")) {
                String lane = l.trim();
                if (!known.contains(lane)) {
                    ctx.status(404).json(ApiError.of("no such lane: " + lane, "lanes", known));
                    return;
                }
                if (!lanes.contains(lane)) {
                    lanes.add(lane);
                }
            }
        }
        FilterPattern pattern;
        try {
            pattern = FilterPattern.compile(ctx.queryParam("q"));
        } catch (FilterPatternException e) {
            ctx.status(400).json(ApiError.of("invalid filter pattern: " + e.reason() + " at index " + e.position(),
                    "position", e.position()));
            return;
        }
        Map<String, Long> start = new HashMap<>();
        try {
            String from = ctx.queryParam("from_offset");
            if (from != null && !from.isBlank()) {
                start.putAll(startOffsets(from, lanes));
            }
            String lastId = ctx.header(LAST_EVENT_ID);
            if (lastId != null && !lastId.isBlank()) {
                for (Map.Entry<String, Long> e : TailPositions.parse(lastId).entrySet()) {
                    if (lanes.contains(e.getKey())) {
                        start.put(e.getKey(), e.getValue() + 1);
                    }
                }
            }
        } catch (IllegalArgumentException e) {
            ctx.status(400).json(ApiError.of(e.getMessage()));
            return;
        }
        ctx.status(200);
        ctx.res().setCharacterEncoding("UTF-8");
        ctx.res().setContentType("text/event-stream");
        ctx.res().addHeader("Cache-Control", "no-cache");
        ctx.res().addHeader("X-Accel-Buffering", "no"); // nginx: pass events on at once
        ctx.res().flushBuffer();
        tail.run(new TailRequest(lanes, start, pattern), new SseClient(ctx));
    }

    private static Map<String, Long> startOffsets(String from, List<String> lanes) {
        if (from.chars().allMatch(Character::isDigit)) {
            if (lanes.size() != 1) {
                throw new IllegalArgumentException("from_offset=" + from + " needs exactly one lane; for several use lane:offset,…");
            }
            return Map.of(lanes.getFirst(), Long.parseLong(from));
        }
        Map<String, Long> m = TailPositions.parse(from);
        for (String lane : m.keySet()) {
            if (!lanes.contains(lane)) {
                throw new IllegalArgumentException("from_offset names lane " + lane + ", which is not tailed");
            }
        }
        return m;
    }
}
