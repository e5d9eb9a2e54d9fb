package io.loglane.core.config;

/**
 * The one size syntax of loglane configuration: a non-negative integer with an optional unit,
 * no spaces. Binary units {@code KiB MiB GiB TiB} (powers of 1024), decimal units
 * {@code KB MB GB TB} (powers of 1000), {@code B} or none for bytes: {@code 512}, {@code 64KiB},
 * {@code 16MiB}, {@code 10GiB}, {@code 1GB}. Units are case-sensitive so {@code Mb} (megabit)
 * is not silently read as a megabyte.
 *
 * <p>Thread-safety: stateless.
 */
public final class Sizes {
    /** The hint every error message carries. */
    public static final String HINT = "use e.g. 512, 64KiB, 16MiB, 10GiB, 1GB";

    private Sizes() {}

    /**
     * Parses {@code text} into bytes.
     *
     * @throws IllegalArgumentException with a message such as {@code bad size "12Q" (use e.g. …)}
     */
    public static long parse(String text) {
        UnitNumber un = UnitNumber.split(text);
        if (un == null) {
            throw bad(text);
        }
        long n = un.value();
        long mult = switch (un.unit()) {
            case "", "B" -> 1L;
            case "KiB" -> 1L << 10;
            case "MiB" -> 1L << 20;
            case "GiB" -> 1L << 30;
            case "TiB" -> 1L << 40;
            case "KB" -> 1_000L;
            case "MB" -> 1_000_000L;
            case "GB" -> 1_000_000_000L;
            case "TB" -> 1_000_000_000_000L;
            default -> throw bad(text);
        };
        try {
            return Math.multiplyExact(n, mult);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("size \"" + text + "\" is too large");
        }
    }

    /** Renders {@code bytes} in the largest binary unit that represents it exactly ({@code 16MiB}). */
    public static String format(long bytes) {
        String[] units = {"TiB", "GiB", "MiB", "KiB"};
        for (int k = 0; k < units.length; k++) {
            long m = 1L << (40 - 10 * k);
            if (bytes != 0 && bytes % m == 0) {
                return bytes / m + units[k];
            }
        }
        return Long.toString(bytes);
    }

    private static IllegalArgumentException bad(String text) {
        return new IllegalArgumentException("bad size \"" + text + "\" (" + HINT + ")");
    }
}
