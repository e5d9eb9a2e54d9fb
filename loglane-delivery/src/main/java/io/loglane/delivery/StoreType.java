package io.loglane.delivery;

import io.loglane.core.config.LaneSpec;
import io.loglane.core.config.LoglaneConfig;
import io.loglane.core.config.StoreKeys;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;

/**
 * One kind of store a lane may name in {@code to:} (today {@code archive}; later an index or an
 * object store): declares its configuration section ({@link #keys()}) and builds the {@link Sink}
 * that writes one lane to it. The node builds a consumer
 * per (lane, store) pair from the registered types; the loader has already refused a {@code to:}
 * naming no declared destination, so {@link #sink} does not validate again. Resources a kind shares
 * across lanes (the archive's storage, which the SQL engine reads too) are given to the type when
 * the node creates it.
 *
 * <p>Thread-safety: {@link #sink} is called from the node's start-up thread.
 */
public interface StoreType {
    /** The name lanes list in {@code to:}: {@code keys().name()}. */
    default String name() { return keys().name(); }

    /** The keys of this store's section, which the loader validates; their values reach {@link #sink} as {@link LoglaneConfig#store}. */
    StoreKeys keys();

    /** A new, not yet opened sink writing {@code lane} to this store. */
    Sink sink(LaneSpec lane, LoglaneConfig config, MeterRegistry registry, Clock clock);
}
