package io.loglane.inputs.http;

import io.loglane.core.lifecycle.Input;
import java.time.Duration;

/**
 * An input served on the node's one HTTP port (the ingest route, the CloudWatch Logs API, OTLP):
 * it has no listener of its own, the app's HTTP server routes its paths to the input's handler.
 * Its lifecycle is its {@link RequestGate}'s: while paused or draining requests are refused (503)
 * before their body is read; {@link #drain} waits until every request handed to the router is
 * answered; {@link #close()} has nothing to release (the server stops with the API).
 *
 * <p>Thread-safety: {@link #start()}, {@link #drain} and {@link #close()} from the owner thread;
 * everything else from any thread.
 */
public abstract class HttpPortInput implements Input {
    private final String name;
    private final RequestGate gate;

    protected HttpPortInput(String name) {
        this.name = name;
        this.gate = new RequestGate(name);
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
    public final boolean drain(Duration timeout) throws InterruptedException { return gate.drain(timeout); }

    @Override
    public final void close() { gate.close(); }

    @Override
    public final String name() { return name; }
}
