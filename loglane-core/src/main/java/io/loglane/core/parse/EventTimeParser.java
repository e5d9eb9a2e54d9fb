package io.loglane.core.parse;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * Turns a time written in an event into nanoseconds since the epoch: the one set of rules for
 * every time field loglane reads (the HTTP input's top-level fields, the {@code json} parser's
 * embedded JSON, see {@link io.loglane.core.event.EventFields#TIME_KEYS}) and for the
 * {@code [time_local]} of an access line.
 *
 * <p>Numbers are epoch timestamps whose unit is chosen by magnitude (absolute value): below
 * 1e11 seconds (fractions allowed; that covers dates up to the year 5138), below 1e14
 * milliseconds, below 1e17 microseconds, otherwise nanoseconds. Strings are ISO-8601: with a
 * zone or offset ({@code 2024-05-01T10:00:00.123Z}, {@code ...+02:00}) or without one, then taken
 * as UTC; a space instead of the {@code T} is accepted. Access-line times are the common log
 * format's {@code dd/MMM/yyyy:HH:mm:ss ±hhmm} ({@link #fromCommonLogTime}). Times before the
 * epoch are rejected.
 *
 * <p>Thread-safety: stateless.
 */
public final class EventTimeParser {
    static final long NANOS = 1_000_000_000L;
    /** {@code dd/MMM/yyyy:HH:mm:ss ±hhmm} */
    static final int CLF_LENGTH = 26;
    private static final byte[][] MONTHS = {
            ascii("jan"), ascii("feb"), ascii("mar"), ascii("apr"), ascii("may"), ascii("jun"),
            ascii("jul"), ascii("aug"), ascii("sep"), ascii("oct"), ascii("nov"), ascii("dec")};
    private static final int[] DAYS_IN_MONTH = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    private EventTimeParser() {}

    /** @return nanoseconds since the epoch, or -1 if {@code v} is not a valid time */
    public static long fromNumber(double v) {
        if (!(v >= 0) || Double.isInfinite(v)) {
            return -1;
        }
        // each unit's range reaches past what nanoseconds in a long hold (year 2262): those are not a time
        // (they overflowed to negative times: a fuzzing finding, TimestampsFuzzTest)
        if (v < 1e11) {
            long sec = (long) v;
            return sec > Long.MAX_VALUE / NANOS - 1 ? -1 : sec * NANOS + Math.round((v - sec) * 1_000_000d) * 1000L;
        }
        if (v < 1e14) {
            return v * 1e6 < 9.2e18 ? Math.round(v * 1000d) * 1000L : -1;
        }
        if (v < 1e17) {
            return v * 1e3 < 9.2e18 ? Math.round(v) * 1000L : -1;
        }
        return v < 9.2e18 ? (long) v : -1;
    }

    /** {@code v * factor}, or -1 when that does not fit in a long. */
    private static long scaled(long v, long factor) {
        return v > Long.MAX_VALUE / factor ? -1 : v * factor;
    }

    /** Exact for integers, which a double would round past 2^53. */
    public static long fromLong(long v) {
        if (v < 0) {
            return -1;
        }
        if (v < 100_000_000_000L) {
            return scaled(v, NANOS);
        }
        if (v < 100_000_000_000_000L) {
            return scaled(v, 1_000_000L);
        }
        if (v < 100_000_000_000_000_000L) {
            return scaled(v, 1000L);
        }
        return v;
    }

    /** @return nanoseconds since the epoch, or -1 if {@code s} is not ISO-8601 */
    public static long fromString(String s) {
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

    /**
     * Parses the common log format time {@code b[s, e)}, e.g. {@code 25/Nov/2026:06:00:00 +0100}
     * (nginx {@code $time_local}, Apache {@code %t} without the brackets). Month names are matched
     * ignoring ASCII case; the day must exist in its month. The router reads one per access line:
     * it goes through {@link CommonLogTimes}, which remembers the last date.
     *
     * @return nanoseconds since the epoch (whole seconds), or -1 if it is not such a time
     */
    public static long fromCommonLogTime(byte[] b, int s, int e) {
        if (e - s != CLF_LENGTH) {
            return -1;
        }
        long day = commonLogDay(b, s);
        long clock = commonLogClock(b, s);
        return day == NO_DAY || clock < 0 || day + clock < 0 ? -1 : (day + clock) * NANOS;
    }

    /** {@link #commonLogDay}'s answer for a date or offset that is not valid. */
    static final long NO_DAY = Long.MIN_VALUE;

    /**
     * The date and offset of the 26-byte common log time at {@code b[s]}: the epoch second at which
     * that local date began, or {@link #NO_DAY}. By hand, with integer arithmetic only: no String,
     * no formatter, no allocation.
     */
    static long commonLogDay(byte[] b, int s) {
        if (b[s + 2] != '/' || b[s + 6] != '/' || b[s + 11] != ':' || b[s + 20] != ' ' || (b[s + 21] != '+' && b[s + 21] != '-')) {
            return NO_DAY;
        }
        int day = digits(b, s, 2);
        int month = month(b, s + 3);
        int year = digits(b, s + 7, 4);
        int offH = digits(b, s + 22, 2);
        int offM = digits(b, s + 24, 2);
        if (day < 1 || month < 1 || year < 0 || offH < 0 || offH > 18 || offM < 0 || offM > 59
                || day > DAYS_IN_MONTH[month - 1] || (month == 2 && day == 29 && !leap(year))) {
            return NO_DAY;
        }
        long offset = (offH * 3600L + offM * 60L) * (b[s + 21] == '-' ? -1 : 1);
        return daysFromCivil(year, month, day) * 86_400L - offset;
    }

    /** The clock {@code HH:mm:ss} of the common log time at {@code b[s]} in seconds of its day, or -1. */
    static int commonLogClock(byte[] b, int s) {
        if (b[s + 14] != ':' || b[s + 17] != ':') {
            return -1;
        }
        int hour = digits(b, s + 12, 2);
        int minute = digits(b, s + 15, 2);
        int second = digits(b, s + 18, 2);
        if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
            return -1;
        }
        return hour * 3600 + minute * 60 + second;
    }

    /** {@code n} ASCII digits at {@code b[p]} as a number, or -1. */
    private static int digits(byte[] b, int p, int n) {
        int v = 0;
        for (int i = p; i < p + n; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            v = v * 10 + d;
        }
        return v;
    }

    /** The month (1–12) whose English abbreviation is at {@code b[p, p+3)}, ignoring ASCII case; -1 if none. */
    private static int month(byte[] b, int p) {
        int c0 = b[p] | 0x20;
        int c1 = b[p + 1] | 0x20;
        int c2 = b[p + 2] | 0x20;
        for (int m = 0; m < MONTHS.length; m++) {
            if (MONTHS[m][0] == c0 && MONTHS[m][1] == c1 && MONTHS[m][2] == c2) {
                return m + 1;
            }
        }
        return -1;
    }

    private static boolean leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

    /** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
    private static long daysFromCivil(int y, int m, int d) {
        y -= m <= 2 ? 1 : 0;
        int era = (y >= 0 ? y : y - 399) / 400;
        int yoe = y - era * 400;
        int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
        int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146_097L + doe - 719_468;
    }

    private static byte[] ascii(String s) { return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII); }
}
