package io.loglane.core.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Internal: turns the layered values into the typed {@link LoglaneConfig}, filling every unset key
 * from its {@link ConfigSchema} default and checking what only the whole can tell (the
 * {@code default} lane exists, listeners do not share a port). Input and store types get their
 * values as an {@link InputSpec} or {@link StoreSpec}; nothing here is specific to one type.
 *
 * <p>Thread-safety: not thread-safe; one per load.
 */
final class ConfigAssembler {
    private final ConfigSchema schema;
    private final ConfigLayers layers;
    private final List<ConfigException> errors;

    ConfigAssembler(ConfigSchema schema, ConfigLayers layers, List<ConfigException> errors) {
        this.schema = schema;
        this.layers = layers;
        this.errors = errors;
    }

    /** The config, or null when an error was recorded. */
    LoglaneConfig assemble() {
        ServerSettings server = new ServerSettings(
                get("server.bind"), get("server.http_port"), get("server.data_dir"),
                get("server.http_max_body"), get("server.shutdown_grace"), get("server.max_tracked_sources"),
                get("server.source_idle_evict"), httpSecurity(),
                new io.loglane.core.os.BackgroundPriority(((Number) get("server.background_nice")).intValue()));
        List<InputSpec> inputs = inputs(server);
        Map<String, LaneSpec> lanes = lanes();
        StreamSettings stream = new StreamSettings(
                get("stream.segment_size"), get("stream.max_lane_size"), get("stream.dedup_window"),
                get("stream.dedup_max_entries"), get("stream.sync_max_wait"), get("stream.memory_lane_size"),
                get("stream.max_age"));
        Map<String, StoreSpec> stores = new LinkedHashMap<>();
        for (StoreKeys store : schema.stores()) {
            stores.put(store.name(), store(store));
        }
        QuerySettings query = new QuerySettings(get("query.timeout"), get("query.max_rows"), ((Number) get("query.memory_limit")).longValue());
        if (!lanes.containsKey(LoglaneConfig.DEFAULT_LANE)) {
            errors.add(new ConfigException(layers.lastFile, 1, "lanes." + LoglaneConfig.DEFAULT_LANE,
                    "the default lane is required after layering (layer your file over config/loglane.yaml, or declare it)"));
        }
        return errors.isEmpty() ? new LoglaneConfig(server, inputs, lanes, stream, stores, query) : null;
    }

    /** {@code server.tls}, {@code server.auth} and the connection limits; TLS files are read here so check-config catches them. */
    private HttpSecurity httpSecurity() {
        ConfigLayers.Setting cert = layers.settings.get("server.tls.cert");
        ConfigLayers.Setting key = layers.settings.get("server.tls.key");
        TlsSettings tls = null;
        if (cert != null && key != null) {
            tls = new TlsSettings((java.nio.file.Path) cert.value(), (java.nio.file.Path) key.value());
            try {
                io.loglane.core.tls.PemKeyStore.load(tls.cert(), tls.key(), new char[0]);
            } catch (IllegalArgumentException e) {
                boolean keyFault = e.getMessage().startsWith(tls.key() + ":");
                ConfigLayers.Setting at = keyFault ? key : cert;
                errors.add(at.origin().error(keyFault ? "server.tls.key" : "server.tls.cert", e.getMessage()));
            }
        } else if (cert != null || key != null) {
            ConfigLayers.Setting set = cert != null ? cert : key;
            errors.add(set.origin().error(cert != null ? "server.tls.key" : "server.tls.cert",
                    "required with " + (cert != null ? "server.tls.cert" : "server.tls.key") + " (TLS needs both PEM files)"));
        }
        return new HttpSecurity(get("server.http_max_header"), get("server.http_header_timeout"), get("server.http_idle_timeout"),
                tls, get("server.auth.tokens"));
    }

    /** The store's section: each key's layered value, else its fixed default; keys with neither are left out. */
    private StoreSpec store(StoreKeys store) {
        Map<String, Object> options = new LinkedHashMap<>();
        for (ConfigKey key : store.keys()) {
            Object v = get(key.path());
            if (v != null) {
                options.put(key.path().substring(store.name().length() + 1), v);
            }
        }
        return new StoreSpec(store.name(), options);
    }

    private List<InputSpec> inputs(ServerSettings server) {
        List<InputSpec> out = new ArrayList<>();
        Map<String, String> listeners = new HashMap<>();
        listeners.put(server.bind() + ":" + server.httpPort(), "server.http_port");
        for (ConfigLayers.InputLayer in : layers.inputs.values()) {
            InputKeys type = schema.inputKeys(in.type());
            String prefix = "inputs[" + in.type() + "].";
            Map<String, ConfigLayers.Setting> v = in.values();
            String portKey = type.portKey();
            Map<String, Object> options = new LinkedHashMap<>();
            Set<String> written = new HashSet<>();
            // every key of the type but its listener is an option, its default filled in from the schema
            for (ConfigKey key : type.keys()) {
                String k = key.path().substring(prefix.length());
                if (k.equals("bind") || k.equals(portKey)) {
                    continue;
                }
                ConfigLayers.Setting s = v.get(key.path());
                Object val = s != null ? s.value() : key.defaultValue();
                if (s != null) {
                    written.add(k);
                }
                if (val != null) {
                    options.put(k, val);
                }
            }
            type.complete(options, written, (k, message) -> {
                ConfigLayers.Setting s = v.get(prefix + k);
                errors.add((s != null ? s.origin() : in.origin()).error("inputs." + in.name() + "." + k, message));
            });
            if (!type.listens()) {
                out.add(new InputSpec(in.type(), in.name(), null, -1, options, in.origin()));
                continue;
            }
            if (portKey == null) {
                // served on the one HTTP server: no listener of its own, so a second one would have nothing to serve
                String first = listeners.putIfAbsent("(" + in.type() + " on server.http_port)", "inputs." + in.name());
                if (first != null) {
                    errors.add(in.origin().error("inputs." + in.name() + ".type", "only one " + in.type()
                            + " input may be declared (it is served on server.http_port); " + first + " is one already"));
                }
                out.add(new InputSpec(in.type(), in.name(), server.bind(), server.httpPort(), options, in.origin()));
                continue;
            }
            ConfigLayers.Setting bindSetting = v.get(prefix + "bind");
            String bind = bindSetting != null ? (String) bindSetting.value() : server.bind();
            ConfigLayers.Setting ps = v.get(prefix + portKey);
            int port = (Integer) (ps != null ? ps.value() : schema.defaultOf(prefix + portKey));
            String where = bind + ":" + port;
            String clash = listeners.putIfAbsent(where, "inputs." + in.name());
            if (port != 0 && clash != null) {
                ConfigOrigin o = ps != null ? ps.origin() : in.origin();
                errors.add(o.error("inputs." + in.name() + "." + portKey,
                        "port " + port + " on " + bind + " is already used by " + clash));
            }
            out.add(new InputSpec(in.type(), in.name(), bind, port, options, in.origin()));
        }
        return out;
    }

    private Map<String, LaneSpec> lanes() {
        Map<String, LaneSpec> out = new LinkedHashMap<>();
        for (Map.Entry<String, ConfigLayers.LaneLayer> e : layers.lanes.entrySet()) {
            Map<String, ConfigLayers.Setting> v = e.getValue().values;
            double eps = value(v, "lanes.<name>.rate.events_per_second");
            long burst = value(v, "lanes.<name>.rate.burst");
            RateLimit rate = eps <= 0 ? RateLimit.UNLIMITED
                    : new RateLimit(eps, burst > 0 ? burst : Math.max(1, (long) Math.ceil(eps)));
            Duration age = value(v, "lanes.<name>.retention.age");
            long size = value(v, "lanes.<name>.retention.size");
            boolean chained = value(v, "lanes.<name>.audit_chain");
            if (chained && value(v, "lanes.<name>.durability") == Durability.MEMORY) {
                ConfigLayers.Setting at = v.get("lanes.<name>.audit_chain");
                ConfigOrigin o = at != null ? at.origin() : e.getValue().origin;
                errors.add(o.error("lanes." + e.getKey() + ".audit_chain",
                        "a hash chain needs a disk or sync lane: a memory lane loses its head with a restart"));
            }
            out.put(e.getKey(), new LaneSpec(e.getKey(),
                    value(v, "lanes.<name>.match"),
                    value(v, "lanes.<name>.parser"),
                    value(v, "lanes.<name>.multiline"),
                    new Retention(age, size),
                    rate,
                    value(v, "lanes.<name>.durability"),
                    value(v, "lanes.<name>.to"),
                    storeOptions(v),
                    chained,
                    e.getValue().origin));
        }
        return out;
    }

    /** The lane's value of every store's lane key, else its fixed default; keys with neither are left out. */
    private Map<String, Object> storeOptions(Map<String, ConfigLayers.Setting> laneValues) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (StoreKeys store : schema.stores()) {
            for (ConfigKey key : store.laneKeys()) {
                Object v = value(laneValues, key.path());
                if (v != null) {
                    out.put(key.path().substring(ConfigCatalog.LANE_KEYS.length()), v);
                }
            }
        }
        return out;
    }

    private <T> T get(String path) {
        return value(layers.settings, path);
    }

    @SuppressWarnings("unchecked")
    private <T> T value(Map<String, ConfigLayers.Setting> values, String path) {
        ConfigLayers.Setting s = values.get(path);
        return (T) (s != null ? s.value() : schema.defaultOf(path));
    }
}
