package io.loglane.core.config;

import java.time.Duration;
import java.util.List;

/**
 * How the HTTP port protects itself ({@code server.http_*}, {@code server.tls}, {@code server.auth}).
 *
 * @param maxHeader     largest request line plus headers in bytes; larger → 431
 * @param headerTimeout longest a connection may take to deliver a request's line and headers, or
 *                      its TLS handshake, before it is closed (slowloris)
 * @param idleTimeout   a connection with no bytes moving this long is closed
 * @param tls           null for plain HTTP
 * @param tokens        the API tokens; empty means no authentication
 */
public record HttpSecurity(long maxHeader, Duration headerTimeout, Duration idleTimeout, TlsSettings tls, List<ApiTokenSpec> tokens) {
    public HttpSecurity {
        tokens = List.copyOf(tokens);
    }

    /** Whether API calls need a token: once any is configured. */
    public boolean authEnabled() { return !tokens.isEmpty(); }
}
