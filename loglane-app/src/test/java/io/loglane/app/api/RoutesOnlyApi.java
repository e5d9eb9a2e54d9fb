package io.loglane.app.api;

import io.loglane.app.LaneStatus;
import io.loglane.app.LaneStatusSource;
import io.loglane.app.RegisteredTypes;
import io.loglane.app.health.NodeHealth;
import io.loglane.core.config.ConfigException;
import io.loglane.core.config.ConfigSource;
import io.loglane.core.config.ServerSettings;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
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
    static HttpApi start(Supplier<NodeHealth> health) throws ConfigException {
        return start(health, "");
    }

    /** As {@link #start(Supplier)}, with {@code serverKeys} (indented YAML lines) added under {@code server:}. */
    static HttpApi start(Supplier<NodeHealth> health, String serverKeys) throws ConfigException {
        LaneStatusSource source = new LaneStatusSource() {
            @Override public List<LaneStatus> laneStatuses() { return List.of(); }
            @Override public NodeHealth health() { return health.get(); }
        };
        HttpApi api = new HttpApi(settings(serverKeys), 0, null, null, null, null, null, source, null, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                Clock.systemUTC());
        api.start();
        return api;
    }

    /**
     * The server settings of the smallest valid configuration, every setting at its default: loaded
     * rather than constructed, so a new setting does not break this fixture.
     */
    private static ServerSettings settings(String serverKeys) throws ConfigException {
        return RegisteredTypes.LOADER.load(new ConfigSource("routes-only.yaml", "server:\n  bind: 127.0.0.1\n" + serverKeys
                + "lanes:\n  default: {}\n")).server();
    }
}
