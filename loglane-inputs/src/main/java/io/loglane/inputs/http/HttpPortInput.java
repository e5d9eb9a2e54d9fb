package io.loglane.inputs.http;

import io.loglane.core.config.InputSpec;
import io.loglane.core.ingest.Ingest;
import io.loglane.core.ingest.IngestRequest;
import io.loglane.core.ingest.IngestResult;
import io.loglane.core.lifecycle.Input;
import io.loglane.core.lifecycle.InputContext;
import io.loglane.core.parse.MultilineSpec;
import io.loglane.inputs.multiline.MultilineCarry;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * An input served on the node's one HTTP port (the ingest route, the CloudWatch Logs API, OTLP):
 * it has no listener of its own, the app's HTTP server routes its paths to the input's handler.
 * Its lifecycle is its {@link RequestGate}'s: while paused or draining requests are refused (503)
 * before their body is read; {@link #drain} waits until every request handed to the router is
 * answered; {@link #close()} has nothing to release (the server stops with the API) but the
 * multiline carry's timer.
 *
 * <p>Requests go to the router through {@link #submit}: with {@code multiline:} set, through the
 * input's {@link MultilineCarry}, which holds the lines of events still open at a request's end
 * (and that request's answer) until the next request of the stream or {@code flush_timeout};
 * {@link #drain} sends what it holds first.
 *
 * <p>Thread-safety: {@link #start()}, {@link #drain} and {@link #close()} from the owner thread;
 * everything else from any thread.
 */
public abstract class HttpPortInput implements Input {
    private final String name;
    private final RequestGate gate;
    /** Null without {@code multiline:}; then {@link #timer} is null too. */
    private final MultilineCarry carry;
    private final ScheduledExecutorService timer;

    protected HttpPortInput(InputSpec spec, InputContext context) {
        this.name = spec.name();
        this.gate = new RequestGate(name);
        MultilineSpec multiline = MultilineCarry.spec(spec);
        if (multiline == null) {
            this.timer = null;
            this.carry = null;
        } else {
            this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "multiline-" + spec.name());
                t.setDaemon(true);
                return t;
            });
            this.carry = new MultilineCarry(multiline, MultilineCarry.flushTimeout(spec), timer, MultilineCarry.Bounds.standard(),
                    context.registry(), spec.name());
        }
    }

    /**
     * Hands a request of this input to the router; completes once every record of it is stored.
     *
     * @param stream the stream its multiline events are joined in across requests (the tag; for
     *               the CloudWatch API, log group + stream)
     */
    public final CompletableFuture<IngestResult> submit(Ingest ingest, IngestRequest request, Object stream) {
        return carry == null ? Submissions.submit(ingest, request) : carry.submit(stream, request, r -> Submissions.submit(ingest, r));
    }

    /** Whether requests are taken now, and how many are unanswered. */
    public final RequestGate gate() { return gate; }

    @Override
    public final void start() {}

    @Override
    public final void pause() { gate.pause(); }

    @Override
    public final void resume() { gate.resume(); }

    @Override
    public final boolean paused() { return gate.paused(); }

    @Override
    public final boolean drain(Duration timeout) throws InterruptedException {
        if (carry != null) {
            carry.close(); // open events are stored as they are: a held request's answer must not wait out flush_timeout
        }
        return gate.drain(timeout);
    }

    @Override
    public final void close() {
        if (carry != null) {
            carry.close();
            timer.shutdownNow();
        }
        gate.close();
    }

    @Override
    public final String name() { return name; }
}
