package io.loglane.core.telemetry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * One entry of the completeness ledger: a counter of events and a counter of their bytes, registered
 * together under the same tags. The factories are the only way the ledger's meters
 * ({@link MetricNames#EVENTS_RECEIVED} … {@link MetricNames#BYTES_DROPPED}) are registered, so every
 * meter of one name has the same tag keys and no base unit. Register once and keep the instance:
 * the hot path should only {@link #add}.
 *
 * <p>Thread-safety: thread-safe (Micrometer counters are).
 *
 * @param events counts events
 * @param bytes  counts their bytes
 */
public record LedgerCounters(Counter events, Counter bytes) {
    /** {@link MetricNames#EVENTS_RECEIVED} and {@link MetricNames#BYTES_RECEIVED} {input}. */
    public static LedgerCounters received(MeterRegistry registry, String input) {
        return new LedgerCounters(
                Counter.builder(MetricNames.EVENTS_RECEIVED).tag(MetricNames.INPUT, input).register(registry),
                Counter.builder(MetricNames.BYTES_RECEIVED).tag(MetricNames.INPUT, input).register(registry));
    }

    /** {@link MetricNames#EVENTS_ACCEPTED} and {@link MetricNames#BYTES_ACCEPTED} {input, lane}. */
    public static LedgerCounters accepted(MeterRegistry registry, String input, String lane) {
        return new LedgerCounters(
                Counter.builder(MetricNames.EVENTS_ACCEPTED).tag(MetricNames.INPUT, input).tag(MetricNames.LANE, lane).register(registry),
                Counter.builder(MetricNames.BYTES_ACCEPTED).tag(MetricNames.INPUT, input).tag(MetricNames.LANE, lane).register(registry));
    }

    /** {@link MetricNames#EVENTS_REJECTED} and {@link MetricNames#BYTES_REJECTED} {input, lane, reason}. */
    public static LedgerCounters rejected(MeterRegistry registry, String input, String lane, String reason) {
        return pair(registry, MetricNames.EVENTS_REJECTED, MetricNames.BYTES_REJECTED, input, lane, reason);
    }

    /** {@link MetricNames#EVENTS_DROPPED} and {@link MetricNames#BYTES_DROPPED} {input, lane, reason}. */
    public static LedgerCounters dropped(MeterRegistry registry, String input, String lane, String reason) {
        return pair(registry, MetricNames.EVENTS_DROPPED, MetricNames.BYTES_DROPPED, input, lane, reason);
    }

    /** Counts {@code events} events of {@code bytes} bytes (either may be 0). */
    public void add(long events, long bytes) {
        if (events > 0) {
            this.events.increment(events);
        }
        if (bytes > 0) {
            this.bytes.increment(bytes);
        }
    }

    private static LedgerCounters pair(MeterRegistry registry, String eventsName, String bytesName, String input, String lane,
                                       String reason) {
        return new LedgerCounters(
                Counter.builder(eventsName).tag(MetricNames.INPUT, input).tag(MetricNames.LANE, lane).tag(MetricNames.REASON, reason)
                        .register(registry),
                Counter.builder(bytesName).tag(MetricNames.INPUT, input).tag(MetricNames.LANE, lane).tag(MetricNames.REASON, reason)
                        .register(registry));
    }
}
