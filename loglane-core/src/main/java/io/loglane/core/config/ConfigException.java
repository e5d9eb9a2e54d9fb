package io.loglane.core.config;

/**
 * A configuration error, always naming where it is: file, 1-based line and the dotted key
 * ({@code lanes.access.retention.age}); for a command-line flag, {@code (command line)}, no line
 * (0) and the flag ({@code --http-port}). {@code ./loglane check-config} and start-up print
 * {@link #getMessage()} and exit with status 2.
 */
public final class ConfigException extends Exception {
    private final String file;
    private final int line;
    private final String key;

    public ConfigException(String file, int line, String key, String problem) {
        super(file + (line > 0 ? ":" + line : "") + ": " + key + ": " + problem);
        this.file = file;
        this.line = line;
        this.key = key;
    }

    public String file() { return file; }
    public int line() { return line; }
    public String key() { return key; }
}
