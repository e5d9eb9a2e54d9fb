package io.loglane.inputs.forward;

import io.loglane.core.telemetry.RateLimitedLog;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Closes a Forward connection whose peer stalls, so that silent or half-sent connections cannot
 * pile up:
 * <ul>
 *   <li>{@code frame_timeout}: a frame whose first byte arrived is not complete this long after
 *       (a stalled sender, or slowloris: one byte now and then);</li>
 *   <li>{@code idle_timeout} (zero: never): nothing arrived for this long while no frame was begun
 *       and no request waited for its ack;</li>
 *   <li>{@code handshake_timeout}: the TLS handshake, or the {@code shared_key} handshake (a valid
 *       PING), is not done this long after the connection opened (a client that connects and
 *       never authenticates).</li>
 * </ul>
 * Time in which the input itself held the peer back counts for neither: while reading is paused
 * (back-pressure, in-flight limits, shutdown) the peer cannot progress, and while an ack is owed a
 * peer that waits for it is right to be silent. Each close is counted under
 * {@code loglane.input.connections.closed{input, reason}} and logged, rate-limited per reason;
 * the unfinished frame is dropped without being reported as {@code truncated}.
 *
 * <p>Sits first in the pipeline so that it sees every read before {@link ForwardDecoder}. It checks
 * its deadlines on a timer of the channel's event loop, a quarter of the shorter timeout apart
 * (between 10 ms and 1 s), so a connection is closed at most that late.
 *
 * <p>Thread-safety: confined to the channel's event loop.
 */
final class ConnectionTimeouts extends ChannelInboundHandlerAdapter {
    private static final long MIN_TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final long MAX_TICK_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final String inputName;
    private final long idleNanos;
    private final long frameNanos;
    private final ForwardDecoder decoder;
    private final BooleanSupplier acksOwed;
    private final long handshakeNanos;
    private final BooleanSupplier handshaking;
    private final ForwardMetrics metrics;
    private final RateLimitedLog log;
    private long lastReadNanos;
    private long frameStartNanos = -1;
    private long handshakeStartNanos;
    private ScheduledFuture<?> timer;

    /**
     * @param idle     {@code idle_timeout}; zero disables it
     * @param frame    {@code frame_timeout}, positive
     * @param decoder  the connection's decoder: whether a frame is begun, and when one completes
     * @param acksOwed true while the connection has requests waiting for their ack
     * @param handshake   {@code handshake_timeout}, positive
     * @param handshaking true until the connection's TLS and shared_key handshakes are done (always
     *                    false for a plain input without shared_key)
     */
    ConnectionTimeouts(String inputName, Duration idle, Duration frame, ForwardDecoder decoder, BooleanSupplier acksOwed,
                       Duration handshake, BooleanSupplier handshaking, ForwardMetrics metrics, RateLimitedLog log) {
        this.inputName = inputName;
        this.idleNanos = idle.toNanos();
        this.frameNanos = frame.toNanos();
        this.decoder = decoder;
        this.acksOwed = acksOwed;
        this.handshakeNanos = handshake.toNanos();
        this.handshaking = handshaking;
        this.metrics = metrics;
        this.log = log;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        lastReadNanos = System.nanoTime();
        handshakeStartNanos = lastReadNanos;
        long shorter = idleNanos > 0 ? Math.min(idleNanos, frameNanos) : frameNanos;
        if (handshaking.getAsBoolean()) {
            shorter = Math.min(shorter, handshakeNanos);
        }
        long tick = Math.clamp(shorter / 4, MIN_TICK_NANOS, MAX_TICK_NANOS);
        timer = ctx.executor().scheduleAtFixedRate(() -> check(ctx), tick, tick, TimeUnit.NANOSECONDS);
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        stopTimer();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        stopTimer();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        long now = System.nanoTime();
        lastReadNanos = now;
        long framesBefore = decoder.framesDecoded();
        ctx.fireChannelRead(msg); // the decoder consumes what it can before this returns
        if (decoder.bufferedBytes() == 0) {
            frameStartNanos = -1;
        } else if (frameStartNanos < 0 || decoder.framesDecoded() != framesBefore) {
            frameStartNanos = now; // the bytes left over began a new frame within this read
        }
    }

    private void check(ChannelHandlerContext ctx) {
        if (!ctx.channel().isActive()) {
            return;
        }
        long now = System.nanoTime();
        if (!ctx.channel().config().isAutoRead()) {
            // The input stopped reading: whatever the peer sent waits in the socket, so it is not late.
            lastReadNanos = now;
            handshakeStartNanos = now;
            if (frameStartNanos >= 0) {
                frameStartNanos = now;
            }
            return;
        }
        if (handshaking.getAsBoolean() && now - handshakeStartNanos >= handshakeNanos) {
            close(ctx, ForwardMetrics.HANDSHAKE_TIMEOUT, "handshake not done " + Duration.ofNanos(now - handshakeStartNanos).toMillis()
                    + " ms after connecting (handshake_timeout " + Duration.ofNanos(handshakeNanos) + ")");
            return;
        }
        if (frameStartNanos >= 0) {
            if (now - frameStartNanos >= frameNanos) {
                close(ctx, ForwardMetrics.FRAME_TIMEOUT, "frame not complete " + Duration.ofNanos(now - frameStartNanos).toMillis()
                        + " ms after its first byte (" + decoder.bufferedBytes() + " bytes buffered; frame_timeout "
                        + Duration.ofNanos(frameNanos) + ")");
            }
        } else if (acksOwed.getAsBoolean()) {
            lastReadNanos = now; // the peer waits for us
        } else if (idleNanos > 0 && now - lastReadNanos >= idleNanos) {
            close(ctx, ForwardMetrics.IDLE_TIMEOUT, "nothing received for " + Duration.ofNanos(now - lastReadNanos).toSeconds()
                    + " s (idle_timeout " + Duration.ofNanos(idleNanos) + ")");
        }
    }

    private void close(ChannelHandlerContext ctx, String reason, String why) {
        stopTimer();
        decoder.abandon();
        metrics.connectionClosedBy(reason);
        log.warn("timeout_" + reason, "forward input '" + inputName + "': closing connection from "
                + ctx.channel().remoteAddress() + ": " + why);
        ctx.close();
    }

    private void stopTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
