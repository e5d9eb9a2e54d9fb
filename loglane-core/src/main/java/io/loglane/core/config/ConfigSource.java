package io.loglane.core.config;

/**
 * One configuration layer as text, named for error messages (a path, or a label in tests).
 *
 * @param name shown in errors as {@code name:line: key: problem}
 * @param text YAML
 */
public record ConfigSource(String name, String text) {
    public ConfigSource {
        if (name == null || text == null) {
            throw new IllegalArgumentException("name and text are required");
        }
    }
}
