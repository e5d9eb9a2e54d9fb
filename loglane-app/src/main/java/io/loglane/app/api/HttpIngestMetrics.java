package io.loglane.app.api;

import io.loglane.core.telemetry.LedgerCounters;
import io.loglane.core.telemetry.MetricNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;

/**
 * The meters of the HTTP input, registered once so a request only increments:
 * <ul>
 *   <li>{@code loglane.events.received}, {@code loglane.bytes.received} {input}: events decoded, body bytes</li>
 *   <li>per {@link HttpRefusal}: {@code loglane.protocol.errors} {input, reason} (one per request) and
 *       {@code loglane.events.rejected}, {@code loglane.bytes.rejected} {input, lane="none", reason}
 *       (the body's bytes; its events only when it was decoded)</li>
 * </ul>
 * Events the router accepts or refuses are counted by the router.
 *
 * <p>Thread-safety: thread-safe.
 */
final class HttpIngestMetrics {
    private final LedgerCounters received;
    private final Map<HttpRefusal, LedgerCounters> rejected = new EnumMap<>(HttpRefusal.class);
    private final Map<HttpRefusal, Counter> protocolErrors = new EnumMap<>(HttpRefusal.class);

    HttpIngestMetrics(MeterRegistry registry, String input) {
        received = LedgerCounters.received(registry, input);
        for (HttpRefusal r : HttpRefusal.values()) {
            rejected.put(r, LedgerCounters.rejected(registry, input, MetricNames.NO_LANE, r.label()));
            protocolErrors.put(r, Counter.builder(MetricNames.PROTOCOL_ERRORS).tag(MetricNames.INPUT, input)
                    .tag(MetricNames.REASON, r.label()).register(registry));
        }
    }

    /** A request body of {@code bytes} bytes arrived; {@code events} of them decoded (0 before decoding). */
    void received(long events, long bytes) { received.add(events, bytes); }

    /** A request was refused; {@code events} is 0 when its body was not decoded. */
    void refused(HttpRefusal reason, long events, long bytes) {
        protocolErrors.get(reason).increment();
        rejected.get(reason).add(events, bytes);
    }
}
