package io.loglane.inputs.http;

import io.javalin.http.Handler;
import io.loglane.core.config.InputSpec;
import io.loglane.core.lifecycle.InputContext;

/**
 * The declared {@code type: http} input: {@code POST /api/v1/ingest/{tag}} served by the one HTTP
 * server of the node, which routes the path to {@link #handler}. It has no listener of its own;
 * its meters are registered when it is built, so they show at 0 before the first request.
 *
 * <p>Lifecycle ({@link HttpPortInput}): while paused or draining, a request is answered 503 with
 * {@code Retry-After} and reason {@code paused} before its body is read (HTTP's way to push back;
 * the connection is the server's to keep).
 *
 * <p>Thread-safety: {@link #start()}, {@link #drain} and {@link #close()} from the owner thread;
 * everything else from any thread (the handler runs on the server's request threads).
 */
public final class HttpInput extends HttpPortInput {
    private final String address;
    private final InputContext context;
    private final HttpIngestMetrics metrics;

    /** @param address the HTTP server's {@code bind:port}, for {@link #describe()} */
    HttpInput(InputSpec spec, String address, InputContext context) {
        super(spec, context);
        String name = spec.name();
        this.address = address;
        this.context = context;
        this.metrics = new HttpIngestMetrics(context.registry(), name, HttpRefusal.values());
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
    public String describe() { return "POST /api/v1/ingest/{tag} on the HTTP port (" + address + ")"; }
}
