package io.loglane.app.tail;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.sse.SseClient;
import io.loglane.core.parse.RecordParser;
import io.loglane.stream.LaneStream;
import io.micrometer.core.instrument.Counter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * One client's live tail: a {@link LaneTailer} thread per lane filling a bounded
 * {@link TailBuffer}, drained by the request's own thread into Server-Sent Events:
 * <table>
 *   <caption>Events</caption>
 *   <tr><td>{@code open}</td><td>first: {@code {"lanes", "pattern", "positions"}}; its id is the start position</td></tr>
 *   <tr><td>{@code message}</td><td>one matching record ({@link RecordJson})</td></tr>
 *   <tr><td>{@code missed}</td><td>{@code {"lane", "reason", "count", "firstOffset", "lastOffset"}}: records the
 *       client did not get ({@code slow_client}: matches it read too slowly for; {@code retention}: records
 *       removed before the tail read them)</td></tr>
 *   <tr><td>{@code tail_error}</td><td>{@code {"error"}}: a lane could not be read; the stream ends</td></tr>
 *   <tr><td>comment</td><td>{@code : heartbeat} after {@link TailSettings#heartbeat()} without an event</td></tr>
 * </table>
 * Every event's id is the position ({@link TailPositions}): per lane, the last offset given or
 * reported missed; sent back as {@code Last-Event-ID} it resumes with no gap and no duplicate.
 *
 * <p>Thread-safety: {@link #run} on one thread; {@link #close} from any.
 */
final class TailSession implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final TailRequest request;
    private final TailSettings settings;
    private final String[] lanes;
    private final long[] last;
    private final TailBuffer buffer;
    /** The counter of missed records for (lane, reason). */
    private final BiFunction<String, String, Counter> missedCounter;

    TailSession(TailRequest request, TailSettings settings, Function<String, LaneStream> streams,
                Function<String, RecordParser> parsers, BiFunction<String, String, Counter> missedCounter) {
        this.request = request;
        this.missedCounter = missedCounter;
        this.settings = settings;
        this.lanes = request.lanes().toArray(String[]::new);
        this.last = new long[lanes.length];
        this.buffer = new TailBuffer(lanes.length, settings.maxBufferedEvents(), settings.maxBufferedBytes());
        List<LaneTailer> tailers = new ArrayList<>();
        for (int i = 0; i < lanes.length; i++) {
            LaneStream lane = streams.apply(lanes[i]);
            Long from = request.start().get(lanes[i]);
            long start = from != null ? from : lane.endOffset();
            last[i] = start - 1;
            tailers.add(new LaneTailer(i, lane, parsers.apply(lanes[i]), request.pattern(), start, buffer));
        }
        for (int i = 0; i < lanes.length; i++) {
            Thread.ofVirtual().name("tail-" + lanes[i]).start(tailers.get(i));
        }
    }

    /** Sends events until the client goes, a lane fails, or the session is closed. */
    void run(SseClient client) throws Exception {
        try {
            Map<String, Object> open = new LinkedHashMap<>();
            open.put("lanes", request.lanes());
            open.put("pattern", request.pattern().text());
            Map<String, Long> positions = new LinkedHashMap<>();
            for (int i = 0; i < lanes.length; i++) {
                positions.put(lanes[i], last[i]);
            }
            open.put("positions", positions);
            client.sendEvent("open", JSON.writeValueAsString(open), id());
            while (!client.terminated() && !buffer.closed()) {
                TailItem item = buffer.poll(settings.heartbeat());
                switch (item) {
                    case null -> client.sendComment("heartbeat");
                    case TailItem.Event e -> {
                        advance(e);
                        client.sendEvent("message", e.json(), id());
                    }
                    case TailItem.Missed m -> {
                        advance(m);
                        missedCounter.apply(lanes[m.lane()], m.reason()).increment(m.count());
                        client.sendEvent("missed", JSON.writeValueAsString(Map.of("lane", lanes[m.lane()], "reason", m.reason(),
                                "count", m.count(), "firstOffset", m.firstOffset(), "lastOffset", m.lastOffset())), id());
                    }
                    case TailItem.Failed f -> {
                        client.sendEvent("tail_error", JSON.writeValueAsString(Map.of("error", f.message())), id());
                        return;
                    }
                }
            }
        } finally {
            close();
        }
    }

    private void advance(TailItem item) {
        last[item.lane()] = Math.max(last[item.lane()], item.lastOffset());
    }

    private String id() {
        return TailPositions.format(lanes, last, new StringBuilder(16 * lanes.length)).toString();
    }

    /**
     * Wakes {@link #run}, which then returns; the lane readers see the closed buffer and end within
     * their poll wait (1 s). They are not interrupted: an interrupt during a read would close the
     * segment's FileChannel, which the lane's writer and every other reader share.
     */
    @Override
    public void close() {
        buffer.close();
    }
}
