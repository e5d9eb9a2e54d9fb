package io.loglane.inputs.http;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * Turns the value of a JSON event's time field into nanoseconds since the epoch.
 *
 * <p>Numbers are epoch timestamps whose unit is chosen by magnitude (absolute value): below
 * 1e11 seconds (fractions allowed; that covers dates up to the year 5138), below 1e14
 * milliseconds, below 1e17 microseconds, otherwise nanoseconds. Strings are ISO-8601: with a
 * zone or offset ({@code 2024-05-01T10:00:00.123Z}, {@code ...+02:00}) or without one, then taken
 * as UTC; a space instead of the {@code T} is accepted. Negative times are rejected.
 *
 * <p>Thread-safety: stateless.
 */
final class EventTimeParser {
    private static final long NANOS = 1_000_000_000L;

    private EventTimeParser() {}

    /** @return nanoseconds since the epoch, or -1 if {@code v} is not a valid time */
    static long fromNumber(double v) {
        if (!(v >= 0) || Double.isInfinite(v)) {
            return -1;
        }
        if (v < 1e11) {
            long sec = (long) v;
            return sec * NANOS + Math.round((v - sec) * 1_000_000d) * 1000L;
        }
        if (v < 1e14) {
            return Math.round(v * 1000d) * 1000L;
        }
        if (v < 1e17) {
            return Math.round(v) * 1000L;
        }
        return v < 9.2e18 ? (long) v : -1;
    }

    /** Exact for integers, which a double would round past 2^53. */
    static long fromLong(long v) {
        if (v < 0) {
            return -1;
        }
        if (v < 100_000_000_000L) {
            return v * NANOS;
        }
        if (v < 100_000_000_000_000L) {
            return v * 1_000_000L;
        }
        if (v < 100_000_000_000_000_000L) {
            return v * 1000L;
        }
        return v;
    }

    /** @return nanoseconds since the epoch, or -1 if {@code s} is not ISO-8601 */
    static long fromString(String s) {
        String t = s.length() > 10 && s.charAt(10) == ' ' ? s.substring(0, 10) + 'T' + s.substring(11) : s;
        Instant i;
        try {
            i = Instant.parse(t);
        } catch (DateTimeParseException withZone) {
            try {
                i = LocalDateTime.parse(t).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException withoutZone) {
                return -1;
            }
        }
        if (i.getEpochSecond() < 0 || i.getEpochSecond() > Long.MAX_VALUE / NANOS - 1) {
            return -1;
        }
        return i.getEpochSecond() * NANOS + i.getNano();
    }
}
