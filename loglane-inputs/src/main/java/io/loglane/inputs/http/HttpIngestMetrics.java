package io.loglane.inputs.http;

import io.loglane.core.ingest.IngestRejectedException;
import io.loglane.core.telemetry.LedgerCounters;
import io.loglane.core.telemetry.MetricNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The meters of the HTTP input, registered once so a request only increments:
 * <ul>
 *   <li>{@code loglane.events.received}, {@code loglane.bytes.received} {input}: events decoded, body bytes</li>
 *   <li>per {@link HttpRefusal}: {@code loglane.protocol.errors} {input, reason} (one per request) and
 *       {@code loglane.events.rejected}, {@code loglane.bytes.rejected} {input, lane="none", reason}
 *       (the body's bytes; its events only when it was decoded)</li>
 *   <li>{@code loglane.input.requests.failed} {input, reason}: requests the router refused (429, 503,
 *       500), one per request, by the router's reason; {@code internal_error} for any other failure;
 *       {@code paused} for those refused (503) while the input was paused or draining</li>
 * </ul>
 * Events the router accepts or refuses are counted by the router.
 *
 * <p>Thread-safety: thread-safe.
 */
final class HttpIngestMetrics {
    /** Reason of a request that failed for anything but a refusal of the router. */
    static final String INTERNAL_ERROR = "internal_error";
    /** Reason of a request refused because the input was paused or draining. */
    static final String PAUSED = "paused";

    private final LedgerCounters received;
    private final Map<HttpRefusal, LedgerCounters> rejected = new EnumMap<>(HttpRefusal.class);
    private final Map<HttpRefusal, Counter> protocolErrors = new EnumMap<>(HttpRefusal.class);
    private final Map<String, Counter> requestsFailed = new HashMap<>();

    HttpIngestMetrics(MeterRegistry registry, String input) {
        received = LedgerCounters.received(registry, input);
        for (HttpRefusal r : HttpRefusal.values()) {
            rejected.put(r, LedgerCounters.rejected(registry, input, MetricNames.NO_LANE, r.label()));
            protocolErrors.put(r, Counter.builder(MetricNames.PROTOCOL_ERRORS).tag(MetricNames.INPUT, input)
                    .tag(MetricNames.REASON, r.label()).register(registry));
        }
        List<String> failures = new ArrayList<>();
        for (IngestRejectedException.Reason r : IngestRejectedException.Reason.values()) {
            failures.add(r.label());
        }
        failures.add(INTERNAL_ERROR);
        failures.add(PAUSED);
        for (String reason : failures) {
            requestsFailed.put(reason, Counter.builder(MetricNames.REQUESTS_FAILED).tag(MetricNames.INPUT, input)
                    .tag(MetricNames.REASON, reason).register(registry));
        }
    }

    /** A request the router refused, that failed otherwise ({@link #INTERNAL_ERROR}), or that came while paused ({@link #PAUSED}). */
    void failed(String reason) { requestsFailed.get(reason).increment(); }

    /** A request body of {@code bytes} bytes arrived; {@code events} of them decoded (0 before decoding). */
    void received(long events, long bytes) { received.add(events, bytes); }

    /** A request was refused; {@code events} is 0 when its body was not decoded. */
    void refused(HttpRefusal reason, long events, long bytes) {
        protocolErrors.get(reason).increment();
        rejected.get(reason).add(events, bytes);
    }
}
