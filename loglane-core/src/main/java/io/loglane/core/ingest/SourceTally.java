package io.loglane.core.ingest;

import io.loglane.core.telemetry.MetricNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The completeness ledger's entry of one source (input, peer, tag), or of an input's
 * {@link MetricNames#OTHER_SOURCES} bucket: the {@code loglane.source.*} counters and when the
 * source was first and last seen. Obtained from {@link SourceLedger#tally}; inputs count once per
 * frame or request, never per event:
 * <ul>
 *   <li>{@link #received} when a frame or request body is decoded (its events, including entries
 *       the input refuses at once);</li>
 *   <li>then, once per request, its final outcome: {@link #settled} with the router's result, or
 *       {@link #rejected} with the reason it was not acknowledged, or for entries the input refused
 *       itself;</li>
 *   <li>{@link #dropped} by the stream, for events lost after acknowledgement;</li>
 *   <li>{@link #delivered} by each store instance's delivery consumer when its checkpoint passes
 *       the events (the stored batches name their source).</li>
 * </ul>
 * So, per source, received = accepted + deduplicated + rejected + (requests still in flight).
 * Reason counters are registered the first time a reason occurs with events, so a source that
 * never had a refusal exports no zero series for every reason. Counts of 0 are ignored.
 *
 * <p>Thread-safety: thread-safe.
 */
public final class SourceTally {
    private final MeterRegistry registry;
    private final Source source;
    private final String tag;
    private final Counter received;
    private final Counter accepted;
    private final Counter deduplicated;
    private final ConcurrentHashMap<String, Counter> rejected = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> dropped = new ConcurrentHashMap<>();
    /** By store instance. */
    private final ConcurrentHashMap<String, Counter> delivered = new ConcurrentHashMap<>();
    /** Nanoseconds since the epoch of the first and the last {@link #received}; 0 before. */
    private volatile long firstSeenNanos;
    private volatile long lastSeenNanos;

    SourceTally(MeterRegistry registry, Source source, String tag) {
        this.registry = registry;
        this.source = source;
        this.tag = tag;
        Tags tags = tags();
        received = registry.counter(MetricNames.SOURCE_EVENTS_RECEIVED, tags);
        accepted = registry.counter(MetricNames.SOURCE_EVENTS_ACCEPTED, tags);
        deduplicated = registry.counter(MetricNames.SOURCE_EVENTS_DEDUPLICATED, tags);
        Gauge.builder(MetricNames.SOURCE_LAST_SEEN, this, t -> t.lastSeenNanos / 1e9).tags(tags).register(registry);
    }

    public Source source() { return source; }

    /** The tag label (long tags are cut, see {@link SourceLedger}). */
    public String tag() { return tag; }

    /** A frame or request of {@code events} events arrived at {@code atNanos} (nanoseconds since the epoch). */
    public void received(long events, long atNanos) {
        if (firstSeenNanos == 0) {
            firstSeenNanos = atNanos; // a race between two first requests may keep either: both are the first moment
        }
        if (atNanos > lastSeenNanos) {
            lastSeenNanos = atNanos; // racy max: a concurrent later time may be overwritten by at most one request's worth
        }
        add(received, events);
    }

    /** A request was acknowledged: what the router stored and what it had stored before. */
    public void settled(IngestResult result) {
        add(accepted, result.accepted());
        add(deduplicated, result.duplicates());
    }

    /** {@code events} events were not acknowledged, for {@code reason} (a stable, lower-case label). */
    public void rejected(String reason, long events) {
        if (events > 0) {
            counter(rejected, MetricNames.SOURCE_EVENTS_REJECTED, reason).increment(events);
        }
    }

    /** {@code events} acknowledged events were lost, for {@code reason} (a stable, lower-case label). */
    public void dropped(String reason, long events) {
        if (events > 0) {
            counter(dropped, MetricNames.SOURCE_EVENTS_DROPPED, reason).increment(events);
        }
    }

    /** {@code events} events were committed by store instance {@code store} (its delivery checkpoint passed them). */
    public void delivered(String store, long events) {
        if (events > 0) {
            counter(delivered, MetricNames.SOURCE_EVENTS_DELIVERED, MetricNames.STORE, store).increment(events);
        }
    }

    /** The totals so far; counters are read one by one, so a request in progress may show in some only. */
    public SourceStatus status() {
        return new SourceStatus(source.input(), source.peer(), tag, (long) received.count(), (long) accepted.count(),
                (long) deduplicated.count(), totals(rejected), totals(dropped), totals(delivered), instant(firstSeenNanos),
                instant(lastSeenNanos));
    }

    private Counter counter(ConcurrentHashMap<String, Counter> byReason, String name, String reason) {
        return counter(byReason, name, MetricNames.REASON, reason);
    }

    private Counter counter(ConcurrentHashMap<String, Counter> byLabel, String name, String label, String value) {
        Counter c = byLabel.get(value);
        return c != null ? c : byLabel.computeIfAbsent(value, v -> registry.counter(name, tags().and(label, v)));
    }

    private Tags tags() {
        return Tags.of(MetricNames.INPUT, source.input(), MetricNames.PEER, source.peer(), MetricNames.TAG, tag);
    }

    private static void add(Counter c, long events) {
        if (events > 0) {
            c.increment(events);
        }
    }

    private static Map<String, Long> totals(Map<String, Counter> byReason) {
        Map<String, Long> out = new TreeMap<>();
        byReason.forEach((reason, c) -> out.put(reason, (long) c.count()));
        return out;
    }

    private static Instant instant(long nanos) {
        return nanos == 0 ? null : Instant.ofEpochSecond(0, nanos);
    }
}
