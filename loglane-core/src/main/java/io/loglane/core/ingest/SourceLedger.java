package io.loglane.core.ingest;

import io.loglane.core.telemetry.MetricNames;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
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
 * clients. So at most {@code maxSources} sources get their own entry (the first ones seen; entries
 * are kept for the life of the process so counters never go backwards); every further source of
 * an input is counted in that input's {@link MetricNames#OTHER_SOURCES} bucket ({@code peer="other",
 * tag="other"}), which does not count against the cap. Peers are hosts, never {@code host:port}
 * ({@link Source}). A tag longer than {@value #MAX_TAG_LABEL} characters is cut to that length, so
 * tags sharing such a prefix share an entry.
 *
 * <h2>Cost</h2>
 * {@link #tally} is two hash lookups and allocates nothing once the entry exists; inputs call it
 * once per frame or request (a Forward connection keeps the tally of its last tag).
 *
 * <p>Thread-safety: thread-safe; creating an entry takes a lock, finding one does not.
 */
public final class SourceLedger {
    /** Default of {@code server.max_tracked_sources}. */
    public static final int DEFAULT_MAX_SOURCES = 1000;
    /** Longest tag kept as a label. */
    public static final int MAX_TAG_LABEL = 256;

    private final MeterRegistry registry;
    private final int maxSources;
    private final ConcurrentHashMap<Source, ConcurrentHashMap<String, SourceTally>> bySource = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, SourceTally> others = new ConcurrentHashMap<>();
    private final AtomicInteger tracked = new AtomicInteger();

    /** @param maxSources sources with their own entry; 0 counts every source in its input's other bucket */
    public SourceLedger(MeterRegistry registry, int maxSources) {
        if (maxSources < 0) {
            throw new IllegalArgumentException("maxSources must be >= 0: " + maxSources);
        }
        this.registry = registry;
        this.maxSources = maxSources;
        Gauge.builder(MetricNames.SOURCES_TRACKED, tracked, AtomicInteger::get).register(registry);
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
            t = new SourceTally(registry, source, tag);
            bySource.computeIfAbsent(source, s -> new ConcurrentHashMap<>()).put(tag, t);
            tracked.incrementAndGet();
            return t;
        }
    }

    private SourceTally other(String input) {
        SourceTally t = others.get(input);
        return t != null ? t : others.computeIfAbsent(input,
                in -> new SourceTally(registry, new Source(in, MetricNames.OTHER_SOURCES), MetricNames.OTHER_SOURCES));
    }

    /** Sources with their own entry. */
    public int tracked() { return tracked.get(); }

    /** The cap on {@link #tracked()}. */
    public int maxSources() { return maxSources; }

    /** Every entry's totals, by input, peer and tag; each input's other bucket (if used) after its sources. */
    public List<SourceStatus> statuses() {
        List<SourceStatus> out = new ArrayList<>();
        bySource.values().forEach(tags -> tags.values().forEach(t -> out.add(t.status())));
        others.values().forEach(t -> out.add(t.status()));
        out.sort(Comparator.comparing(SourceStatus::input)
                .thenComparing(s -> isOther(s) ? 1 : 0)
                .thenComparing(SourceStatus::peer)
                .thenComparing(SourceStatus::tag));
        return out;
    }

    private static boolean isOther(SourceStatus s) {
        return s.peer().equals(MetricNames.OTHER_SOURCES) && s.tag().equals(MetricNames.OTHER_SOURCES);
    }
}
