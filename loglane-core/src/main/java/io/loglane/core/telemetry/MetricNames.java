package io.loglane.core.telemetry;

/**
 * Fixed Micrometer meter names (Prometheus renders {@code loglane.events.received} as
 * {@code loglane_events_received_total}) and their tag keys. Dashboards, alerts and the UI rely on
 * these names: extend, do not rename.
 *
 * <p>Together the event counters form the completeness ledger: per input/peer/tag,
 * received = accepted + rejected + deduplicated (+ dropped later by a memory lane).
 */
public final class MetricNames {
    private MetricNames() {}

    // tag keys
    public static final String INPUT = "input";
    public static final String LANE = "lane";
    public static final String STORE = "store";
    public static final String REASON = "reason";

    /** Counter {input}: events decoded from the wire or a request body. */
    public static final String EVENTS_RECEIVED = "loglane.events.received";
    /** Counter {input}: bytes of frames or bodies received. */
    public static final String BYTES_RECEIVED = "loglane.bytes.received";
    /** Counter {input, lane}: events stored in a lane's stream. */
    public static final String EVENTS_ACCEPTED = "loglane.events.accepted";
    /** Counter {input, lane}: record bytes stored in a lane's stream. */
    public static final String BYTES_ACCEPTED = "loglane.bytes.accepted";
    /** Counter {input, lane, reason}: events refused (backpressure, rate_limited, invalid, storage_error). */
    public static final String EVENTS_REJECTED = "loglane.events.rejected";
    /** Counter {lane, reason}: events lost after acceptance (memory lane overflow). */
    public static final String EVENTS_DROPPED = "loglane.events.dropped";
    /** Counter {input, lane}: events of resent chunks that were already stored. */
    public static final String EVENTS_DEDUPLICATED = "loglane.events.deduplicated";
    /** Counter {input, reason}: protocol errors (garbage, oversized frame, bad gzip, …). */
    public static final String PROTOCOL_ERRORS = "loglane.protocol.errors";
    /** Gauge {input}: open connections. */
    public static final String CONNECTIONS = "loglane.input.connections";

    /** Gauge {lane}: bytes held by the lane's stream. */
    public static final String STREAM_BYTES = "loglane.stream.size.bytes";
    /** Gauge {lane}: next offset to be written. */
    public static final String STREAM_END_OFFSET = "loglane.stream.end.offset";
    /** Counter {lane}: fsyncs done (group commit makes this far smaller than appends). */
    public static final String STREAM_FSYNCS = "loglane.stream.fsyncs";

    /** Gauge {lane, store}: events in the stream not yet delivered to the store. */
    public static final String DELIVERY_LAG = "loglane.delivery.lag.events";
    /** Counter {lane, store}: failed delivery attempts that will be retried. */
    public static final String DELIVERY_RETRIES = "loglane.delivery.retries";
    /** Counter {lane, store}: events whose delivery was committed. */
    public static final String DELIVERY_DELIVERED = "loglane.delivery.delivered.events";

    /** Counter {lane}: Parquet flushes. */
    public static final String ARCHIVE_FLUSHES = "loglane.archive.flushes";
    /** Counter {lane}: Parquet files written (including compaction output). */
    public static final String ARCHIVE_FILES = "loglane.archive.files.written";
    /** Counter {lane}: compactions done. */
    public static final String ARCHIVE_COMPACTIONS = "loglane.archive.compactions";
    /** Counter {lane, reason}: archive hour partitions deleted by retention (reason age or size). */
    public static final String ARCHIVE_PARTITIONS_DELETED = "loglane.archive.partitions.deleted";
}
