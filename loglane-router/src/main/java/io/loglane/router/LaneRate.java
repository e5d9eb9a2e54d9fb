package io.loglane.router;

import java.time.Clock;

/**
 * Moving rate of accepted events of one lane for {@code GET /api/v1/lanes}: the events of the
 * last {@link #WINDOW_SECONDS} whole seconds, divided by that span. Ten one-second buckets in a
 * ring, stamped with their second so stale buckets count as zero.
 *
 * <p>Thread-safety: thread-safe.
 */
final class LaneRate {
    static final int WINDOW_SECONDS = 10;
    private final Clock clock;
    private final long[] counts = new long[WINDOW_SECONDS + 1];
    private final long[] seconds = new long[WINDOW_SECONDS + 1];

    LaneRate(Clock clock) { this.clock = clock; }

    synchronized void add(long events) {
        long now = clock.millis() / 1000;
        int i = (int) Math.floorMod(now, (long) counts.length);
        if (seconds[i] != now) {
            seconds[i] = now;
            counts[i] = 0;
        }
        counts[i] += events;
    }

    /** Events per second over the last {@link #WINDOW_SECONDS} complete seconds. */
    synchronized double perSecond() {
        long now = clock.millis() / 1000;
        long sum = 0;
        for (int k = 0; k < counts.length; k++) {
            long age = now - seconds[k];
            if (age >= 1 && age <= WINDOW_SECONDS) {
                sum += counts[k];
            }
        }
        return sum / (double) WINDOW_SECONDS;
    }
}
