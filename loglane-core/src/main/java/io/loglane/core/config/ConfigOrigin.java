package io.loglane.core.config;

/**
 * Where a value came from: file and 1-based line; or a layer with no lines (the command line),
 * then {@code line} is 0 and {@code key} names what the user typed ({@code --http-port}).
 *
 * @param key the name to use in errors instead of the dotted key; null for values from files
 */
public record ConfigOrigin(String file, int line, String key) {
    public ConfigOrigin(String file, int line) {
        this(file, line, null);
    }

    /** An error about the value from here, under {@code dottedKey} unless this origin names its own key. */
    public ConfigException error(String dottedKey, String problem) {
        return new ConfigException(file, line, key != null ? key : dottedKey, problem);
    }

    @Override
    public String toString() { return line > 0 ? file + ":" + line : file; }
}
