package io.loglane.core.config;

/**
 * Internal: the shared lexical form of durations and sizes, a non-negative integer directly
 * followed by an optional unit ({@code 90d}, {@code 16MiB}).
 *
 * @param value the integer part
 * @param unit  the rest ({@code ""} when absent)
 */
record UnitNumber(long value, String unit) {
    /** Splits {@code text} (trimmed), or returns null when it does not start with 1–18 digits. */
    static UnitNumber split(String text) {
        String s = text == null ? "" : text.trim();
        int i = 0;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            i++;
        }
        if (i == 0 || i > 18) {
            return null;
        }
        return new UnitNumber(Long.parseLong(s, 0, i, 10), s.substring(i));
    }
}
