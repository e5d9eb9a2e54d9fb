package io.loglane.core.ingest;

import io.loglane.core.telemetry.MetricNames;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The completeness ledger per source: one {@link SourceTally} per (input, peer host, tag), so that
 * "did we get everything from X between 10:00 and 10:05?" can be answered from the
 * {@code loglane.source.*} counters scraped over time, and {@code ./loglane sources} can show each
 * source's totals and when it was last seen.
 *
 * <h2>Cardinality</h2>
 * Every tracked source costs a handful of Prometheus series, and peers and tags come from
 * clients. So at most {@code maxSources} sources get their own entry at a time; every further
 * source of an input is counted in that input's {@link MetricNames#OTHER_SOURCES} bucket
 * ({@code peer="other", tag="other"}), which does not count against the cap. Peers are hosts,
 * never {@code host:port} ({@link Source}). A tag longer than {@value #MAX_TAG_LABEL} characters is
 * cut to that length, so tags sharing such a prefix share an entry.
 *
 * <h2>Eviction</h2>
 * Sources come and go (Docker's {@code fluentd} driver tags by container id), so an entry whose
 * source sent nothing and had nothing delivered for {@code idleEvict} is evicted: its totals are
 * added to its input's {@link MetricNames#EVICTED_SOURCES} bucket ({@code peer="evicted",
 * tag="evicted"}) and its series removed, so per input the sums still add up and the cap makes
 * room for new sources. Counters never go backwards: a bucket only grows, and an evicted
 * source that comes back starts a new entry (its series restart at zero, as after a restart;
 * events it had not yet had delivered are counted as delivered there). The idle entries are
 * looked for when a new source arrives and when {@link #statuses()} is read, at most once per
 * {@link #sweepInterval()}.
 *
 * <h2>Cost</h2>
 * {@link #tally} is two hash lookups and allocates nothing once the entry exists; inputs call it
 * once per frame or request (a Forward connection keeps the tally of its last tag).
 *
 * <p>Thread-safety: thread-safe; creating and evicting entries takes a lock, finding one does not.
 */
public final class SourceLedger {
    /** Default of {@code server.max_tracked_sources}. */
    public static final int DEFAULT_MAX_SOURCES = 1000;
    /** Longest tag kept as a label. */
    public static final int MAX_TAG_LABEL = 256;

    private final MeterRegistry registry;
    private final int maxSources;
    private final Duration idleEvict;
    private final Clock clock;
    private final ConcurrentHashMap<Source, ConcurrentHashMap<String, SourceTally>> bySource = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, SourceTally> others = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, SourceTally> evicted = new ConcurrentHashMap<>();
    private final AtomicInteger tracked = new AtomicInteger();
    /** Clock nanos of the last look for idle entries. */
    private volatile long lastSweepNanos;

    /** A ledger that never evicts. @param maxSources sources with their own entry; 0 counts every source in its input's other bucket */
    public SourceLedger(MeterRegistry registry, int maxSources) {
        this(registry, maxSources, Duration.ZERO, Clock.systemUTC());
    }

    /**
     * @param maxSources sources with their own entry; 0 counts every source in its input's other bucket
     * @param idleEvict  how long an entry may be idle before it is evicted; zero never evicts
     * @param clock      the time idleness is measured by
     */
    public SourceLedger(MeterRegistry registry, int maxSources, Duration idleEvict, Clock clock) {
        if (maxSources < 0) {
            throw new IllegalArgumentException("maxSources must be >= 0: " + maxSources);
        }
        if (idleEvict == null || idleEvict.isNegative()) {
            throw new IllegalArgumentException("idleEvict must be >= 0: " + idleEvict);
        }
        this.registry = registry;
        this.maxSources = maxSources;
        this.idleEvict = idleEvict;
        this.clock = clock;
        this.lastSweepNanos = nowNanos();
        Gauge.builder(MetricNames.SOURCES_TRACKED, tracked, AtomicInteger::get).register(registry);
    }

    /** Now by the ledger's clock, in nanoseconds since the epoch. */
    long nowNanos() {
        java.time.Instant now = clock.instant();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    /**
     * The entry that counts {@code tag} from {@code source}: its own, or its input's other bucket
     * once the cap is reached. A source whose peer is {@link MetricNames#OTHER_SOURCES} (the
     * {@link SourceTally#source()} of an other bucket, as stored batches name it) is that bucket.
     */
    public SourceTally tally(Source source, String tag) {
        if (source.peer().equals(MetricNames.OTHER_SOURCES)) {
            return other(source.input());
        }
        String label = tag.length() > MAX_TAG_LABEL ? tag.substring(0, MAX_TAG_LABEL) : tag;
        ConcurrentHashMap<String, SourceTally> tags = bySource.get(source);
        SourceTally t = tags == null ? null : tags.get(label);
        return t != null ? t : create(source, label);
    }

    private SourceTally create(Source source, String tag) {
        maybeEvictIdle();
        if (tracked.get() >= maxSources) {
            return other(source.input()); // no lock: at the cap every untracked source's request comes here
        }
        synchronized (this) {
            ConcurrentHashMap<String, SourceTally> tags = bySource.get(source);
            SourceTally t = tags == null ? null : tags.get(tag);
            if (t != null) {
                return t;
            }
            if (tracked.get() >= maxSources) {
                return other(source.input());
            }
            t = new SourceTally(registry, this, source, tag, nowNanos());
            bySource.computeIfAbsent(source, s -> new ConcurrentHashMap<>()).put(tag, t);
            tracked.incrementAndGet();
            return t;
        }
    }

    private SourceTally other(String input) {
        return bucket(others, input, MetricNames.OTHER_SOURCES);
    }

    private SourceTally bucket(ConcurrentHashMap<String, SourceTally> buckets, String input, String name) {
        SourceTally t = buckets.get(input);
        return t != null ? t : buckets.computeIfAbsent(input,
                in -> new SourceTally(registry, null, new Source(in, name), name, 0));
    }

    /** How often idle entries are looked for: a tenth of {@code idleEvict}, at most a minute. */
    Duration sweepInterval() {
        Duration tenth = idleEvict.dividedBy(10);
        return tenth.compareTo(Duration.ofMinutes(1)) > 0 ? Duration.ofMinutes(1) : tenth;
    }

    private void maybeEvictIdle() {
        if (!idleEvict.isZero() && nowNanos() - lastSweepNanos >= sweepInterval().toNanos()) {
            evictIdle();
        }
    }

    /**
     * Evicts every entry idle for at least {@code idleEvict} now (see the class comment); nothing
     * when eviction is off.
     *
     * @return entries evicted
     */
    public synchronized int evictIdle() {
        if (idleEvict.isZero()) {
            return 0;
        }
        long now = nowNanos();
        lastSweepNanos = now;
        long idleSince = now - idleEvict.toNanos();
        int n = 0;
        for (Map.Entry<Source, ConcurrentHashMap<String, SourceTally>> e : bySource.entrySet()) {
            ConcurrentHashMap<String, SourceTally> tags = e.getValue();
            for (SourceTally t : tags.values()) {
                if (t.lastActiveNanos() <= idleSince && t.evictInto(bucket(evicted, t.source().input(), MetricNames.EVICTED_SOURCES))) {
                    tags.remove(t.tag());
                    tracked.decrementAndGet();
                    n++;
                }
            }
            if (tags.isEmpty()) {
                bySource.remove(e.getKey());
            }
        }
        return n;
    }

    /** Sources with their own entry. */
    public int tracked() { return tracked.get(); }

    /** The cap on {@link #tracked()}. */
    public int maxSources() { return maxSources; }

    /**
     * Every entry's totals, by input, peer and tag; each input's other and evicted buckets (if
     * used) after its sources. Evicts idle entries first when due.
     */
    public List<SourceStatus> statuses() {
        maybeEvictIdle();
        List<SourceStatus> out = new ArrayList<>();
        bySource.values().forEach(tags -> tags.values().forEach(t -> out.add(t.status())));
        others.values().forEach(t -> out.add(t.status()));
        evicted.values().forEach(t -> out.add(t.status()));
        out.sort(Comparator.comparing(SourceStatus::input)
                .thenComparing(SourceLedger::bucketRank)
                .thenComparing(SourceStatus::peer)
                .thenComparing(SourceStatus::tag));
        return out;
    }

    /** 0 for a source, 1 for the other bucket, 2 for the evicted bucket. */
    private static int bucketRank(SourceStatus s) {
        if (s.peer().equals(MetricNames.OTHER_SOURCES) && s.tag().equals(MetricNames.OTHER_SOURCES)) {
            return 1;
        }
        return s.peer().equals(MetricNames.EVICTED_SOURCES) && s.tag().equals(MetricNames.EVICTED_SOURCES) ? 2 : 0;
    }
}
