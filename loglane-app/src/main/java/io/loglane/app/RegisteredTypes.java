package io.loglane.app;

import io.loglane.core.config.ConfigCatalog;
import io.loglane.core.config.ConfigLoader;

/**
 * The component types of this build as the configuration sees them: the keys of every input type
 * in {@link InputTypes#BUILT_IN} and every store type in {@link StoreTypes#BUILT_IN_KEYS}, and the
 * one loader over them. {@code up}, {@code check-config}, {@code config-reference} and the tests all
 * load through {@link #LOADER}, so they validate exactly the same keys.
 *
 * <p>Thread-safety: immutable.
 */
public final class RegisteredTypes {
    /** Every registered input and store type's keys. */
    public static final ConfigCatalog CATALOG = new ConfigCatalog(InputTypes.BUILT_IN.keys(), StoreTypes.BUILT_IN_KEYS);

    /** The loader of this build's configuration. */
    public static final ConfigLoader LOADER = new ConfigLoader(CATALOG);

    private RegisteredTypes() {}
}
