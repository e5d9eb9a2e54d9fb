package io.loglane.inputs.forward;

import io.loglane.core.ingest.IngestRejectedException;
import io.loglane.core.telemetry.LedgerCounters;
import io.loglane.core.telemetry.MetricNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The meters of one Forward input, registered once so the per-frame path only increments.
 *
 * <ul>
 *   <li>{@code loglane.events.received{input}}: events decoded, including rejected entries</li>
 *   <li>{@code loglane.bytes.received{input}}: bytes of decoded frames</li>
 *   <li>{@code loglane.protocol.errors{input, reason}}: one per connection-fatal error, one per rejected entry ({@code bad_entry})</li>
 *   <li>{@code loglane.events.rejected} and {@code loglane.bytes.rejected} {input, lane="none", reason="invalid"}:
 *       entries rejected by the decoder (no lane was chosen) and their msgpack bytes</li>
 *   <li>{@code loglane.input.connections{input}}: open connections (gauge)</li>
 *   <li>{@code loglane.input.requests.failed{input, reason}}: requests the router refused with a reason
 *       other than back-pressure (not acked; the peer resends). Input-local: the router counts the events.</li>
 *   <li>{@code loglane.input.backpressure.retries{input}}: see {@link io.loglane.inputs.admission.BackPressure}</li>
 *   <li>{@code loglane.input.budget.pauses{input}}: times a connection stopped reading because the
 *       input's in-flight record bytes reached {@code max_in_flight_bytes}</li>
 *   <li>{@code loglane.input.in_flight.bytes{input}}: record bytes waiting to become durable (gauge)</li>
 *   <li>{@code loglane.input.connections.closed{input, reason}}: connections the input closed for a reason
 *       other than a protocol error: {@code idle_timeout}, {@code frame_timeout} ({@link ConnectionTimeouts}), or
 *       the refusal of a request (its reason: {@code storage_error}; {@code rate_limited} and {@code invalid}
 *       when the frame carried a {@code chunk} the peer waits for), {@code handshake_timeout} (TLS or
 *       shared_key handshake not done within {@code handshake_timeout})</li>
 *   <li>{@code loglane.input.handshakes{input}}: PINGs accepted ({@link ForwardHandshake})</li>
 *   <li>{@code loglane.input.handshake.failures{input, reason}}: PINGs refused with a PONG, by
 *       {@link ForwardHandshake.Failure} ({@code shared_key_mismatch}, {@code unknown_user},
 *       {@code password_mismatch}, {@code replayed_ping}, {@code bad_ping})</li>
 * </ul>
 *
 * <p>Thread-safety: safe for concurrent use.
 */
final class ForwardMetrics {
    static final String BUDGET_PAUSES = "loglane.input.budget.pauses";
    static final String IN_FLIGHT_BYTES = "loglane.input.in_flight.bytes";
    static final String CONNECTIONS_CLOSED = "loglane.input.connections.closed";
    static final String IDLE_TIMEOUT = "idle_timeout";
    static final String FRAME_TIMEOUT = "frame_timeout";
    static final String HANDSHAKE_TIMEOUT = "handshake_timeout";
    static final String HANDSHAKES = "loglane.input.handshakes";
    static final String HANDSHAKE_FAILURES = "loglane.input.handshake.failures";

    private final MeterRegistry registry;
    private final String input;
    private final LedgerCounters received;
    private final LedgerCounters entriesRejected;
    private final Counter budgetPauses;
    private final Counter handshakes;
    private final Map<ForwardProtocolException.Reason, Counter> protocolErrors =
            new EnumMap<>(ForwardProtocolException.Reason.class);
    private final AtomicInteger connections;

    ForwardMetrics(MeterRegistry registry, String input, InFlightBudget budget) {
        this.registry = registry;
        this.input = input;
        received = LedgerCounters.received(registry, input);
        entriesRejected = LedgerCounters.rejected(registry, input, MetricNames.NO_LANE, IngestRejectedException.Reason.INVALID.label());
        budgetPauses = registry.counter(BUDGET_PAUSES, MetricNames.INPUT, input);
        registry.gauge(IN_FLIGHT_BYTES, Tags.of(MetricNames.INPUT, input), budget, InFlightBudget::used);
        for (ForwardProtocolException.Reason r : ForwardProtocolException.Reason.values()) {
            protocolErrors.put(r, registry.counter(MetricNames.PROTOCOL_ERRORS, MetricNames.INPUT, input,
                    MetricNames.REASON, r.label()));
        }
        connections = registry.gauge(MetricNames.CONNECTIONS, Tags.of(MetricNames.INPUT, input), new AtomicInteger());
        for (String timeout : new String[] {IDLE_TIMEOUT, FRAME_TIMEOUT, HANDSHAKE_TIMEOUT}) {
            registry.counter(CONNECTIONS_CLOSED, MetricNames.INPUT, input, MetricNames.REASON, timeout); // exposed at 0
        }
        handshakes = registry.counter(HANDSHAKES, MetricNames.INPUT, input);
        for (ForwardHandshake.Failure f : ForwardHandshake.Failure.values()) {
            registry.counter(HANDSHAKE_FAILURES, MetricNames.INPUT, input, MetricNames.REASON, f.label()); // exposed at 0
        }
    }

    void handshakeSucceeded() { handshakes.increment(); }

    void handshakeFailed(String reason) {
        registry.counter(HANDSHAKE_FAILURES, MetricNames.INPUT, input, MetricNames.REASON, reason).increment();
    }

    void frame(ForwardMessage m) {
        received.add(m.records().count() + m.rejectedEntries(), m.frameBytes());
        if (m.rejectedEntries() > 0) {
            entriesRejected.add(m.rejectedEntries(), m.rejectedBytes());
            protocolErrors.get(ForwardProtocolException.Reason.BAD_ENTRY).increment(m.rejectedEntries());
        }
    }

    void protocolError(ForwardProtocolException.Reason reason) { protocolErrors.get(reason).increment(); }

    void requestFailed(String reason) {
        registry.counter(MetricNames.REQUESTS_FAILED, MetricNames.INPUT, input, MetricNames.REASON, reason).increment();
    }

    /** The input closed a connection; {@code reason} is a timeout ({@link #IDLE_TIMEOUT}, {@link #FRAME_TIMEOUT}, {@link #HANDSHAKE_TIMEOUT}) or a refusal's label. */
    void connectionClosedBy(String reason) {
        registry.counter(CONNECTIONS_CLOSED, MetricNames.INPUT, input, MetricNames.REASON, reason).increment();
    }

    void budgetPause() { budgetPauses.increment(); }

    void connectionOpened() { connections.incrementAndGet(); }

    void connectionClosed() { connections.decrementAndGet(); }
}
