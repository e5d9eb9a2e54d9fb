package io.loglane.core.config;

import java.util.Set;

/**
 * One configured API token ({@code server.auth.tokens} item). The token itself is never
 * configured or kept: only its SHA-256, so a leaked config file does not leak a credential.
 *
 * @param name   unique label, for logs and metrics; never the secret
 * @param sha256 lowercase hex SHA-256 of the token's UTF-8 bytes (64 characters)
 * @param scopes what the token may do; not empty
 * @param rate   requests per second this token may make (its bucket holds one second's worth);
 *               0 = unlimited
 */
public record ApiTokenSpec(String name, String sha256, Set<ApiScope> scopes, double rate) {
    public ApiTokenSpec {
        scopes = Set.copyOf(scopes);
    }
}
