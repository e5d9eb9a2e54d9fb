package io.loglane.core.config;

import java.util.List;

/**
 * The configuration side of one store type: the name lanes list in {@code to:}, which is also the
 * name of its top-level section, and the keys of that section (with their bounds and defaults).
 * {@link ConfigSchema} assembles its rows, and {@link ConfigReference} its reference table, from
 * these; the loader hands the section's values to the store as a {@link StoreSpec}.
 *
 * <p>Thread-safety: implementations are immutable.
 */
public interface StoreKeys {
    /** The name lanes list in {@code to:} and the section holding this store's settings. */
    String name();

    /** The section's keys, each path {@code <name>.<key>}, in reference order. */
    List<ConfigKey> keys();

    /**
     * Keys each lane may set for this store, each path {@code lanes.<name>.<key>}; the loader layers
     * them like any lane key and hands them over as {@link LaneSpec#storeOptions()}. None by default.
     */
    default List<ConfigKey> laneKeys() { return List.of(); }
}
