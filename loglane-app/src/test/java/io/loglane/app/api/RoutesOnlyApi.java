package io.loglane.app.api;

import io.loglane.app.LaneStatus;
import io.loglane.app.LaneStatusSource;
import io.loglane.app.health.NodeHealth;
import io.loglane.core.config.ServerSettings;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * The real {@link HttpApi} routes on an ephemeral port of 127.0.0.1 with no pipeline behind them
 * (no ingest, SQL or delivery): for tests of the probes and the web UI. No lanes; the health is
 * whatever {@code health} supplies at each request.
 */
final class RoutesOnlyApi {
    private RoutesOnlyApi() {}

    /** Starts the routes; the caller closes the answer. */
    static HttpApi start(Supplier<NodeHealth> health) {
        LaneStatusSource source = new LaneStatusSource() {
            @Override public List<LaneStatus> laneStatuses() { return List.of(); }
            @Override public NodeHealth health() { return health.get(); }
        };
        ServerSettings settings = new ServerSettings("127.0.0.1", 0, Path.of("unused"), 1024, Duration.ofSeconds(1), 10);
        HttpApi api = new HttpApi(settings, 0, null, null, null, null, source, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                Clock.systemUTC());
        api.start();
        return api;
    }
}
