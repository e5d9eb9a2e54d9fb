package io.loglane.core.telemetry;

/**
 * Fixed Micrometer meter names (Prometheus renders {@code loglane.events.received} as
 * {@code loglane_events_received_total}) and their tag keys. Dashboards, alerts and the UI rely on
 * these names: extend, do not rename. A store's own meters are named beside it (the archive's in
 * {@code io.loglane.stores.archive.ArchiveMetrics}).
 *
 * <p>Together the event counters form the completeness ledger: per input (and lane),
 * received = accepted + rejected + deduplicated (+ dropped later by a memory lane); per source
 * (input, peer host, tag) the {@code loglane.source.*} counters ({@link io.loglane.core.ingest.SourceLedger})
 * keep the same balance from the sender's side. Events and
 * their bytes are counted in pairs under the same tags, always through {@link LedgerCounters} so
 * every meter of one name has the same tag keys (Prometheus refuses to export a meter whose tag
 * keys differ from an earlier one of the same name). Meters carry no base unit: the unit is in the
 * name, and Micrometer would append it again ({@code loglane_bytes_accepted_bytes_total}).
 */
public final class MetricNames {
    private MetricNames() {}

    // tag keys
    public static final String INPUT = "input";
    public static final String LANE = "lane";
    public static final String STORE = "store";
    public static final String REASON = "reason";
    /** Tag key of per-source meters: the sender's host ({@link io.loglane.core.ingest.Source#peer()}). */
    public static final String PEER = "peer";
    /** Tag key of per-source meters: the events' tag. */
    public static final String TAG = "tag";
    /** Tag key of API meters: the route's path pattern, e.g. {@code /api/v1/sql}. */
    public static final String ROUTE = "route";

    /** {@link #LANE} value of events refused before they were routed to a lane (undecodable, bad request). */
    public static final String NO_LANE = "none";

    /** Counter {input}: events decoded from the wire or a request body. */
    public static final String EVENTS_RECEIVED = "loglane.events.received";
    /** Counter {input}: bytes of frames or bodies received (an HTTP body refused as too large: its Content-Length, or what was read of it). */
    public static final String BYTES_RECEIVED = "loglane.bytes.received";
    /** Counter {input, lane}: events stored in a lane's stream. */
    public static final String EVENTS_ACCEPTED = "loglane.events.accepted";
    /**
     * Counter {input, lane}: records with a message that the lane's parser did not read (not JSON
     * for {@code json}, no access line for {@code nginx_combined}, no step of a chain matching);
     * they are stored all the same, the line as their message.
     */
    public static final String PARSE_FAILURES = "loglane.parse.failures";
    /**
     * Counter {input}: multiline events cut at their line or byte bound (1 000 lines, 1 MiB) and
     * stored with {@code truncated: true}; the line that would have continued one opens the next.
     */
    public static final String MULTILINE_TRUNCATED = "loglane.multiline.truncated";
    /**
     * Counter {input, reason}: open multiline events a network input stored before a later line or
     * its flush timeout closed them: {@code bound} (it held its most streams or bytes) or
     * {@code closed} (the connection closed, or the input stopped).
     */
    public static final String MULTILINE_FLUSHED_EARLY = "loglane.multiline.flushed_early";
    /** Counter {input, lane}: record bytes stored in a lane's stream. */
    public static final String BYTES_ACCEPTED = "loglane.bytes.accepted";
    /**
     * Counter {input, lane, reason}: events refused. Reasons of the router: backpressure,
     * rate_limited, invalid, disk_full, storage_error; of an input before routing ({@code lane="none"}): the
     * Forward decoder's invalid entries, and the HTTP input's bad_tag, bad_idempotency_key,
     * body_too_large, malformed_json, empty_body (events are counted only when the body decoded).
     */
    public static final String EVENTS_REJECTED = "loglane.events.rejected";
    /**
     * Counter {input, lane, reason}: bytes refused, beside {@link #EVENTS_REJECTED}: the record
     * bytes of decoded events (as {@link #BYTES_ACCEPTED}), else the bytes of the refused frame or
     * request body.
     */
    public static final String BYTES_REJECTED = "loglane.bytes.rejected";
    /** Counter {input, lane, reason}: events lost after acceptance (reason overflow: a memory lane's buffer was full). */
    public static final String EVENTS_DROPPED = "loglane.events.dropped";
    /** Counter {input, lane, reason}: record bytes of {@link #EVENTS_DROPPED}. */
    public static final String BYTES_DROPPED = "loglane.bytes.dropped";
    /**
     * Counter {lane, store, reason}: events a memory lane lost for one store (consumer): evicted by
     * overflow, or held at a crash or shutdown, before that store committed them ({@link #EVENTS_DROPPED}
     * counts them per lane and input, once, when lost for at least one store).
     */
    public static final String STORE_EVENTS_DROPPED = "loglane.store.events.dropped";
    /** Counter {input, lane}: events of resent chunks that were already stored. */
    public static final String EVENTS_DEDUPLICATED = "loglane.events.deduplicated";
    /** Counter {input, reason}: protocol errors (garbage, oversized frame, bad gzip, …). */
    public static final String PROTOCOL_ERRORS = "loglane.protocol.errors";
    /** Gauge {input}: open connections. */
    public static final String CONNECTIONS = "loglane.input.connections";
    /**
     * Counter {input, reason}: requests the router refused (a Forward frame, an HTTP request), by
     * the router's reason. Forward counts no {@code backpressure} here: it retries those itself;
     * HTTP answers them 503. The router counts the events ({@link #EVENTS_REJECTED}).
     */
    public static final String REQUESTS_FAILED = "loglane.input.requests.failed";
    /** Counter {route, reason}: API requests answered with a server error (5xx), e.g. sql archive_unavailable. */
    public static final String API_ERRORS = "loglane.api.errors";
    /**
     * Counter {token, reason}: API requests refused before their handler ran: {@code missing},
     * {@code malformed}, {@code unknown} (401; token {@code none}), {@code scope} (403), {@code rate} (429).
     */
    public static final String API_REFUSED = "loglane.api.refused";
    /** Counter {reason}: HTTP connections closed for being too slow to send a request head or TLS handshake. */
    public static final String HTTP_SLOW_CLOSED = "loglane.http.slow.closed";

    /** Gauge {lane}: bytes held by the lane's stream. */
    public static final String STREAM_BYTES = "loglane.stream.size.bytes";
    /** Gauge {lane}: next offset to be written. */
    public static final String STREAM_END_OFFSET = "loglane.stream.end.offset";
    /** Counter {lane}: fsyncs done (group commit makes this far smaller than appends). */
    public static final String STREAM_FSYNCS = "loglane.stream.fsyncs";
    /**
     * Counter {lane}: segment seals (fsync, then the index file) that failed. A sync lane's failed
     * seal fsync also fails the lane until a restart; a disk lane goes on and its next start scans
     * the segment.
     */
    public static final String STREAM_SEAL_FAILURES = "loglane.stream.seal.failures";
    /**
     * Counter {lane}: segments recovered because they held damaged bytes: at start-up, or while
     * running when a reader met a corrupt batch in a sealed segment (the lane then reads on past it).
     */
    public static final String STREAM_REPAIRS = "loglane.stream.repairs";
    /**
     * Counter {lane}: records dropped with damaged bytes (while running: exactly the offsets the
     * repaired segment no longer holds; at start-up: the records the readable headers in the damaged
     * bytes claim). Their offsets are a gap that delivery passes over.
     */
    public static final String STREAM_RECORDS_LOST = "loglane.stream.records.lost";
    /** Counter {lane}: damaged bytes moved out of segments into {@code .quarantined} files. */
    public static final String STREAM_BYTES_QUARANTINED = "loglane.stream.quarantined.bytes";

    /** Gauge {lane, store}: events in the stream not yet delivered to the store. */
    public static final String DELIVERY_LAG = "loglane.delivery.lag.events";
    /** Counter {lane, store}: failed delivery attempts that will be retried. */
    public static final String DELIVERY_RETRIES = "loglane.delivery.retries";
    /** Counter {lane, store}: events whose delivery was committed. */
    public static final String DELIVERY_DELIVERED = "loglane.delivery.delivered.events";
    /** Gauge: live-tail clients connected now. */
    public static final String TAIL_CLIENTS = "loglane.tail.clients";
    /** Counter {lane, reason}: matching records a live-tail client did not get ({@code slow_client}, {@code retention}). */
    public static final String TAIL_MISSED = "loglane.tail.missed.events";

    /**
     * {@link #PEER} and {@link #TAG} value of the per-input bucket that counts every source beyond
     * {@code server.max_tracked_sources} ({@link io.loglane.core.ingest.SourceLedger}).
     */
    public static final String OTHER_SOURCES = "other";
    /**
     * {@link #PEER} and {@link #TAG} value of the per-input bucket that holds the totals of the sources
     * evicted for being idle ({@code server.source_idle_evict}, {@link io.loglane.core.ingest.SourceLedger}).
     */
    public static final String EVICTED_SOURCES = "evicted";
    /**
     * Counter {input, peer, tag}: events a source sent, counted by its input once per decoded
     * frame or request (a Forward request retried under back-pressure is counted once), including
     * entries the input refused before routing.
     */
    public static final String SOURCE_EVENTS_RECEIVED = "loglane.source.events.received";
    /** Counter {input, peer, tag}: events of the source's acknowledged requests that were stored. */
    public static final String SOURCE_EVENTS_ACCEPTED = "loglane.source.events.accepted";
    /** Counter {input, peer, tag}: events of the source's acknowledged requests that were already stored (resent chunks). */
    public static final String SOURCE_EVENTS_DEDUPLICATED = "loglane.source.events.deduplicated";
    /**
     * Counter {input, peer, tag, reason}: events the source sent that were not acknowledged, by
     * the final reason (a Forward request waiting out back-pressure is counted once it is accepted
     * or given up, not per retry): the router's reasons and the input's own refusals
     * ({@link #EVENTS_REJECTED}). The sender has to resend them.
     */
    public static final String SOURCE_EVENTS_REJECTED = "loglane.source.events.rejected";
    /** Counter {input, peer, tag, reason}: events of the source lost after acknowledgement (overflow: a memory lane's buffer was full). */
    public static final String SOURCE_EVENTS_DROPPED = "loglane.source.events.dropped";
    /**
     * Counter {input, peer, tag, store}: events of the source a store instance committed (its
     * delivery checkpoint passed them), counted when the checkpoint moves. Since the process
     * started, like every ledger counter: events received by an earlier run and delivered by this
     * one count here too.
     */
    public static final String SOURCE_EVENTS_DELIVERED = "loglane.source.events.delivered";
    /**
     * Counter {input, peer, tag, reason}: requests of the source an input refused before reading
     * any event from them (HTTP 400 malformed body, 413 body too large, …), so their events are
     * unknown and in no event counter; only when the source's tag is valid.
     */
    public static final String SOURCE_REQUESTS_REFUSED = "loglane.source.requests.refused";
    /** Gauge {input, peer, tag}: when the source's last batch arrived, seconds since the epoch. */
    public static final String SOURCE_LAST_SEEN = "loglane.source.last.seen.seconds";
    /** Gauge: sources with their own ledger entry (at most {@code server.max_tracked_sources}; the rest count as {@link #OTHER_SOURCES}). */
    public static final String SOURCES_TRACKED = "loglane.sources.tracked";
}
