package io.loglane.inputs.http;

import io.javalin.http.Handler;
import io.loglane.core.lifecycle.Input;
import io.loglane.core.lifecycle.InputContext;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The declared {@code type: http} input: {@code POST /api/v1/ingest/{tag}} served by the one HTTP
 * server of the node, which routes the path to {@link #handler}. It has no listener of its own;
 * its meters are registered when it is built, so they show at 0 before the first request.
 *
 * <p>Lifecycle ({@link Input}): while paused or draining, a request is answered 503 with
 * {@code Retry-After} and reason {@code paused} before its body is read (HTTP's way to push back;
 * the connection is the server's to keep). {@link #drain} waits until every request already handed
 * to the router is answered. {@link #close()} has nothing to release: the server stops with the API.
 *
 * <p>Thread-safety: {@link #start()}, {@link #drain} and {@link #close()} from the owner thread;
 * everything else from any thread (the handler runs on the server's request threads).
 */
public final class HttpInput implements Input {
    private static final Logger LOG = LoggerFactory.getLogger(HttpInput.class);

    private final String name;
    private final String address;
    private final InputContext context;
    private final HttpIngestMetrics metrics;
    private volatile boolean paused;
    /** Guards {@link #draining} and {@link #inFlight}, so no request is taken once a drain counts them. */
    private final Object lock = new Object();
    private volatile boolean draining;
    private int inFlight;

    /** @param address the HTTP server's {@code bind:port}, for {@link #describe()} */
    HttpInput(String name, String address, InputContext context) {
        this.name = name;
        this.address = address;
        this.context = context;
        this.metrics = new HttpIngestMetrics(context.registry(), name);
    }

    /**
     * The ingest route's handler, for the HTTP server to register once.
     *
     * @param maxBody the server's body limit ({@code server.http_max_body})
     */
    public Handler handler(long maxBody) {
        return new IngestHandler(this, context.ingest(), maxBody, metrics, context.clock());
    }

    @Override
    public void start() {}

    @Override
    public void pause() { paused = true; }

    @Override
    public void resume() { paused = false; }

    @Override
    public boolean paused() { return paused || draining; }

    /** True when draining: the node is shutting down, not pausing for a while. */
    boolean draining() { return draining; }

    /**
     * Takes a request for the router, unless paused or draining; a taken request must be
     * {@link #answered()} exactly once.
     */
    boolean tryTake() {
        synchronized (lock) {
            if (paused()) {
                return false;
            }
            inFlight++;
            return true;
        }
    }

    /** The router answered a request {@link #tryTake() taken}; its response is being written. */
    void answered() {
        synchronized (lock) {
            if (--inFlight == 0) {
                lock.notifyAll();
            }
        }
    }

    @Override
    public boolean drain(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            draining = true;
            while (inFlight > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    LOG.warn("http input '{}': {} requests still unanswered after draining for {}", name, inFlight, timeout);
                    return false;
                }
                lock.wait(Math.max(1, left / 1_000_000));
            }
            return true;
        }
    }

    @Override
    public void close() {
        draining = true;
    }

    @Override
    public String name() { return name; }

    @Override
    public String describe() { return "POST /api/v1/ingest/{tag} on the HTTP port (" + address + ")"; }
}
