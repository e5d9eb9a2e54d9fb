package io.loglane.router;

import io.loglane.core.ingest.IngestRejectedException;
import io.loglane.core.telemetry.MetricNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The router's counters, created once per (input, lane) and cached so the hot path never asks the
 * registry: {@code EVENTS_ACCEPTED}, {@code BYTES_ACCEPTED}, {@code EVENTS_DEDUPLICATED}
 * {input, lane} and {@code EVENTS_REJECTED} {input, lane, reason}. Lane index
 * {@code laneNames.length} stands for {@link #UNROUTED}: a request rejected before it was split.
 *
 * <p>Thread-safety: thread-safe.
 */
final class RouterMeters {
    /** Lane label of events rejected before they had a lane (a malformed block). */
    static final String UNROUTED = "none";

    /** Counters of one (input, lane). */
    record LaneMeters(Counter accepted, Counter bytes, Counter deduplicated, Counter[] rejected) {}

    private final MeterRegistry registry;
    private final String[] laneNames;
    private final ConcurrentHashMap<String, LaneMeters[]> byInput = new ConcurrentHashMap<>();

    RouterMeters(MeterRegistry registry, String[] laneNames) {
        this.registry = registry;
        this.laneNames = laneNames.clone();
    }

    /** The counters of {@code input}, indexed by lane; one map lookup per request. */
    LaneMeters[] forInput(String input) {
        LaneMeters[] m = byInput.get(input);
        return m != null ? m : byInput.computeIfAbsent(input, this::create);
    }

    private LaneMeters[] create(String input) {
        LaneMeters[] out = new LaneMeters[laneNames.length + 1];
        for (int i = 0; i <= laneNames.length; i++) {
            String lane = i < laneNames.length ? laneNames[i] : UNROUTED;
            IngestRejectedException.Reason[] reasons = IngestRejectedException.Reason.values();
            Counter[] rejected = new Counter[reasons.length];
            for (IngestRejectedException.Reason r : reasons) {
                rejected[r.ordinal()] = Counter.builder(MetricNames.EVENTS_REJECTED)
                        .tag(MetricNames.INPUT, input).tag(MetricNames.LANE, lane).tag(MetricNames.REASON, r.label())
                        .register(registry);
            }
            out[i] = new LaneMeters(
                    Counter.builder(MetricNames.EVENTS_ACCEPTED).tag(MetricNames.INPUT, input).tag(MetricNames.LANE, lane).register(registry),
                    Counter.builder(MetricNames.BYTES_ACCEPTED).baseUnit("bytes").tag(MetricNames.INPUT, input).tag(MetricNames.LANE, lane).register(registry),
                    Counter.builder(MetricNames.EVENTS_DEDUPLICATED).tag(MetricNames.INPUT, input).tag(MetricNames.LANE, lane).register(registry),
                    rejected);
        }
        return out;
    }
}
