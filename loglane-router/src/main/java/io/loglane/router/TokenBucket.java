package io.loglane.router;

import io.loglane.core.config.RateLimit;
import java.time.Clock;
import java.time.Instant;

/**
 * A lane's admission limit: a token bucket of {@code burst} events refilled at
 * {@code eventsPerSecond}, timed by the injected clock. A batch larger than the burst is admitted
 * when the bucket holds at least {@code burst} tokens and leaves it in debt, so the long-run rate
 * holds without starving senders whose batches exceed the burst.
 *
 * Also the per-token request limit of the HTTP API (one request = one token).
 *
 * <p>Thread-safety: thread-safe (one lock per bucket, taken once per batch or request).
 */
public final class TokenBucket {
    private final double ratePerNano;
    private final double capacity;
    private final Clock clock;
    private double tokens;
    private long lastNanos;

    public TokenBucket(RateLimit limit, Clock clock) {
        this.ratePerNano = limit.eventsPerSecond() / 1e9;
        this.capacity = Math.max(1, limit.burst());
        this.clock = clock;
        this.tokens = capacity;
        this.lastNanos = nanos(clock.instant());
    }

    /** Takes {@code n} tokens if the bucket allows; false leaves the bucket unchanged. */
    public synchronized boolean tryAcquire(int n) {
        refill();
        if (tokens >= Math.min(n, capacity)) {
            tokens -= n;
            return true;
        }
        return false;
    }

    /** Gives back tokens of a batch that was admitted here but rejected as a whole elsewhere. */
    synchronized void refund(int n) {
        tokens = Math.min(capacity, tokens + n);
    }

    private void refill() {
        long now = nanos(clock.instant());
        if (now > lastNanos) {
            tokens = Math.min(capacity, tokens + (now - lastNanos) * ratePerNano);
            lastNanos = now;
        }
    }

    private static long nanos(Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }
}
