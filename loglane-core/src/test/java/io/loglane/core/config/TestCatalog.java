package io.loglane.core.config;

import java.util.List;

/**
 * A small catalog of made-up component types for the loader's own tests, so that core is tested
 * without knowing any real input or store: {@code tcp}, an input with a listener of its own and a
 * bounded size key; {@code web}, an input served on {@code server.http_port}; and {@code vault}, a
 * store with a section of two keys and one lane key ({@code sealed}).
 */
final class TestCatalog {
    static final InputKeys TCP = new InputKeys() {
        private final List<ConfigKey> keys = List.of(
                new ConfigKey("inputs[tcp].bind", ValueType.STRING, null, "Listen address."),
                new ConfigKey("inputs[tcp].port", ValueType.PORT, "5170", "Listen port."),
                new ConfigKey("inputs[tcp].max_frame", ValueType.POSITIVE_SIZE, "16MiB", "Largest frame.",
                        new ConfigKey.Bounds(1L << 10, 1L << 30)));

        @Override public String type() { return "tcp"; }

        @Override public String summary() { return "tcp (a listener of its own)"; }

        @Override public List<ConfigKey> keys() { return keys; }

        @Override public String portKey() { return "port"; }
    };

    static final InputKeys WEB = new InputKeys() {
        @Override public String type() { return "web"; }

        @Override public String summary() { return "web (on server.http_port)"; }

        @Override public List<ConfigKey> keys() { return List.of(); }

        @Override public String portKey() { return null; }
    };

    static final StoreKeys VAULT = new StoreKeys() {
        private final List<ConfigKey> keys = List.of(
                new ConfigKey("vault.dir", ValueType.PATH, null, "Where the vault keeps its files."),
                new ConfigKey("vault.flush_age", ValueType.POSITIVE_DURATION, "30s", "Longest a row waits."));

        @Override public String name() { return "vault"; }

        @Override public List<ConfigKey> keys() { return keys; }

        @Override public List<ConfigKey> laneKeys() {
            return List.of(new ConfigKey("lanes.<name>.sealed", ValueType.BOOLEAN, "false", "Whether the vault seals the lane's files."));
        }
    };

    static final ConfigCatalog CATALOG = new ConfigCatalog(List.of(TCP, WEB), List.of(VAULT));

    /** The loader of the fixture types. */
    static final ConfigLoader LOADER = new ConfigLoader(CATALOG);

    private TestCatalog() {}
}
