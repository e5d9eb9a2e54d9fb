package io.loglane.core.config;

import java.util.Map;

/**
 * The validated section of one registered store type ({@code archive:}): every key the layers set,
 * and every other key with a fixed default, as parsed values (sizes as Long bytes, durations as
 * {@link java.time.Duration}); a key with no fixed default that nobody set is absent. The store
 * type turns it into its own settings record.
 *
 * @param name    the store type's name (its section)
 * @param options by key relative to the section, e.g. {@code flush_rows}
 *
 * <p>Thread-safety: immutable.
 */
public record StoreSpec(String name, Map<String, Object> options) {
    public StoreSpec {
        options = Map.copyOf(options);
    }

    /** The value of {@code key}, or null when it has none (see the class comment). */
    @SuppressWarnings("unchecked")
    public <T> T option(String key) {
        return (T) options.get(key);
    }
}
