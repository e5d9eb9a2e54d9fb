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
        List<Path> seen = new ArrayList<>();
        if (!noDefaults) {
            addOnce(defaultConfig(), files, seen);
        }
        if (given != null) {
            for (Path p : given) {
                addOnce(p, files, seen);
            }
        }
        return files;
    }

    /**
     * Adds {@code p} unless the same file is already listed under another spelling
     * ({@code config/loglane.yaml} and {@code $LOGLANE_HOME/config/loglane.yaml}): loading a file
     * twice would apply its layer twice, and {@code check-config} would list it twice.
     */
    private static void addOnce(Path p, List<Path> files, List<Path> seen) {
        Path key = p.toAbsolutePath().normalize();
        if (!seen.contains(key)) {
            seen.add(key);
            files.add(p);
        }
    }
}
