package io.loglane.core.parse;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.Locale;

/**
 * How a {@code time_key} field's value is written ({@code time_format}), turned into nanoseconds
 * since the epoch.
 * <ul>
 *   <li>No format: {@link EventTimeParser}'s rules (ISO-8601, the common log time, or an epoch
 *       number whose unit follows its magnitude).</li>
 *   <li>A strftime format (it contains {@code %}), as Fluent Bit's and Python's parsers write them:
 *       {@code %Y %y %m %d %e %H %I %p %M %S %L} (milliseconds) {@code %f} (microseconds)
 *       {@code %N} (nanoseconds) {@code %z %Z %b %B %a %A %j %T %F %s %%}.</li>
 *   <li>Otherwise a {@link DateTimeFormatter} pattern ({@code dd/MMM/yyyy:HH:mm:ss Z}).</li>
 * </ul>
 * A time without a zone is UTC. A time without a year (syslog's {@code Dec  5 04:15:49}) gets the
 * current UTC year, or the previous one when that would put it more than a day in the future.
 * Month and day names are English, matched ignoring case.
 *
 * <p>Thread-safety: immutable.
 */
public final class TimeFormat {
    private static final TimeFormat DEFAULT = new TimeFormat(null, false, null);

    private final DateTimeFormatter formatter;
    private final boolean epochSeconds;
    private final String text;

    private TimeFormat(DateTimeFormatter formatter, boolean epochSeconds, String text) {
        this.formatter = formatter;
        this.epochSeconds = epochSeconds;
        this.text = text;
    }

    /**
     * @param format strftime or DateTimeFormatter text, or null for the default rules
     * @throws IllegalArgumentException naming what is wrong with the format
     */
    public static TimeFormat of(String format) {
        if (format == null) {
            return DEFAULT;
        }
        if (format.equals("%s")) {
            return new TimeFormat(null, true, format);
        }
        String pattern = format.indexOf('%') >= 0 ? fromStrftime(format) : format;
        try {
            DateTimeFormatter f = new DateTimeFormatterBuilder().parseCaseInsensitive().appendPattern(pattern)
                    .toFormatter(Locale.ENGLISH);
            return new TimeFormat(f, false, format);
        } catch (IllegalArgumentException | ClassCastException e) {
            // the JDK's pattern builder throws ClassCastException for some pad-modifier patterns (e.g. "pp…%e"
            // from strftime text): a bad format all the same, not a crash of the config loader (a fuzzing finding)
            throw new IllegalArgumentException("bad time_format \"" + format + "\": " + e.getMessage());
        }
    }

    /** @return nanoseconds since the epoch of the UTF-8 text {@code b[off, off+len)}, or -1 if it is not such a time */
    public long parse(byte[] b, int off, int len) {
        if (formatter == null && !epochSeconds && len == EventTimeParser.CLF_LENGTH) {
            long t = EventTimeParser.fromCommonLogTime(b, off, off + len);
            if (t >= 0) {
                return t;
            }
        }
        return parse(new String(b, off, len, StandardCharsets.UTF_8));
    }

    /** @return nanoseconds since the epoch of {@code s}, or -1 if it is not such a time */
    public long parse(String s) {
        String t = s.strip();
        if (formatter == null) {
            if (!t.isEmpty() && (Character.isDigit(t.charAt(0)) || t.charAt(0) == '-') && isNumber(t)) {
                return t.indexOf('.') < 0 && t.length() < 19 ? (epochSeconds ? seconds(Long.parseLong(t)) : EventTimeParser.fromLong(Long.parseLong(t)))
                        : EventTimeParser.fromNumber(Double.parseDouble(t));
            }
            if (epochSeconds) {
                return -1;
            }
            if (t.length() == EventTimeParser.CLF_LENGTH) {
                byte[] b = t.getBytes(StandardCharsets.ISO_8859_1);
                long clf = EventTimeParser.fromCommonLogTime(b, 0, b.length);
                if (clf >= 0) {
                    return clf;
                }
            }
            return EventTimeParser.fromString(t);
        }
        try {
            return toNanos(formatter.parse(t));
        } catch (java.time.DateTimeException | ArithmeticException e) {
            return -1;
        }
    }

    private static long seconds(long s) {
        return s < 0 || s > Long.MAX_VALUE / EventTimeParser.NANOS ? -1 : s * EventTimeParser.NANOS;
    }

    private static long toNanos(TemporalAccessor p) {
        if (p.isSupported(ChronoField.INSTANT_SECONDS)) {
            return nanos(Instant.from(p));
        }
        LocalTime time = p.isSupported(ChronoField.HOUR_OF_DAY) ? LocalTime.from(p) : LocalTime.MIDNIGHT;
        ZoneOffset zone = p.isSupported(ChronoField.OFFSET_SECONDS) ? ZoneOffset.from(p) : ZoneOffset.UTC;
        LocalDate date;
        if (p.isSupported(ChronoField.YEAR)) {
            date = LocalDate.from(p);
        } else {
            date = withInferredYear(p.get(ChronoField.MONTH_OF_YEAR), p.get(ChronoField.DAY_OF_MONTH), time, zone, Instant.now());
        }
        return nanos(LocalDateTime.of(date, time).toInstant(zone));
    }

    /**
     * The date of {@code month}/{@code day} in the year that puts it nearest before {@code now}: the
     * current year, or the previous one when that is more than a day ahead (a December line read in
     * January). A 29 February goes to the latest leap year that fits.
     */
    static LocalDate withInferredYear(int month, int day, LocalTime time, ZoneOffset zone, Instant now) {
        int year = now.atOffset(ZoneOffset.UTC).getYear();
        for (int y = year; y > year - 8; y--) {
            if (day > java.time.YearMonth.of(y, month).lengthOfMonth()) {
                continue;
            }
            LocalDate d = LocalDate.of(y, month, day);
            if (LocalDateTime.of(d, time).toInstant(zone).isBefore(now.plusSeconds(86_400))) {
                return d;
            }
        }
        throw new java.time.DateTimeException("no year has " + month + "/" + day);
    }

    private static long nanos(Instant i) {
        if (i.getEpochSecond() < 0 || i.getEpochSecond() > Long.MAX_VALUE / EventTimeParser.NANOS - 1) {
            return -1;
        }
        return i.getEpochSecond() * EventTimeParser.NANOS + i.getNano();
    }

    private static boolean isNumber(String t) {
        boolean digit = false;
        boolean dot = false;
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c >= '0' && c <= '9') {
                digit = true;
            } else if (c == '.' && !dot) {
                dot = true;
            } else {
                return false;
            }
        }
        return digit;
    }

    /** Translates strftime conversions into a DateTimeFormatter pattern; other text is quoted. */
    static String fromStrftime(String f) {
        StringBuilder out = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < f.length(); i++) {
            char c = f.charAt(i);
            if (c != '%') {
                literal.append(c);
                continue;
            }
            if (i + 1 >= f.length()) {
                throw new IllegalArgumentException("bad time_format \"" + f + "\": it ends with %");
            }
            char d = f.charAt(++i);
            if (d == '%') {
                literal.append('%');
                continue;
            }
            String p = switch (d) {
                case 'Y' -> "uuuu";
                case 'y' -> "uu";
                case 'm' -> "MM";
                case 'd' -> "dd";
                case 'e' -> "ppd";
                case 'H' -> "HH";
                case 'I' -> "hh";
                case 'p' -> "a";
                case 'M' -> "mm";
                case 'S' -> "ss";
                case 'L' -> "SSS";
                case 'f' -> "SSSSSS";
                case 'N' -> "SSSSSSSSS";
                case 'z' -> "xx";
                case 'Z' -> "zzz";
                case 'b', 'h' -> "MMM";
                case 'B' -> "MMMM";
                case 'a' -> "EEE";
                case 'A' -> "EEEE";
                case 'j' -> "DDD";
                case 'T' -> "HH:mm:ss";
                case 'F' -> "uuuu-MM-dd";
                default -> throw new IllegalArgumentException("bad time_format \"" + f + "\": %" + d + " is not supported");
            };
            flushLiteral(literal, out);
            out.append(p);
        }
        flushLiteral(literal, out);
        return out.toString();
    }

    private static void flushLiteral(StringBuilder literal, StringBuilder out) {
        if (literal.isEmpty()) {
            return;
        }
        out.append('\'').append(literal.toString().replace("'", "''")).append('\'');
        literal.setLength(0);
    }

    @Override
    public String toString() { return text == null ? "(default)" : text; }
}
