package io.loglane.app;

import io.loglane.core.config.LaneSpec;
import io.loglane.core.config.LoglaneConfig;
import io.loglane.delivery.Sink;
import io.loglane.delivery.StoreType;
import io.loglane.stores.archive.ArchiveStorage;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The registry of store types the node can deliver to, by the name lanes list in {@code to:}.
 * Adding a store type is writing its {@link StoreType}, registering it in {@link #builtIn} and
 * adding its name to {@link io.loglane.core.config.ConfigSchema#DESTINATIONS} (a test checks both
 * name the same stores).
 *
 * <p>Thread-safety: immutable.
 */
final class StoreTypes {
    private final Map<String, StoreType> byName = new LinkedHashMap<>();

    StoreTypes(List<StoreType> types) {
        for (StoreType t : types) {
            if (byName.putIfAbsent(t.name(), t) != null) {
                throw new IllegalArgumentException("store type " + t.name() + " registered twice");
            }
        }
    }

    /** Every store type of this build, over the node's shared resources. */
    static StoreTypes builtIn(ArchiveStorage archive) {
        return new StoreTypes(List.of(new ArchiveStoreType(archive)));
    }

    /** The registered store names. */
    List<String> names() { return List.copyOf(byName.keySet()); }

    /** A new, not opened sink writing {@code lane} to the store named {@code store}. */
    Sink sink(String store, LaneSpec lane, LoglaneConfig config, MeterRegistry registry, Clock clock) {
        StoreType t = byName.get(store);
        if (t == null) {
            // the loader accepts only declared destinations; this is a registry that lags the schema
            throw new IllegalStateException("lane " + lane.name() + ": no store type " + store + " is registered");
        }
        return t.sink(lane, config, registry, clock);
    }
}
