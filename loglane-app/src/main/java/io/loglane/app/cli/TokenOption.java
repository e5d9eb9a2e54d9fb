package io.loglane.app.cli;

import java.net.http.HttpRequest;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * {@code --token} of every command that calls a server: the API token sent as
 * {@code Authorization: Bearer <token>}, else {@code $LOGLANE_TOKEN} (preferred: a flag shows in
 * the process list). No token sends no header, which a server without {@code server.auth.tokens}
 * accepts.
 *
 * <p>Thread-safety: set by picocli before the command runs; read-only after.
 */
final class TokenOption {
    static final String ENV = "LOGLANE_TOKEN";

    @Option(names = "--token", description = "API token for a server with server.auth.tokens (default: $LOGLANE_TOKEN, which keeps it out of the process list).")
    String token;

    /** The token to send, or null. */
    String value() { return value(System.getenv()); }

    String value(Map<String, String> env) {
        String t = token != null ? token : env.get(ENV);
        return t == null || t.isBlank() ? null : t.strip();
    }

    /** Adds the token's header to {@code b}, if there is a token. */
    static HttpRequest.Builder authorize(HttpRequest.Builder b, String token) {
        return token == null ? b : b.header("Authorization", "Bearer " + token);
    }
}
