package io.loglane.inputs.http;

import io.loglane.core.ingest.IngestRejectedException;
import io.loglane.core.telemetry.LedgerCounters;
import io.loglane.core.telemetry.MetricNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The meters of an input served on the HTTP port (the ingest route, the CloudWatch Logs API, OTLP),
 * registered once so a request only increments:
 * <ul>
 *   <li>{@code loglane.events.received}, {@code loglane.bytes.received} {input}: events decoded, body bytes</li>
 *   <li>per {@link Refusal} of the input: {@code loglane.protocol.errors} {input, reason} (one per request) and
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
public final class HttpIngestMetrics {
    /** Reason of a request that failed for anything but a refusal of the router. */
    public static final String INTERNAL_ERROR = "internal_error";
    /** Reason of a request refused because the input was paused or draining. */
    public static final String PAUSED = "paused";

    private final LedgerCounters received;
    private final Map<Refusal, LedgerCounters> rejected = new HashMap<>();
    private final Map<Refusal, Counter> protocolErrors = new HashMap<>();
    private final Map<String, Counter> requestsFailed = new HashMap<>();

    /** @param refusals every refusal the input may count (one enum's values) */
    public HttpIngestMetrics(MeterRegistry registry, String input, Refusal[] refusals) {
        received = LedgerCounters.received(registry, input);
        for (Refusal r : refusals) {
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
    public void failed(String reason) { requestsFailed.get(reason).increment(); }

    /** A request body of {@code bytes} bytes arrived; {@code events} of them decoded (0 before decoding). */
    public void received(long events, long bytes) { received.add(events, bytes); }

    /** A request was refused; {@code events} is 0 when its body was not decoded. */
    public void refused(Refusal reason, long events, long bytes) {
        protocolErrors.get(reason).increment();
        rejected.get(reason).add(events, bytes);
    }
}
