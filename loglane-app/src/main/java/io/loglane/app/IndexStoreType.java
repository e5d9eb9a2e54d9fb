package io.loglane.app;

import io.loglane.core.config.LaneSpec;
import io.loglane.core.config.LoglaneConfig;
import io.loglane.core.config.StoreKeys;
import io.loglane.delivery.StoreType;
import io.loglane.stores.index.IndexKeys;
import io.loglane.stores.index.IndexSettings;
import io.loglane.stores.index.IndexSink;
import io.loglane.stores.index.OpenIndexSinks;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;

/**
 * {@code to: [index]}: each lane's {@link IndexSink} (Lucene, one index per day of event time) with
 * the lane's parser fields and retention (shortened by its {@code index_retention}) and the {@code index.*} settings ({@link IndexKeys}); each
 * sink is registered in the node's {@link OpenIndexSinks}, which searches read near-real-time.
 *
 * <p>Thread-safety: immutable; the registry is thread-safe.
 */
final class IndexStoreType implements StoreType {
    private final OpenIndexSinks sinks;

    /** @param sinks where each sink built is registered, for near-real-time search */
    IndexStoreType(OpenIndexSinks sinks) {
        this.sinks = sinks;
    }

    @Override
    public StoreKeys keys() { return IndexKeys.INSTANCE; }

    /** The {@code index:} section of {@code config}. */
    static IndexSettings settings(LoglaneConfig config) {
        return IndexSettings.from(config.store(IndexKeys.NAME), config.server());
    }

    @Override
    public IndexSink sink(LaneSpec lane, LoglaneConfig config, MeterRegistry registry, Clock clock) {
        IndexSink sink = new IndexSink(lane.name(), LoglaneNode.parser(config, lane), settings(config), IndexKeys.retention(lane), registry, clock);
        sinks.add(sink);
        return sink;
    }
}
