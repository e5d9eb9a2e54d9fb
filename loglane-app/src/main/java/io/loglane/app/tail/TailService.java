package io.loglane.app.tail;

import io.javalin.http.sse.SseClient;
import io.loglane.core.parse.RecordParser;
import io.loglane.core.telemetry.MetricNames;
import io.micrometer.core.instrument.MeterRegistry;
import io.loglane.stream.LaneStreams;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Live tail of a node's lanes ({@code GET /api/v1/tail}): each client is a {@link TailSession}, a
 * stream consumer that starts at the lanes' head or a given offset and registers no checkpoint,
 * so tails never hold back retention or delivery.
 *
 * <p>Thread-safety: safe for concurrent use.
 */
public final class TailService implements AutoCloseable {
    private final LaneStreams streams;
    private final Map<String, RecordParser> parsers;
    private final TailSettings settings;
    private final MeterRegistry registry;
    private final Set<TailSession> sessions = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /** @param parsers the parser of each lane; a lane without one maps to null */
    public TailService(LaneStreams streams, Map<String, RecordParser> parsers, TailSettings settings, MeterRegistry registry) {
        this.streams = streams;
        this.parsers = Collections.unmodifiableMap(new java.util.HashMap<>(parsers));
        this.settings = settings;
        this.registry = registry;
    }

    /** The lanes that can be tailed, in configuration order. */
    public List<String> lanes() {
        return streams.lanes().stream().map(l -> l.lane()).toList();
    }

    /** Follows {@code request} on the calling thread until the client goes or the service closes. */
    public void run(TailRequest request, SseClient client) throws Exception {
        if (closed) {
            return;
        }
        TailSession session = new TailSession(request, settings, streams::lane, parsers::get,
                (lane, reason) -> registry.counter(MetricNames.TAIL_MISSED, MetricNames.LANE, lane, MetricNames.REASON, reason));
        sessions.add(session);
        try {
            if (!closed) {
                session.run(client);
            }
        } finally {
            session.close();
            sessions.remove(session);
        }
    }

    /** Tails running now (the gauge {@code loglane.tail.clients}). */
    public int openTails() { return sessions.size(); }

    /** Ends every tail (their requests then complete), and refuses new ones. */
    @Override
    public void close() {
        closed = true;
        sessions.forEach(TailSession::close);
    }
}
