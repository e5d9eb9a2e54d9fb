package io.loglane.core.config;

import java.util.Map;

/**
 * One entry of {@code inputs:}, of one of the types the loader's {@link ConfigCatalog} registers; the type's own
 * keys are validated by the loader and kept in {@code options} as parsed values (sizes as Long
 * bytes, durations as {@link java.time.Duration}).
 *
 * @param type    input type
 * @param name    unique name (defaults to the type), used as the {@code input} metric label
 * @param bind    listen address
 * @param port    listen port (0 = ephemeral, for tests)
 * @param options type-specific options, e.g. forward {@code max_frame_bytes}
 * @param origin  where it was declared, for later error messages
 */
public record InputSpec(String type, String name, String bind, int port, Map<String, Object> options, ConfigOrigin origin) {
    public InputSpec {
        options = Map.copyOf(options);
    }

    public long longOption(String key, long dflt) {
        Object v = options.get(key);
        return v instanceof Number n ? n.longValue() : dflt;
    }

    public String stringOption(String key, String dflt) {
        Object v = options.get(key);
        return v == null ? dflt : v.toString();
    }
}
