package io.loglane.app.api;

import io.loglane.core.config.ApiTokenSpec;
import io.loglane.core.config.RateLimit;
import io.loglane.router.TokenBucket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;

/**
 * The configured API tokens, by hash: a presented token is hashed (SHA-256) and compared with
 * every configured hash in constant time ({@link MessageDigest#isEqual}), all of them every time,
 * so neither the position of a mismatch nor which token matched shows in the timing. Each token
 * with a {@code rate} has its own bucket of one second's requests.
 *
 * <p>Thread-safety: thread-safe.
 */
public final class ApiTokens {
    /** A configured token and its request bucket (null when unlimited). */
    record Caller(ApiTokenSpec spec, byte[] hash, TokenBucket bucket) {}

    private final List<Caller> callers;

    ApiTokens(List<ApiTokenSpec> specs, Clock clock) {
        this.callers = specs.stream().map(s -> new Caller(s, HexFormat.of().parseHex(s.sha256()),
                s.rate() > 0 ? new TokenBucket(new RateLimit(s.rate(), Math.max(1, (long) Math.ceil(s.rate()))), clock) : null)).toList();
    }

    /** The caller whose token this is, or null. */
    Caller find(String token) {
        byte[] h = sha256(token);
        Caller found = null;
        for (Caller c : callers) {
            if (MessageDigest.isEqual(c.hash(), h) & found == null) { // '&': no short cut past the comparison
                found = c;
            }
        }
        return found;
    }

    /** The SHA-256 of a token's UTF-8 bytes, as configured in {@code server.auth.tokens[].sha256}. */
    public static String hashHex(String token) {
        return HexFormat.of().formatHex(sha256(token));
    }

    private static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
