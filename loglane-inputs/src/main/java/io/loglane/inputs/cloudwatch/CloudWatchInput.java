package io.loglane.inputs.cloudwatch;

import io.javalin.http.Handler;
import io.loglane.core.config.InputSpec;
import io.loglane.core.lifecycle.InputContext;
import io.loglane.inputs.http.HttpIngestMetrics;
import io.loglane.inputs.http.HttpPortInput;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The declared {@code type: cloudwatch} input: the CloudWatch Logs JSON API ({@code POST /} with
 * {@code X-Amz-Target: Logs_20140328.*}) served by the one HTTP server of the node, which routes
 * the root path's POSTs to {@link #handler} ({@link CloudWatchHandler} has the API).
 *
 * <p>State: the log groups and streams clients created ({@link LogGroups}), in
 * {@code <data>/inputs/<name>/log-groups.json}, read when the input is built.
 *
 * <p>Lifecycle ({@link HttpPortInput}): while paused or draining, requests are answered 503
 * {@code ServiceUnavailableException}.
 *
 * <p>Thread-safety: {@link #start()}, {@link #drain} and {@link #close()} from the owner thread;
 * everything else from any thread.
 */
public final class CloudWatchInput extends HttpPortInput {
    private final String address;
    private final InputContext context;
    private final HttpIngestMetrics metrics;
    private final LogGroups logGroups;

    CloudWatchInput(InputSpec spec, String address, InputContext context) throws IOException {
        super(spec, context);
        String name = spec.name();
        this.address = address;
        this.context = context;
        this.metrics = new HttpIngestMetrics(context.registry(), name, CloudWatchRefusal.values());
        this.logGroups = LogGroups.open(stateDir(context.dataDir(), name));
    }

    /** Where an input of this name keeps its log groups. */
    static Path stateDir(Path dataDir, String name) {
        return dataDir.resolve("inputs").resolve(name);
    }

    /**
     * The handler of {@code POST /}, for the HTTP server to register once.
     *
     * @param maxBody the server's body limit ({@code server.http_max_body})
     */
    public Handler handler(long maxBody) {
        return new CloudWatchHandler(this, context.ingest(), logGroups, maxBody, metrics, context.clock());
    }

    @Override
    public String describe() {
        return "CloudWatch Logs API (POST / with X-Amz-Target: Logs_20140328.*) on the HTTP port (" + address + ")";
    }
}
