package io.loglane.app;

import io.loglane.core.config.LaneSpec;
import io.loglane.core.config.LoglaneConfig;
import io.loglane.core.config.StoreKeys;
import io.loglane.delivery.Sink;
import io.loglane.delivery.StoreType;
import io.loglane.stores.archive.ArchiveKeys;
import io.loglane.stores.archive.ArchiveStorage;
import io.loglane.stores.index.IndexKeys;
import io.loglane.stores.index.OpenIndexSinks;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The registry of store types the node can deliver to, by the name lanes list in {@code to:}.
 * Adding a store type is writing its {@link StoreType} (with its {@link StoreKeys}), registering it
 * in {@link #builtIn} and its keys in {@link #BUILT_IN_KEYS}, from which {@link RegisteredTypes#CATALOG}
 * tells the loader its section and name. The keys are listed apart because the types are built
 * over the node's shared resources (the archive's storage, the index sinks searches read) while the loader runs before any exist;
 * {@link #builtIn} refuses a type whose keys are not listed.
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

    /** The configuration side of every type {@link #builtIn} registers, in the same order. */
    static final List<StoreKeys> BUILT_IN_KEYS = List.of(ArchiveKeys.INSTANCE, IndexKeys.INSTANCE);

    /** Every store type of this build, over the node's shared resources. */
    static StoreTypes builtIn(ArchiveStorage archive, OpenIndexSinks indexSinks) {
        StoreTypes types = new StoreTypes(List.of(new ArchiveStoreType(archive), new IndexStoreType(indexSinks)));
        if (!types.keys().equals(BUILT_IN_KEYS)) {
            throw new IllegalStateException("store types " + types.names() + " are not the ones whose keys the loader knows");
        }
        return types;
    }

    /** The configuration side of every registered type, in registration order. */
    List<StoreKeys> keys() { return byName.values().stream().map(StoreType::keys).toList(); }

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
