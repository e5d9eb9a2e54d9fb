package io.loglane.inputs.forward;

import io.loglane.core.ingest.ChunkIds;
import io.loglane.core.ingest.Ingest;
import io.loglane.core.ingest.IngestRejectedException;
import io.loglane.core.ingest.IngestRequest;
import io.loglane.core.ingest.IngestResult;
import io.loglane.core.ingest.Source;
import io.loglane.core.ingest.SourceTally;
import io.loglane.core.lifecycle.Pausable;
import io.loglane.core.telemetry.RateLimitedLog;
import io.loglane.inputs.admission.BackPressure;
import io.loglane.inputs.admission.Settled;
import io.loglane.inputs.admission.SourceBackPressure;
import io.loglane.inputs.admission.SourceThread;
import io.loglane.inputs.http.Submissions;
import io.loglane.inputs.multiline.MultilineCarry;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * One Forward connection's link to {@link Ingest}: submits each decoded frame as one
 * {@link IngestRequest} and answers {@code {"ack": chunk}} once the request is durable.
 *
 * <h2>Automatic responses and flow control</h2>
 * <table>
 *   <caption>What the handler does per outcome</caption>
 *   <tr><th>Outcome</th><th>Reply</th><th>Connection</th></tr>
 *   <tr><td>Ingest future completes normally</td><td>ack if the frame had {@code chunk}</td><td>kept</td></tr>
 *   <tr><td>frame whose entries were all rejected</td><td>ack if {@code chunk} (a resend would not help)</td><td>kept</td></tr>
 *   <tr><td>{@code BACKPRESSURE}, {@code DISK_FULL}</td><td>none yet: reading pauses and the same request is
 *       retried after a backoff, until accepted ({@link BackPressure}; a lane whose disk filled up
 *       takes appends again by itself once space is freed)</td><td>kept, paused</td></tr>
 *   <tr><td>{@code RATE_LIMITED}, {@code INVALID}, frame with {@code chunk}</td><td>none</td><td>closed (*)</td></tr>
 *   <tr><td>{@code RATE_LIMITED}, {@code INVALID}, frame without {@code chunk}</td><td>none (none is expected)</td><td>kept</td></tr>
 *   <tr><td>{@code STORAGE_ERROR}, any other failure</td><td>none</td><td>closed (*)</td></tr>
 *   <tr><td>{@link ForwardProtocolException}</td><td>none</td><td>closed</td></tr>
 *   <tr><td>peer stalls mid-frame or stays idle</td><td>none</td><td>closed by {@link ConnectionTimeouts}</td></tr>
 * </table>
 * (*) Reading stops at once; the connection closes when every request before this one is
 * answered, so that their acks are still sent (a request after it that is done by then is acked too).
 *
 * <p>The protocol has no negative ack, and a sender that asked for one waits for its ack before it
 * sends on: Fluent Bit's {@code out_forward} blocks on the read (it sets no read timeout unless
 * {@code net.io_timeout} is configured), fluentd's for {@code ack_response_timeout} (190 s).
 * Closing the connection is the answer both act on at once: the read fails, and the chunk goes
 * back to the sender's retry schedule (Fluent Bit: "cannot get ack", retried with its backoff;
 * fluentd: the chunk is rolled back and retried). A sender that asked for no ack is not reading;
 * closing would only cost it its next write, so its connection is kept. Closes are counted under
 * {@code loglane.input.connections.closed{input, reason}}.
 * Acks leave in request order even when futures complete out of order. At most {@code maxInFlight}
 * requests are unacknowledged per connection, and the input's connections together hold at most
 * about {@code max_in_flight_bytes} of records ({@link InFlightBudget}); at either limit reading
 * pauses (TCP back-pressure), so nothing queues without bound.
 *
 * <h2>Completeness ledger</h2>
 * The connection's source is the peer's host ({@link Source#ofAddress}); per frame, the tally of
 * (source, tag) in {@link Ingest#sources()} counts the frame's entries as received and its invalid
 * entries as rejected, and once the request is settled, its accepted and de-duplicated events, or
 * all its events as rejected under the reason it was finally refused (a request waiting out
 * back-pressure counts once, when it is accepted or the connection closes).
 *
 * <p>Thread-safety: confined to the channel's event loop; future callbacks hop onto it.
 */
final class ForwardConnectionHandler extends ChannelInboundHandlerAdapter implements Pausable {
    /** User event: the input paused, resumed or began draining; decide again whether to read. */
    static final Object READING_CHANGED = new Object() {
        @Override
        public String toString() { return "READING_CHANGED"; }
    };
    private final String inputName;
    private final Ingest ingest;
    private final ForwardMetrics metrics;
    private final RateLimitedLog log;
    private final Clock clock;
    private final int maxInFlight;
    private final AtomicInteger inputInFlight;
    private final InFlightBudget budget;
    private final BooleanSupplier takesEvents;
    private final BackPressure backPressure;
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    /**
     * Frames decoded after the input paused (or began to drain): turning reading off takes effect
     * on the event loop, so one read already under way can still deliver a frame. Such a frame is
     * neither taken nor acked until the input takes events again (then in arrival order); if the
     * connection closes first, the peer resends it. At most one read's worth, since reading is off.
     */
    private final ArrayDeque<ForwardMessage> held = new ArrayDeque<>();
    private boolean takingHeld;
    private final MessageBufferPacker ackPacker = MessagePack.newDefaultBufferPacker();
    private Source source;
    private ChannelHandlerContext ctx;
    /** This connection's waits; reading pauses while one of its requests waits out a full stream or disk. */
    private SourceBackPressure waits;
    /** The ledger entry of {@link #source} and the last frame's tag, kept because a connection mostly sends one tag. */
    private SourceTally tally;
    private String tallyTag;
    private boolean closed;
    private boolean closing;
    private boolean waitingForBudget;
    private final MultilineCarry carry;

    /** A stream whose multiline events are joined across chunks: this connection and a tag. */
    private record CarriedStream(ForwardConnectionHandler connection, String tag) {}

    /** One submitted request, in arrival order. */
    private static final class Pending {
        final String chunk;
        final long bytes;
        final SourceTally tally;
        boolean done;
        boolean ack;
        /** Set when the connection must close once this request is answered: the label it is counted under. */
        String closeReason;

        Pending(String chunk, long bytes, SourceTally tally) {
            this.chunk = chunk;
            this.bytes = bytes;
            this.tally = tally;
        }
    }

    /**
     * @param inputInFlight counter shared by the input's connections, for the drain on close
     * @param budget        record bytes held by the input's connections, shared by them
     * @param takesEvents   false while the input is paused or draining: reading then stays off
     * @param backPressure  the input's wait for a full stream or disk
     * @param carry         the input's multiline carry ({@code multiline:}), or null: chunks go to the router as they are
     */
    ForwardConnectionHandler(String inputName, Ingest ingest, ForwardMetrics metrics, RateLimitedLog log, Clock clock,
                             int maxInFlight, AtomicInteger inputInFlight, InFlightBudget budget, BooleanSupplier takesEvents,
                             BackPressure backPressure, MultilineCarry carry) {
        this.carry = carry;
        this.inputName = inputName;
        this.ingest = ingest;
        this.metrics = metrics;
        this.log = log;
        this.clock = clock;
        this.maxInFlight = maxInFlight;
        this.inputInFlight = inputInFlight;
        this.budget = budget;
        this.takesEvents = takesEvents;
        this.backPressure = backPressure;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        source = Source.ofAddress(inputName, ctx.channel().remoteAddress());
        this.ctx = ctx;
        waits = backPressure.source(source.peer(), this, () -> !closed, SourceThread.of(ctx.executor()));
        metrics.connectionOpened();
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        closed = true;
        held.clear(); // never taken nor acked: the peer resends them
        if (carry != null) { // open multiline events are stored as they are: no later chunk of this connection can close them
            carry.flush(s -> s instanceof CarriedStream c && c.connection == this);
        }
        metrics.connectionClosed();
        super.channelInactive(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt == READING_CHANGED) {
            updateReading(ctx);
        } else {
            super.userEventTriggered(ctx, evt);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ForwardMessage m)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (!held.isEmpty() || !takesEvents.getAsBoolean()) {
            held.add(m);
            return;
        }
        take(ctx, m);
    }

    private void take(ChannelHandlerContext ctx, ForwardMessage m) {
        metrics.frame(m);
        if (m.rejectedEntries() > 0) {
            log.warn("bad_entry", "forward input '" + inputName + "': " + m.rejectedEntries()
                    + " invalid entries (bad time, record not a map) rejected from " + source.peer() + " tag " + m.tag());
        }
        if (tally == null || !tallyTag.equals(m.tag())) {
            tally = ingest.sources().tally(source, m.tag());
            tallyTag = m.tag();
        }
        long now = nowNanos();
        tally.received(m.records().count() + m.rejectedEntries(), now);
        tally.rejected(IngestRejectedException.Reason.INVALID.label(), m.rejectedEntries());
        Pending p = new Pending(m.options().chunk(), m.records().length(), tally);
        pending.add(p);
        inputInFlight.incrementAndGet();
        budget.acquire(p.bytes);
        if (m.records().isEmpty()) {
            finish(p, true);
            flushAcks(ctx);
            return;
        }
        IngestRequest request = new IngestRequest(source, m.tag(), m.records(), ChunkIds.forward(p.chunk), now, null);
        updateReading(ctx);
        submit(ctx, p, request);
    }

    private void submit(ChannelHandlerContext ctx, Pending p, IngestRequest request) {
        if (carry != null) {
            carry.submit(new CarriedStream(this, request.tag()), request, r -> send(ctx, r)).whenComplete((r, e) -> {
                try {
                    ctx.executor().execute(() -> completed(ctx, p, request, r, e == null ? null : Submissions.cause(e)));
                } catch (RejectedExecutionException gone) {
                    inputInFlight.decrementAndGet(); // the event loop is gone; no ack can be sent anyway
                    budget.release(p.bytes);
                }
            });
            return;
        }
        waits.submit(request, new Settled() {
            @Override
            public void settled(IngestResult result, Throwable error) {
                completed(ctx, p, request, result, error);
            }

            @Override
            public void abandoned() {
                inputInFlight.decrementAndGet(); // the event loop is gone; no ack can be sent anyway
                budget.release(p.bytes);
            }
        });
    }

    /**
     * A send of the multiline carry (this connection's records, possibly with lines held from its
     * earlier chunks) through this connection's back-pressure waits, on its event loop.
     */
    private CompletableFuture<IngestResult> send(ChannelHandlerContext ctx, IngestRequest r) {
        CompletableFuture<IngestResult> f = new CompletableFuture<>();
        Runnable go = () -> waits.submit(r, new Settled() {
            @Override
            public void settled(IngestResult result, Throwable error) {
                if (error == null) {
                    f.complete(result);
                } else {
                    f.completeExceptionally(error);
                }
            }

            @Override
            public void abandoned() {
                f.completeExceptionally(new IngestRejectedException(IngestRejectedException.Reason.STORAGE_ERROR, "the connection's event loop is gone"));
            }
        });
        try {
            if (ctx.executor().inEventLoop()) {
                go.run();
            } else {
                ctx.executor().execute(go);
            }
        } catch (RejectedExecutionException gone) {
            f.completeExceptionally(new IngestRejectedException(IngestRejectedException.Reason.STORAGE_ERROR, "the connection's event loop is gone"));
        }
        return f;
    }

    /** {@link BackPressure} pauses this connection while one of its requests waits: reading stops. */
    @Override
    public void pause() { updateReading(ctx); }

    @Override
    public void resume() { updateReading(ctx); }

    /** The request's final outcome (after any back-pressure wait), on the event loop. */
    private void completed(ChannelHandlerContext ctx, Pending p, IngestRequest request, IngestResult result, Throwable cause) {
        if (cause == null) {
            p.tally.settled(result);
            finish(p, true);
        } else {
            IngestRejectedException.Reason reason = cause instanceof IngestRejectedException r ? r.reason()
                    : IngestRejectedException.Reason.STORAGE_ERROR;
            p.tally.failed(reason.label(), request.records().count(), cause); // the final outcome: not acked
            finish(p, false);
            if (reason != IngestRejectedException.Reason.BACKPRESSURE) {
                metrics.requestFailed(reason.label());
                log.warn("ingest_" + reason.label(), "forward input '" + inputName + "': request of "
                        + request.records().count() + " events from " + source.peer() + " not accepted ("
                        + reason.label() + "): " + cause.getMessage() + (p.chunk == null ? "; the peer asked for no ack"
                        : "; no ack sent, the connection closes so that the peer resends the chunk"));
            }
            if (reason == IngestRejectedException.Reason.STORAGE_ERROR || p.chunk != null) {
                p.closeReason = reason.label();
                closing = true; // read no further frames; close once the requests before this one are answered
            }
        }
        flushAcks(ctx);
        updateReading(ctx);
    }

    /** True while some request of this connection waits for its ack (or for its failure). */
    boolean acksOwed() { return !pending.isEmpty(); }

    /** Marks {@code p} resolved and gives its bytes back: the request no longer holds its records. */
    private void finish(Pending p, boolean ack) {
        p.done = true;
        p.ack = ack;
        budget.release(p.bytes);
    }

    /**
     * Sends the acks of finished requests at the head of the queue, in order; closes the
     * connection once a request that must close it is reached.
     */
    private void flushAcks(ChannelHandlerContext ctx) {
        boolean wrote = false;
        String closeReason = null;
        while (!pending.isEmpty() && pending.peek().done) {
            Pending p = pending.poll();
            inputInFlight.decrementAndGet();
            if (p.ack && p.chunk != null && !closed) {
                ctx.write(Unpooled.wrappedBuffer(ack(p.chunk)));
                wrote = true;
            }
            if (closeReason == null) {
                closeReason = p.closeReason;
            }
        }
        if (wrote) {
            ctx.flush();
        }
        if (closeReason != null && ctx.channel().isActive()) {
            metrics.connectionClosedBy(closeReason);
            ctx.close();
        }
    }

    private byte[] ack(String chunk) {
        try {
            ackPacker.clear();
            ackPacker.packMapHeader(1).packString("ack").packString(chunk);
            return ackPacker.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // in-memory packer: cannot happen
        }
    }

    private void updateReading(ChannelHandlerContext ctx) {
        if (!held.isEmpty() && !takingHeld && !closed && takesEvents.getAsBoolean()) {
            takingHeld = true; // take() calls back here
            try {
                while (!held.isEmpty() && !closed && takesEvents.getAsBoolean()) {
                    take(ctx, held.poll());
                }
            } finally {
                takingHeld = false;
            }
        }
        boolean room = !budget.exhausted();
        boolean read = !closed && !closing && takesEvents.getAsBoolean() && waits.waiting() == 0 && pending.size() < maxInFlight && room;
        if (ctx.channel().config().isAutoRead() != read) {
            ctx.channel().config().setAutoRead(read);
        }
        if (!room && !closed && !waitingForBudget) {
            waitingForBudget = true;
            metrics.budgetPause();
            budget.onRoom(() -> {
                try {
                    ctx.executor().execute(() -> {
                        waitingForBudget = false;
                        updateReading(ctx);
                    });
                } catch (RejectedExecutionException shutDown) {
                    // the event loop is gone with its connection: nothing left to resume
                }
            });
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable c = cause;
        while (c instanceof DecoderException && !(c instanceof ForwardProtocolException) && c.getCause() != null) {
            c = c.getCause();
        }
        if (!(c instanceof ForwardProtocolException)) {
            c = tlsProblem(c, ctx); // TLS failures are protocol errors of their own, not I/O noise
        }
        if (c instanceof ForwardProtocolException e) {
            metrics.protocolError(e.reason());
            log.warn("protocol_" + e.reason().label(), "forward input '" + inputName + "': closing connection from "
                    + (source == null ? ctx.channel().remoteAddress() : source.peer()) + ": " + e.reason().label()
                    + ": " + e.getMessage());
        } else if (!(c instanceof IOException)) {
            log.warn("unexpected", "forward input '" + inputName + "': closing connection after " + c);
        }
        ctx.close();
    }

    /**
     * The protocol error a TLS failure stands for: plain bytes on a TLS port ({@code not_tls}), or
     * a failed TLS handshake ({@code tls_handshake}: no or an untrusted client certificate, no
     * common protocol); {@code c} itself otherwise.
     */
    private static Throwable tlsProblem(Throwable c, ChannelHandlerContext ctx) {
        for (Throwable t = c; t != null; t = t.getCause()) {
            if (t instanceof NotSslRecordException) {
                return new ForwardProtocolException(ForwardProtocolException.Reason.NOT_TLS,
                        "bytes that are not TLS on a TLS port: the client has TLS off (turn it on, e.g. Fluent Bit's tls on)");
            }
            if (t instanceof SSLException e && ctx.pipeline().get(SslHandler.class) != null) {
                return new ForwardProtocolException(ForwardProtocolException.Reason.TLS_HANDSHAKE,
                        "TLS failed: " + e.getMessage());
            }
        }
        return c;
    }

    private long nowNanos() {
        Instant now = clock.instant();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
