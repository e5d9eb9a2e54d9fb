package io.loglane.router;

import io.loglane.core.ingest.IngestRejectedException;
import io.loglane.core.telemetry.LedgerCounters;
import io.loglane.core.telemetry.MetricNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The router's counters, created once per (input, lane) and cached so the hot path never asks the
 * registry: {@code EVENTS_ACCEPTED}/{@code BYTES_ACCEPTED}, {@code EVENTS_DEDUPLICATED},
 * {@code PARSE_FAILURES} {input, lane}, {@code MULTILINE_TRUNCATED} {input} and {@code EVENTS_REJECTED}/{@code BYTES_REJECTED} {input, lane, reason}. Lane
 * index {@code laneNames.length} stands for {@link #UNROUTED}: a request rejected before it was split.
 *
 * <p>Thread-safety: thread-safe.
 */
final class RouterMeters {
    /** Lane label of events rejected before they had a lane (a malformed block). */
    static final String UNROUTED = MetricNames.NO_LANE;

    /** Counters of one (input, lane); {@code rejected} is indexed by {@link IngestRejectedException.Reason#ordinal()}. */
    record LaneMeters(LedgerCounters accepted, Counter deduplicated, LedgerCounters[] rejected, Counter parseFailures) {}

    private final MeterRegistry registry;
    private final String[] laneNames;
    private final ConcurrentHashMap<String, LaneMeters[]> byInput = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> truncatedByInput = new ConcurrentHashMap<>();

    RouterMeters(MeterRegistry registry, String[] laneNames) {
        this.registry = registry;
        this.laneNames = laneNames.clone();
    }

    /** The counters of {@code input}, indexed by lane; one map lookup per request. */
    LaneMeters[] forInput(String input) {
        LaneMeters[] m = byInput.get(input);
        return m != null ? m : byInput.computeIfAbsent(input, this::create);
    }

    /** {@code MULTILINE_TRUNCATED} {input}: multiline events of {@code input} cut at their bound. */
    Counter multilineTruncated(String input) {
        return truncatedByInput.computeIfAbsent(input, i -> Counter.builder(MetricNames.MULTILINE_TRUNCATED)
                .tag(MetricNames.INPUT, i).register(registry));
    }

    private LaneMeters[] create(String input) {
        LaneMeters[] out = new LaneMeters[laneNames.length + 1];
        for (int i = 0; i <= laneNames.length; i++) {
            String lane = i < laneNames.length ? laneNames[i] : UNROUTED;
            IngestRejectedException.Reason[] reasons = IngestRejectedException.Reason.values();
            LedgerCounters[] rejected = new LedgerCounters[reasons.length];
            for (IngestRejectedException.Reason r : reasons) {
                rejected[r.ordinal()] = LedgerCounters.rejected(registry, input, lane, r.label());
            }
            out[i] = new LaneMeters(
                    LedgerCounters.accepted(registry, input, lane),
                    Counter.builder(MetricNames.EVENTS_DEDUPLICATED).tag(MetricNames.INPUT, input).tag(MetricNames.LANE, lane).register(registry),
                    rejected,
                    Counter.builder(MetricNames.PARSE_FAILURES).tag(MetricNames.INPUT, input).tag(MetricNames.LANE, lane).register(registry));
        }
        return out;
    }
}
