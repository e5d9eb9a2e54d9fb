package io.loglane.app;

import io.loglane.app.health.HealthProblem;
import io.loglane.core.telemetry.MetricNames;
import io.loglane.delivery.DeliveryConsumer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;

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
 * @param dropped        events lost after acknowledgement since start, by reason ({@code overflow} of a full
 *                       memory lane; {@code crash}/{@code shutdown}: what the previous run of a memory lane
 *                       held undelivered when it was killed or stopped, counted at this start); empty when none
 * @param stores         per store instance the lane is delivered to: its kind, committed offset, lag, retries, last error
 * @param health         {@code ok}, {@code lagging} or {@code failing}, by {@link io.loglane.app.health.HealthRules}
 * @param problems       why it is failing: its stream refusing writes, stores failing (empty when not failing)
 */
public record LaneStatus(String name, String durability, String retention, double rateLimit, double eventsPerSecond,
                         long acceptedTotal, long streamStart, long streamEnd, long storedBytes, Map<String, Long> dropped, List<StoreStatus> stores,
                         String health, List<HealthProblem> problems) {
    /**
     * Delivery state of one (lane, store instance) consumer.
     *
     * @param store    the store's kind, as {@code to:} names it; the field kept from before instances
     *                 were shown (scripts read it), always equal to {@code kind}
     * @param instance the store instance: what the consumer's checkpoint and metrics are named by; the
     *                 default instance of a kind is named after it ({@code archive})
     * @param kind     the store's kind, e.g. {@code archive}
     * @param dropped  events the lane lost for this store since start ({@code loglane.store.events.dropped}): what a
     *                 memory lane evicted (overflow) or held when the previous run was killed or stopped (crash,
     *                 shutdown) before this store committed it; 0 for disk and sync lanes
     */
    public record StoreStatus(String store, String instance, String kind, long committed, long lag, double retries,
                              String lastError, long dropped) {
        /** The state of {@code c} now, its dropped count read from {@code registry}. */
        static StoreStatus of(DeliveryConsumer c, MeterRegistry registry) {
            double dropped = registry.find(MetricNames.STORE_EVENTS_DROPPED).tag(MetricNames.LANE, c.lane()).tag(MetricNames.STORE, c.instance())
                    .counters().stream().mapToDouble(Counter::count).sum();
            return new StoreStatus(c.store(), c.instance(), c.store(), c.committedOffset(), c.lag(), c.retries(), c.lastError(), (long) dropped);
        }
    }
}
