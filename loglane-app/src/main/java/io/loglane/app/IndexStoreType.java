package io.loglane.app;

import io.loglane.core.config.LaneSpec;
import io.loglane.core.config.LoglaneConfig;
import io.loglane.core.config.StoreKeys;
import io.loglane.delivery.StoreType;
import io.loglane.stores.index.IndexKeys;
import io.loglane.stores.index.IndexSettings;
import io.loglane.stores.index.IndexSink;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;

/**
 * {@code to: [index]}: each lane's {@link IndexSink} (Lucene, one index per day of event time) with
 * the lane's parser fields and retention and the {@code index.*} settings ({@link IndexKeys}).
 *
 * <p>Thread-safety: immutable.
 */
final class IndexStoreType implements StoreType {
    @Override
    public StoreKeys keys() { return IndexKeys.INSTANCE; }

    /** The {@code index:} section of {@code config}. */
    static IndexSettings settings(LoglaneConfig config) {
        return IndexSettings.from(config.store(IndexKeys.NAME), config.server());
    }

    @Override
    public IndexSink sink(LaneSpec lane, LoglaneConfig config, MeterRegistry registry, Clock clock) {
        return new IndexSink(lane.name(), LoglaneNode.parser(lane), settings(config), lane.retention(), registry, clock);
    }
}
