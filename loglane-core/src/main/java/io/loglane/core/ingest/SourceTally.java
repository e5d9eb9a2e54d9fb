package io.loglane.core.ingest;

import io.loglane.core.telemetry.MetricNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The completeness ledger's entry of one source (input, peer, tag), or of an input's
 * {@link MetricNames#OTHER_SOURCES} or {@link MetricNames#EVICTED_SOURCES} bucket: the
 * {@code loglane.source.*} counters and when the source was first and last seen. Obtained from
 * {@link SourceLedger#tally}; inputs count once per frame or request, never per event:
 * <ul>
 *   <li>{@link #received} when a frame or request body is decoded (its events, including entries
 *       the input refuses at once);</li>
 *   <li>then, once per request, its final outcome: {@link #settled} with the router's result, or
 *       {@link #rejected} with the reason it was not acknowledged, or for entries the input refused
 *       itself;</li>
 *   <li>{@link #dropped} by the stream, for events lost after acknowledgement;</li>
 *   <li>{@link #delivered} by each store instance's delivery consumer when its checkpoint passes
 *       the events (the stored batches name their source);</li>
 *   <li>{@link #refused} for a request refused before any of its events was read (counted in
 *       requests: its events are unknown).</li>
 * </ul>
 * So, per source, received = accepted + deduplicated + rejected + (requests still in flight).
 * Reason counters are registered the first time a reason occurs with events, so a source that
 * never had a refusal exports no zero series for every reason. Counts of 0 are ignored.
 *
 * <h2>Eviction</h2>
 * The ledger evicts an entry its source left idle ({@link SourceLedger}): the entry's totals are
 * added to its input's evicted bucket and its meters removed, under the entry's lock, so no count
 * is lost or counted twice. An input may still hold the evicted entry (a Forward connection keeps
 * the entry of its last tag); whatever it counts there afterwards goes to the source's current
 * entry ({@link SourceLedger#tally}), which is a new one.
 *
 * <p>Thread-safety: thread-safe; each count takes the entry's lock (once per frame or request,
 * uncontended but for eviction).
 */
public final class SourceTally {
    /** The counters kept by a label value: rejections and drops by reason, deliveries by store. */
    private enum Outcome {
        REJECTED(MetricNames.SOURCE_EVENTS_REJECTED, MetricNames.REASON),
        DROPPED(MetricNames.SOURCE_EVENTS_DROPPED, MetricNames.REASON),
        DELIVERED(MetricNames.SOURCE_EVENTS_DELIVERED, MetricNames.STORE),
        REFUSED(MetricNames.SOURCE_REQUESTS_REFUSED, MetricNames.REASON);

        final String metric;
        final String label;

        Outcome(String metric, String label) {
            this.metric = metric;
            this.label = label;
        }
    }

    private final MeterRegistry registry;
    /** The ledger whose current entry takes the counts once this one is evicted; null for buckets (never evicted). */
    private final SourceLedger ledger;
    private final Source source;
    private final String tag;
    private final Counter received;
    private final Counter accepted;
    private final Counter deduplicated;
    /** Per {@link Outcome}, by label value (written under the lock, read by {@link #status()} under it too). */
    private final Map<Outcome, Map<String, Counter>> byOutcome = new java.util.EnumMap<>(Outcome.class);
    /** Every meter of this entry, for removal at eviction. */
    private final List<Meter> meters = new ArrayList<>();
    /** Nanoseconds since the epoch of the first and the last {@link #received}; 0 before. */
    private long firstSeenNanos;
    private long lastSeenNanos;
    /** Latest of the creation, the last {@link #received} and the last {@link #delivered}, by the ledger's clock: idle since then. */
    private volatile long lastActiveNanos;
    private boolean evicted;

    SourceTally(MeterRegistry registry, SourceLedger ledger, Source source, String tag, long nowNanos) {
        this.registry = registry;
        this.ledger = ledger;
        this.source = source;
        this.tag = tag;
        this.lastActiveNanos = nowNanos;
        Tags tags = tags();
        received = registry.counter(MetricNames.SOURCE_EVENTS_RECEIVED, tags);
        accepted = registry.counter(MetricNames.SOURCE_EVENTS_ACCEPTED, tags);
        deduplicated = registry.counter(MetricNames.SOURCE_EVENTS_DEDUPLICATED, tags);
        meters.add(received);
        meters.add(accepted);
        meters.add(deduplicated);
        meters.add(Gauge.builder(MetricNames.SOURCE_LAST_SEEN, this, t -> t.lastSeen() / 1e9).tags(tags).register(registry));
    }

    public Source source() { return source; }

    /** The tag label (long tags are cut, see {@link SourceLedger}). */
    public String tag() { return tag; }

    /** The entry that takes counts now: this one, or after its eviction the source's current entry. */
    private SourceTally live() {
        return evicted ? ledger.tally(source, tag) : null;
    }

    /** A frame or request of {@code events} events arrived at {@code atNanos} (nanoseconds since the epoch). */
    public void received(long events, long atNanos) {
        synchronized (this) {
            if (!evicted) {
                if (firstSeenNanos == 0) {
                    firstSeenNanos = atNanos;
                }
                lastSeenNanos = Math.max(lastSeenNanos, atNanos);
                lastActiveNanos = Math.max(lastActiveNanos, ledger == null ? atNanos : ledger.nowNanos());
                add(received, events);
                return;
            }
        }
        live().received(events, atNanos);
    }

    /** A request was acknowledged: what the router stored and what it had stored before. */
    public void settled(IngestResult result) {
        synchronized (this) {
            if (!evicted) {
                add(accepted, result.accepted());
                add(deduplicated, result.duplicates());
                return;
            }
        }
        live().settled(result);
    }

    /** {@code events} events were not acknowledged, for {@code reason} (a stable, lower-case label). */
    public void rejected(String reason, long events) {
        count(Outcome.REJECTED, reason, events);
    }

    /**
     * A request of {@code events} events was not acknowledged, for {@code reason}, because of
     * {@code cause}: the part of it that lanes stored anyway ({@link IngestRejectedException#stored()},
     * a request split over lanes failing in one of them) counts as {@link #settled}, only the rest
     * as {@link #rejected}.
     */
    public void failed(String reason, long events, Throwable cause) {
        if (cause instanceof IngestRejectedException e) {
            settled(e.stored());
            events -= e.stored().accepted() + e.stored().duplicates();
        }
        rejected(reason, events);
    }

    /**
     * A request was refused before any event of it was read (HTTP 400/413: its events are unknown),
     * for {@code reason} (a stable, lower-case label). Counts requests, not events.
     */
    public void refused(String reason) {
        if (ledger != null) {
            lastActiveNanos = Math.max(lastActiveNanos, ledger.nowNanos());
        }
        count(Outcome.REFUSED, reason, 1);
    }

    /** {@code events} acknowledged events were lost, for {@code reason} (a stable, lower-case label). */
    public void dropped(String reason, long events) {
        count(Outcome.DROPPED, reason, events);
    }

    /** {@code events} events were committed by store instance {@code store} (its delivery checkpoint passed them). */
    public void delivered(String store, long events) {
        if (events > 0 && ledger != null) {
            lastActiveNanos = Math.max(lastActiveNanos, ledger.nowNanos());
        }
        count(Outcome.DELIVERED, store, events);
    }

    private void count(Outcome outcome, String value, long events) {
        if (events <= 0) {
            return;
        }
        synchronized (this) {
            if (!evicted) {
                counter(outcome, value).increment(events);
                return;
            }
        }
        live().count(outcome, value, events);
    }

    /** Nanoseconds (ledger clock) since which the source has been idle. */
    long lastActiveNanos() { return lastActiveNanos; }

    /**
     * Evicts this entry: adds its totals to {@code bucket} and removes its meters; every later count
     * goes to the source's current entry. False if it was evicted already.
     */
    synchronized boolean evictInto(SourceTally bucket) {
        if (evicted) {
            return false;
        }
        evicted = true;
        bucket.absorb(status());
        meters.forEach(registry::remove);
        return true;
    }

    /** Adds the totals of an evicted entry to this bucket. */
    private synchronized void absorb(SourceStatus s) {
        add(received, s.received());
        add(accepted, s.accepted());
        add(deduplicated, s.deduplicated());
        s.rejected().forEach((reason, n) -> count(Outcome.REJECTED, reason, n));
        s.dropped().forEach((reason, n) -> count(Outcome.DROPPED, reason, n));
        s.delivered().forEach((store, n) -> count(Outcome.DELIVERED, store, n));
        s.refusedRequests().forEach((reason, n) -> count(Outcome.REFUSED, reason, n));
        if (s.firstSeen() != null) {
            long first = nanos(s.firstSeen());
            firstSeenNanos = firstSeenNanos == 0 ? first : Math.min(firstSeenNanos, first);
            lastSeenNanos = Math.max(lastSeenNanos, nanos(s.lastSeen()));
        }
    }

    /** The totals so far; counters are read one by one, so a request in progress may show in some only. */
    public synchronized SourceStatus status() {
        return new SourceStatus(source.input(), source.peer(), tag, (long) received.count(), (long) accepted.count(),
                (long) deduplicated.count(), totals(Outcome.REJECTED), totals(Outcome.DROPPED), totals(Outcome.DELIVERED),
                totals(Outcome.REFUSED), instant(firstSeenNanos),
                instant(lastSeenNanos));
    }

    private synchronized long lastSeen() { return lastSeenNanos; }

    /** The counter of one outcome and label value, registered the first time; called under the lock. */
    private Counter counter(Outcome outcome, String value) {
        Map<String, Counter> byLabel = byOutcome.computeIfAbsent(outcome, o -> new java.util.HashMap<>());
        Counter c = byLabel.get(value);
        if (c == null) {
            c = registry.counter(outcome.metric, tags().and(outcome.label, value));
            byLabel.put(value, c);
            meters.add(c);
        }
        return c;
    }

    private Tags tags() {
        return Tags.of(MetricNames.INPUT, source.input(), MetricNames.PEER, source.peer(), MetricNames.TAG, tag);
    }

    private static void add(Counter c, long events) {
        if (events > 0) {
            c.increment(events);
        }
    }

    private Map<String, Long> totals(Outcome outcome) {
        Map<String, Long> out = new TreeMap<>();
        byOutcome.getOrDefault(outcome, Map.of()).forEach((value, c) -> out.put(value, (long) c.count()));
        return out;
    }

    private static Instant instant(long nanos) {
        return nanos == 0 ? null : Instant.ofEpochSecond(0, nanos);
    }

    private static long nanos(Instant i) {
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }
}
