package io.loglane.app;

import io.loglane.app.health.HealthProblem;
import java.util.List;

/**
 * One lane's status as served by {@code GET /api/v1/lanes}.
 *
 * @param name           lane
 * @param durability     memory|disk|sync
 * @param retention      e.g. {@code 365d / unbounded}
 * @param rateLimit      events/s limit, 0 = none
 * @param eventsPerSecond accepted events per second over the last few seconds
 * @param acceptedTotal  events accepted since start
 * @param streamStart    oldest offset held
 * @param streamEnd      next offset
 * @param storedBytes    bytes held by the stream
 * @param stores         per destination: committed offset, lag, retries, last error
 * @param health         {@code ok}, {@code lagging} or {@code failing}, by {@link io.loglane.app.health.HealthRules}
 * @param problems       why it is failing: its stream refusing writes, stores failing (empty when not failing)
 */
public record LaneStatus(String name, String durability, String retention, double rateLimit, double eventsPerSecond,
                         long acceptedTotal, long streamStart, long streamEnd, long storedBytes, List<StoreStatus> stores,
                         String health, List<HealthProblem> problems) {
    /** Delivery state of one (lane, store) consumer. */
    public record StoreStatus(String store, long committed, long lag, double retries, String lastError) {}
}
