package io.loglane.app.cli;

import io.loglane.app.RegisteredTypes;
import io.loglane.core.config.ConfigException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Which running loglane a command talks to, first match wins:
 * <ol>
 *   <li>{@code --server URL};</li>
 *   <li>the environment variable {@code LOGLANE_SERVER};</li>
 *   <li>the {@link ServerStateFile} of a live server in the bundled configuration's
 *       {@code server.data_dir} (so {@code ./loglane up --http-port 9090} is found without flags);</li>
 *   <li>{@value #DEFAULT_URL}.</li>
 * </ol>
 *
 * <p>Thread-safety: stateless.
 */
final class ServerLocator {
    static final String DEFAULT_URL = "http://127.0.0.1:8080";
    static final String ENV = "LOGLANE_SERVER";

    private ServerLocator() {}

    static String resolve(String explicit) {
        return resolve(explicit, System.getenv(), defaultDataDir());
    }

    static String resolve(String explicit, Map<String, String> env, Path dataDir) {
        if (explicit != null && !explicit.isBlank()) {
            return explicit;
        }
        String fromEnv = env.get(ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv;
        }
        return ServerStateFile.liveUrl(dataDir).orElse(DEFAULT_URL);
    }

    /** {@code server.data_dir} of the bundled configuration, or {@code ./data} when it cannot be read. */
    private static Path defaultDataDir() {
        try {
            return RegisteredTypes.LOADER.load(List.of(ConfigFiles.defaultConfig())).server().dataDir();
        } catch (ConfigException e) {
            return Path.of("data");
        }
    }
}
