package io.loglane.app.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Where the bundled default configuration is: {@code $LOGLANE_HOME/config/loglane.yaml}, else {@code ./config/loglane.yaml}. */
public final class ConfigFiles {
    private ConfigFiles() {}

    public static Path defaultConfig() {
        String home = System.getenv("LOGLANE_HOME");
        if (home != null) {
            Path p = Path.of(home, "config", "loglane.yaml");
            if (Files.exists(p)) {
                return p;
            }
        }
        return Path.of("config", "loglane.yaml");
    }

    /**
     * The files to load: the defaults, then every {@code --config} in order, so a small user file
     * layers over the bundled lanes. A user who wants none of the defaults passes {@code --no-defaults}.
     */
    static List<Path> resolve(List<Path> given, boolean noDefaults) {
        List<Path> files = new ArrayList<>();
        if (!noDefaults) {
            files.add(defaultConfig());
        }
        if (given != null) {
            for (Path p : given) {
                if (!files.contains(p)) {
                    files.add(p);
                }
            }
        }
        return files;
    }
}
