package io.loglane.inputs.forward;

import io.loglane.core.ingest.IngestResult;
import io.loglane.core.telemetry.MetricNames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.loglane.inputs.Await.await;
import static io.loglane.inputs.forward.ForwardInputTest.good;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code idle_timeout} and {@code frame_timeout} on a real ForwardInput on 127.0.0.1, with timeouts
 * short enough for a test: a silent connection and one stalled mid-frame are closed and counted;
 * a peer that waits for its ack, or that the input itself stopped reading, is not.
 */
class ConnectionTimeoutsTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final RecordingIngest ingest = new RecordingIngest();
    private ForwardInput input;

    private ForwardInput start(Duration idle, Duration frame) throws Exception {
        input = new ForwardInput(ForwardInputTest.CONFIG.withTimeouts(idle, frame), ingest, registry, Clock.systemUTC());
        input.start();
        return input;
    }

    @AfterEach
    void stop() throws Exception {
        if (input != null) {
            input.close();
        }
    }

    private double closedBy(String reason) {
        return registry.get(ForwardMetrics.CONNECTIONS_CLOSED).tags(MetricNames.INPUT, "fwd", MetricNames.REASON, reason)
                .counter().count();
    }

    private double truncated() {
        var c = registry.find(MetricNames.PROTOCOL_ERRORS).tags(MetricNames.REASON, "truncated").counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void aSilentConnectionIsClosedAfterTheIdleTimeoutAndCounted() throws Exception {
        start(Duration.ofMillis(600), Duration.ofSeconds(30));
        assertThat(closedBy(ForwardMetrics.IDLE_TIMEOUT)).as("exposed before any close").isZero();
        try (ForwardClient c = new ForwardClient(input.boundPort())) {
            c.send(good("one"));
            assertThat(c.readAck()).isEqualTo("one");
            assertThat(c.silentFor(Duration.ofMillis(200))).as("open well within the idle timeout").isTrue();
            assertThat(c.closedByServer()).as("closed once idle for 600 ms").isTrue();
        }
        await(() -> closedBy(ForwardMetrics.IDLE_TIMEOUT) == 1, "the idle close counted");
        assertThat(closedBy(ForwardMetrics.FRAME_TIMEOUT)).isZero();
    }

    @Test
    void aConnectionStalledMidFrameIsClosedAfterTheFrameTimeoutWhateverTheIdleTimeout() throws Exception {
        start(Duration.ZERO, Duration.ofMillis(400)); // idle connections are never closed here
        byte[] f = good("half");
        try (ForwardClient c = new ForwardClient(input.boundPort())) {
            c.send(Arrays.copyOf(f, f.length / 2));
            assertThat(c.closedByServer()).isTrue();
        }
        await(() -> closedBy(ForwardMetrics.FRAME_TIMEOUT) == 1, "the frame timeout counted");
        assertThat(truncated()).as("closed for the timeout, not reported again as truncated").isZero();
        assertThat(ingest.requests).isEmpty();
    }

    @Test
    void aSlowlorisSendingOneByteAtATimeIsClosedAlthoughItIsNeverIdle() throws Exception {
        start(Duration.ofMillis(300), Duration.ofMillis(800));
        byte[] f = good("drip");
        try (ForwardClient c = new ForwardClient(input.boundPort())) {
            boolean closed = false;
            for (int i = 0; i < f.length - 1 && !closed; i++) {
                try {
                    c.send(new byte[] {f[i]});
                } catch (java.io.IOException reset) {
                    closed = true;
                }
                Thread.sleep(50); // well within the idle timeout
            }
            assertThat(closed || c.closedByServer()).isTrue();
        }
        await(() -> closedBy(ForwardMetrics.FRAME_TIMEOUT) == 1, "the frame timeout counted");
        assertThat(closedBy(ForwardMetrics.IDLE_TIMEOUT)).isZero();
    }

    @Test
    void aPeerWaitingForItsAckIsNotIdle() throws Exception {
        start(Duration.ofMillis(300), Duration.ofSeconds(30));
        CompletableFuture<IngestResult> durable = new CompletableFuture<>();
        ingest.behaviour = r -> durable;
        try (ForwardClient c = new ForwardClient(input.boundPort())) {
            c.send(good("slow"));
            assertThat(c.silentFor(Duration.ofMillis(900))).as("three idle timeouts pass while the ack is owed").isTrue();
            durable.complete(new IngestResult(1, 0));
            assertThat(c.readAck()).isEqualTo("slow");
            assertThat(c.closedByServer()).as("idle once the ack is sent").isTrue();
        }
    }

    @Test
    void timeTheInputItselfStoppedReadingDoesNotCountAgainstAHalfSentFrame() throws Exception {
        start(Duration.ZERO, Duration.ofMillis(400));
        List<CompletableFuture<IngestResult>> futures = new CopyOnWriteArrayList<>();
        ingest.behaviour = r -> {
            CompletableFuture<IngestResult> f = new CompletableFuture<>();
            futures.add(f);
            return f;
        };
        byte[] next = good("next");
        try (ForwardClient c = new ForwardClient(input.boundPort())) {
            // max_in_flight is 4: with four acks owed the input stops reading, the half frame included
            c.send(good("a")).send(good("b")).send(good("c")).send(good("d")).send(Arrays.copyOf(next, next.length - 2));
            await(() -> futures.size() == 4, "four requests in flight");
            assertThat(c.silentFor(Duration.ofMillis(1200))).as("three frame timeouts pass while reading is paused").isTrue();
            futures.forEach(f -> f.complete(new IngestResult(1, 0)));
            assertThat(List.of(c.readAck(), c.readAck(), c.readAck(), c.readAck())).containsExactly("a", "b", "c", "d");
            assertThat(c.closedByServer()).as("reading again, the frame still does not complete").isTrue();
        }
        await(() -> closedBy(ForwardMetrics.FRAME_TIMEOUT) == 1, "the frame timeout counted");
    }
}
