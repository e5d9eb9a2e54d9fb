package io.loglane.inputs.otlp;

import io.javalin.http.Handler;
import io.loglane.core.config.InputSpec;
import io.loglane.core.lifecycle.InputContext;
import io.loglane.inputs.http.HttpIngestMetrics;
import io.loglane.inputs.http.HttpPortInput;

/**
 * The declared {@code type: otlp} input: OTLP/HTTP logs ({@code POST /v1/logs}) served by the one
 * HTTP server of the node, which routes the path to {@link #handler} ({@link OtlpHandler} has the protocol).
 *
 * <p>Lifecycle ({@link HttpPortInput}): while paused or draining, requests are answered 503 with
 * {@code Retry-After}, which OTLP exporters retry.
 *
 * <p>Thread-safety: {@link #start()}, {@link #drain} and {@link #close()} from the owner thread;
 * everything else from any thread.
 */
public final class OtlpInput extends HttpPortInput {
    private final String address;
    private final InputContext context;
    private final HttpIngestMetrics metrics;

    OtlpInput(InputSpec spec, String address, InputContext context) {
        super(spec, context);
        String name = spec.name();
        this.address = address;
        this.context = context;
        this.metrics = new HttpIngestMetrics(context.registry(), name, OtlpRefusal.values());
    }

    /**
     * The handler of {@code POST /v1/logs}, for the HTTP server to register once.
     *
     * @param maxBody the server's body limit ({@code server.http_max_body})
     */
    public Handler handler(long maxBody) {
        return new OtlpHandler(this, context.ingest(), maxBody, metrics, context.clock());
    }

    @Override
    public String describe() { return "OTLP/HTTP logs (POST /v1/logs) on the HTTP port (" + address + ")"; }
}
