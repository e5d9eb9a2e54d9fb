package io.loglane.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.loglane.bench.faults.ChildNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePackException;

/**
 * The Forward input of a running node closes connections whose peer stalls, as configured in the
 * node's YAML ({@code idle_timeout}, {@code frame_timeout}), and closes the connection of a frame
 * whose {@code chunk} it will not ack because the lane is over its rate, so the peer resends at
 * once instead of waiting for an ack that never comes. Each close shows in {@code /metrics}.
 */
class ForwardTimeoutsIT {
    private static final String OVERLAY = """
            inputs:
              - type: forward
                name: forward
                port: 24224
                idle_timeout: 1s
                frame_timeout: 1s
            lanes:
              error:
                rate: {events_per_second: 1, burst: 1}
            """;

    @TempDir
    static Path dir;
    private static ChildNode node;

    @BeforeAll
    static void startNode() throws Exception {
        node = Nodes.startWithOverlay(dir, OVERLAY);
    }

    @AfterAll
    static void stopNode() throws Exception {
        Nodes.stop(node);
    }

    private static double closed(String reason) throws Exception {
        return PrometheusText.sum(node.get("/metrics").body(), "loglane_input_connections_closed_total",
                Map.of("input", "forward", "reason", reason));
    }

    @Test
    void aSilentConnectionIsClosedAfterTheConfiguredIdleTimeout() throws Exception {
        double before = closed("idle_timeout");
        try (RawForwardConnection c = new RawForwardConnection(node.forwardPort)) {
            assertThat(c.closedByServerWithin(15_000)).isTrue();
        }
        assertThat(closed("idle_timeout")).isEqualTo(before + 1);
    }

    @Test
    void aConnectionStalledMidFrameIsClosedAfterTheConfiguredFrameTimeout() throws Exception {
        double before = closed("frame_timeout");
        byte[] frame = ForwardFrames.message("it.timeouts", 1_700_000_000L, Map.of("log", "never finished"), Map.of("chunk", "stalled"));
        try (RawForwardConnection c = new RawForwardConnection(node.forwardPort)) {
            c.send(Arrays.copyOf(frame, frame.length - 4));
            assertThat(c.closedByServerWithin(15_000)).isTrue();
        }
        assertThat(closed("frame_timeout")).isEqualTo(before + 1);
        assertThat(PrometheusText.sum(node.get("/metrics").body(), "loglane_protocol_errors_total",
                Map.of("input", "forward", "reason", "truncated"))).as("a timeout, not a truncated frame").isZero();
    }

    @Test
    void aRateLimitedChunkGetsNoAckAndItsConnectionIsClosedSoThePeerResends() throws Exception {
        double before = closed("rate_limited");
        byte[] limited = ForwardFrames.message("it.error", 1_700_000_000L, Map.of("log", "over the rate"), Map.of("chunk", "limited"));
        try (RawForwardConnection c = new RawForwardConnection(node.forwardPort)) {
            c.send(twoEvents("it.error", "takes-the-burst")); // admitted on a full bucket, leaving it in debt
            c.send(limited);
            assertThat(c.readAck()).isEqualTo("takes-the-burst");
            assertThat(c.closedByServerWithin(15_000)).as("no ack for the limited chunk: the connection closes").isTrue();
        }
        assertThat(closed("rate_limited")).isEqualTo(before + 1);
        // The peer resends the chunk on a new connection, as Fluent Bit does on its retry schedule.
        String acked = null;
        for (int attempt = 0; attempt < 40 && acked == null; attempt++) {
            try (RawForwardConnection c = new RawForwardConnection(node.forwardPort)) {
                c.send(limited);
                acked = c.readAck();
            } catch (IOException | MessagePackException closedWithoutAck) {
                acked = null;
            }
            if (acked == null) {
                Thread.sleep(250); // the bucket refills one event a second
            }
        }
        assertThat(acked).isEqualTo("limited");
    }

    /** A Forward-mode frame of two events to {@code tag} with a {@code chunk} option. */
    private static byte[] twoEvents(String tag, String chunk) throws Exception {
        MessageBufferPacker p = MessagePack.newDefaultBufferPacker();
        p.packArrayHeader(3);
        p.packString(tag);
        p.packArrayHeader(2);
        ForwardFrames.entry(p, 1_700_000_000L, 0, Map.of("log", "first"));
        ForwardFrames.entry(p, 1_700_000_000L, 0, Map.of("log", "second"));
        ForwardFrames.map(p, Map.of("chunk", chunk));
        return p.toByteArray();
    }
}
