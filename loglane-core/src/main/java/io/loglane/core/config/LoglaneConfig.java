package io.loglane.core.config;

import java.util.List;
import java.util.Map;

/**
 * The validated configuration of one loglane process, the result of layering every
 * {@code --config} file (later files add inputs and override lanes and settings by name).
 * Every value here has passed validation; consumers never re-check it.
 *
 * @param lanes  by name, in declaration order; always contains {@code default}
 * @param stores the section of every registered store type, by its name (whether or not a lane uses it)
 */
public record LoglaneConfig(
        ServerSettings server,
        List<InputSpec> inputs,
        Map<String, LaneSpec> lanes,
        StreamSettings stream,
        Map<String, StoreSpec> stores,
        QuerySettings query) {

    public static final String DEFAULT_LANE = "default";

    public LoglaneConfig {
        inputs = List.copyOf(inputs);
        lanes = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(lanes));
        stores = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(stores));
        if (!lanes.containsKey(DEFAULT_LANE)) {
            throw new IllegalArgumentException("the 'default' lane is required");
        }
    }

    /** The section of the store type named {@code name}. */
    public StoreSpec store(String name) {
        StoreSpec s = stores.get(name);
        if (s == null) {
            throw new IllegalArgumentException("no store type " + name + " is registered");
        }
        return s;
    }

    public LaneSpec lane(String name) {
        LaneSpec l = lanes.get(name);
        if (l == null) {
            throw new IllegalArgumentException("no lane " + name);
        }
        return l;
    }
}
