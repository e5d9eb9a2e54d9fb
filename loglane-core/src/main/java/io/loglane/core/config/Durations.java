package io.loglane.core.config;

import java.time.Duration;

/**
 * The one duration syntax of loglane configuration: a non-negative integer and a unit, no spaces:
 * {@code 500ms}, {@code 30s}, {@code 15m}, {@code 12h}, {@code 90d}, {@code 1y} (365 days).
 * A bare {@code 0} is accepted as zero. Months are not offered (their length varies).
 *
 * <p>Thread-safety: stateless.
 */
public final class Durations {
    /** The hint every error message carries. */
    public static final String HINT = "use e.g. 90d, 12h, 30s";

    private Durations() {}

    /**
     * Parses {@code text}.
     *
     * @throws IllegalArgumentException with a message such as {@code bad duration "3x" (use e.g. 90d, 12h, 30s)}
     */
    public static Duration parse(String text) {
        UnitNumber un = UnitNumber.split(text);
        if (un == null) {
            throw bad(text);
        }
        long n = un.value();
        String unit = un.unit();
        try {
            return switch (unit) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                case "d" -> Duration.ofDays(n);
                case "y" -> Duration.ofDays(Math.multiplyExact(n, 365L));
                case "" -> {
                    if (n != 0) {
                        throw bad(text);
                    }
                    yield Duration.ZERO;
                }
                default -> throw bad(text);
            };
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("duration \"" + text + "\" is too large");
        }
    }

    /** Renders {@code d} in the largest unit that represents it exactly ({@code 90d}, {@code 1500ms}). */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms == 0) {
            return "0";
        }
        long[] sizes = {365L * 86_400_000L, 86_400_000L, 3_600_000L, 60_000L, 1000L};
        String[] units = {"y", "d", "h", "m", "s"};
        for (int k = 0; k < sizes.length; k++) {
            if (ms % sizes[k] == 0) {
                return ms / sizes[k] + units[k];
            }
        }
        return ms + "ms";
    }

    private static IllegalArgumentException bad(String text) {
        return new IllegalArgumentException("bad duration \"" + text + "\" (" + HINT + ")");
    }
}
