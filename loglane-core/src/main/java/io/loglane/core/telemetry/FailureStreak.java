package io.loglane.core.telemetry;

import java.time.Instant;
import java.util.Objects;

/**
 * A run of consecutive failures of one part (a lane's appends, a store's deliveries) with no
 * success in between: the latest error, how many attempts failed in a row and when the first of
 * them failed. Health reports build on it ({@code GET /healthz}, {@code GET /api/v1/lanes}); a part
 * that works has no streak (null), so "failing since" is never guessed from a single sample.
 *
 * @param error    the latest failure, as text
 * @param failures consecutive failed attempts, at least 1
 * @param since    when the first of them failed
 *
 * <p>Thread-safety: immutable.
 */
public record FailureStreak(String error, int failures, Instant since) {
    public FailureStreak {
        Objects.requireNonNull(error, "error");
        Objects.requireNonNull(since, "since");
        if (failures < 1) {
            throw new IllegalArgumentException("failures must be >= 1, got " + failures);
        }
    }

    /** The streak after one more failure: {@code previous} extended, or a new one starting {@code now}. */
    public static FailureStreak after(FailureStreak previous, String error, Instant now) {
        return previous == null ? new FailureStreak(error, 1, now)
                : new FailureStreak(error, previous.failures == Integer.MAX_VALUE ? previous.failures : previous.failures + 1,
                        previous.since);
    }
}
