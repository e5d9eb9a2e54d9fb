package io.loglane.core.config;

/**
 * One {@code users:} entry of an input that authenticates its peers by name and password (the
 * Forward handshake's user authentication, in fluentd's and Fluent Bit's words).
 *
 * <p>{@link #toString()} never shows the password, so a logged config does not leak it.
 *
 * <p>Thread-safety: immutable.
 *
 * @param username non-empty
 * @param password non-empty
 */
public record UserPassword(String username, String password) {
    public UserPassword {
        if (username == null || username.isEmpty() || password == null || password.isEmpty()) {
            throw new IllegalArgumentException("username and password are required");
        }
    }

    @Override
    public String toString() { return "UserPassword[username=" + username + ", password=***]"; }
}
