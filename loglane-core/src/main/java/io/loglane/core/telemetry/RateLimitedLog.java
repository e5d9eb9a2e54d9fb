package io.loglane.core.telemetry;

import org.slf4j.Logger;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Logs at most one warning per key and interval, reporting how many were suppressed in between,
 * so a misbehaving peer or a flood of bad entries cannot flood the log. Inputs log every refused
 * frame, entry or request through one of these, keyed by reason.
 *
 * <p>Thread-safety: safe for concurrent use.
 */
public final class RateLimitedLog {
    private final Logger log;
    private final Clock clock;
    private final long intervalMillis;
    private final ConcurrentHashMap<String, long[]> state = new ConcurrentHashMap<>(); // key -> {lastMillis, suppressed}

    public RateLimitedLog(Logger log, Clock clock, Duration interval) {
        this.log = log;
        this.clock = clock;
        this.intervalMillis = interval.toMillis();
    }

    /** Logs {@code message} unless {@code key} was logged less than an interval ago. */
    public void warn(String key, String message) {
        long now = clock.millis();
        long[] suppressed = {-1};
        state.compute(key, (k, s) -> {
            if (s == null) {
                suppressed[0] = 0;
                return new long[] {now, 0};
            }
            if (now - s[0] >= intervalMillis) {
                suppressed[0] = s[1];
                s[0] = now;
                s[1] = 0;
            } else {
                s[1]++;
            }
            return s;
        });
        if (suppressed[0] == 0) {
            log.warn(message);
        } else if (suppressed[0] > 0) {
            log.warn("{} ({} similar suppressed)", message, suppressed[0]);
        }
    }
}
