package io.loglane.core.config;

/**
 * A configuration value given on the command line ({@code ./loglane up --http-port 0}): the last
 * layer, over every file, validated by the key's declaration like a written value. Errors name
 * {@value #SOURCE} and the flag, not a file and a line: {@code (command line): --http-port: ...}.
 *
 * @param flag  the option as typed, e.g. {@code --http-port}
 * @param key   schema path it sets: a setting ({@code server.http_port}) or an input key
 *              ({@code inputs[forward].port}), which then applies to every input of that type
 * @param value the text given
 */
public record CommandLineFlag(String flag, String key, String value) {
    /** The name of the command-line layer in errors. */
    public static final String SOURCE = "(command line)";

    /** Where a value of this flag came from. */
    ConfigOrigin origin() {
        return new ConfigOrigin(SOURCE, 0, flag);
    }
}
