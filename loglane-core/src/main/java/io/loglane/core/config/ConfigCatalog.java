package io.loglane.core.config;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The component types a build registers, as far as configuration is concerned: the keys of each
 * input type and of each store type. The application builds it from its input and store registries
 * and gives it to the {@link ConfigLoader}; core declares only what every stage shares (server,
 * lanes, stream, query) and knows no input or store by name.
 *
 * @param inputs the input types, in reference order
 * @param stores the store types, in reference order
 *
 * <p>Thread-safety: immutable.
 */
public record ConfigCatalog(List<InputKeys> inputs, List<StoreKeys> stores) {
    /** Where a store's lane keys live. */
    static final String LANE_KEYS = "lanes.<name>.";

    public ConfigCatalog {
        inputs = List.copyOf(inputs);
        stores = List.copyOf(stores);
        Set<String> types = new HashSet<>();
        for (InputKeys t : inputs) {
            if (!types.add(t.type())) {
                throw new IllegalArgumentException("input type " + t.type() + " registered twice");
            }
            for (ConfigKey k : t.keys()) {
                if (!k.path().startsWith("inputs[" + t.type() + "].")) {
                    throw new IllegalArgumentException("input type " + t.type() + " declares key " + k.path() + " outside inputs[" + t.type() + "]");
                }
            }
        }
        Set<String> names = new HashSet<>(ConfigSchema.CORE_SECTIONS);
        for (StoreKeys s : stores) {
            if (!names.add(s.name())) {
                throw new IllegalArgumentException("store " + s.name() + " registered twice or named like a section");
            }
            for (ConfigKey k : s.keys()) {
                if (!k.path().startsWith(s.name() + ".")) {
                    throw new IllegalArgumentException("store " + s.name() + " declares key " + k.path() + " outside its section");
                }
            }
            for (ConfigKey k : s.laneKeys()) {
                if (!k.path().startsWith(LANE_KEYS)) {
                    throw new IllegalArgumentException("store " + s.name() + " declares lane key " + k.path() + " outside " + LANE_KEYS);
                }
            }
        }
    }
}
