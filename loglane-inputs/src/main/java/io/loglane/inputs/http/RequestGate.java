package io.loglane.inputs.http;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link io.loglane.core.lifecycle.Input} lifecycle of an input served on the HTTP port (it has
 * no listener of its own): whether requests are taken now (not while paused or draining), and how
 * many taken requests are still unanswered, so a drain can wait for them.
 *
 * <p>Invariant: every request {@link #tryTake() taken} is {@link #answered()} exactly once; once
 * {@link #drain} began, none is taken again.
 *
 * <p>Thread-safety: thread-safe.
 */
public final class RequestGate {
    private static final Logger LOG = LoggerFactory.getLogger(RequestGate.class);

    private final String input;
    private volatile boolean paused;
    /** Guards {@link #draining} and {@link #inFlight}, so no request is taken once a drain counts them. */
    private final Object lock = new Object();
    private volatile boolean draining;
    private int inFlight;

    /** @param input the input's name, for the log line of a drain that ran out of time */
    public RequestGate(String input) {
        this.input = input;
    }

    public void pause() { paused = true; }

    public void resume() { paused = false; }

    /** True while paused, and from {@link #drain} (or {@link #close()}) on. */
    public boolean paused() { return paused || draining; }

    /** True when draining: the node is shutting down, not pausing for a while. */
    public boolean draining() { return draining; }

    /** Takes a request for the router, unless paused or draining; a taken request must be {@link #answered()} exactly once. */
    public boolean tryTake() {
        synchronized (lock) {
            if (paused()) {
                return false;
            }
            inFlight++;
            return true;
        }
    }

    /** The router answered a request {@link #tryTake() taken}; its response is being written. */
    public void answered() {
        synchronized (lock) {
            if (--inFlight == 0) {
                lock.notifyAll();
            }
        }
    }

    /** Takes no request from now on and waits until every taken one is answered, at most {@code timeout}. */
    public boolean drain(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            draining = true;
            while (inFlight > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    LOG.warn("input '{}': {} requests still unanswered after draining for {}", input, inFlight, timeout);
                    return false;
                }
                lock.wait(Math.max(1, left / 1_000_000));
            }
            return true;
        }
    }

    /** Takes no request from now on, without waiting. */
    public void close() {
        draining = true;
    }
}
