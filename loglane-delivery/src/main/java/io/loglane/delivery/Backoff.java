package io.loglane.delivery;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Capped exponential backoff with full jitter: the n-th consecutive failure waits a uniformly
 * random time in {@code [0, min(max, initial * 2^n)]}, so many consumers failing on one store at
 * once do not retry in lock-step. A success resets the sequence.
 *
 * <p>Thread-safety: not thread-safe; one per consumer.
 */
public final class Backoff {
    private final long initialMillis;
    private final long maxMillis;
    private final RandomGenerator random;
    private int failures;

    public Backoff(Duration initial, Duration max, RandomGenerator random) {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("need 0 < initial <= max");
        }
        this.initialMillis = initial.toMillis();
        this.maxMillis = max.toMillis();
        this.random = random;
    }

    /** Records a failure and returns how long to wait before the next attempt. */
    public Duration nextDelay() {
        int n = Math.min(failures++, 30);
        long cap = Math.min(maxMillis, initialMillis << n);
        return Duration.ofMillis(random.nextLong(cap + 1));
    }

    /** The upper bound the next {@link #nextDelay()} draws from (for logs and tests). */
    public Duration currentCap() {
        return Duration.ofMillis(Math.min(maxMillis, initialMillis << Math.min(failures, 30)));
    }

    public void reset() { failures = 0; }

    public int failures() { return failures; }
}
