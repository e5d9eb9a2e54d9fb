package io.loglane.search.filter;

import java.nio.charset.StandardCharsets;

/**
 * The value on the right of a JSON or space-delimited condition.
 *
 * <p>Thread-safety: immutable.
 */
public sealed interface Operand {

    /** Which part of a text value must match, from where its {@code *}s stand. */
    enum Wildcard {
        /** No leading or trailing {@code *}: the whole value (a {@code *} in the middle is literal, S4). */
        EXACT,
        /** {@code Event*}. */
        PREFIX,
        /** {@code *Event}. */
        SUFFIX,
        /** {@code *.html*}. */
        CONTAINS,
        /** {@code *}: any value of a property that exists. */
        ANY
    }

    /**
     * Text, quoted or not, with its wildcards taken off: {@code core} is what remains to compare.
     * {@code written} is the value as written (without quotes).
     */
    record Text(String written, String core, Wildcard wildcard, int position) implements Operand {
        public byte[] coreBytes() { return core.getBytes(StandardCharsets.UTF_8); }

        /** A value as written: leading/trailing {@code *} become the wildcard, inner ones stay literal. */
        static Text of(String written, int position) {
            int n = written.length();
            if (written.chars().allMatch(c -> c == '*') && n > 0) {
                return new Text(written, "", Wildcard.ANY, position);
            }
            boolean lead = n > 0 && written.charAt(0) == '*';
            boolean trail = n > 1 && written.charAt(n - 1) == '*';
            String core = written.substring(lead ? 1 : 0, trail ? n - 1 : n);
            Wildcard w = lead && trail ? Wildcard.CONTAINS : lead ? Wildcard.SUFFIX : trail ? Wildcard.PREFIX : Wildcard.EXACT;
            return new Text(written, core, w, position);
        }
    }

    /**
     * An unquoted number ({@code 200}, {@code -1.5}, {@code 1e+3}); {@code integral} when it is a
     * whole number that fits a long ({@code asLong} then holds it exactly). It is text too:
     * {@code written}, for values that are not numbers.
     */
    record Number(String written, double value, boolean integral, long asLong, int position) implements Operand {
        static final java.util.regex.Pattern SYNTAX =
                java.util.regex.Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");

        /** The number {@code written}, or null when it is not one. */
        static Number parse(String written, int position) {
            if (!SYNTAX.matcher(written).matches()) {
                return null;
            }
            double d = Double.parseDouble(written);
            long l = 0;
            boolean integral = false;
            if (written.matches("[+-]?\\d{1,18}")) {
                l = Long.parseLong(written);
                integral = true;
            }
            return new Number(written, d, integral, l, position);
        }

        public byte[] writtenBytes() { return written.getBytes(StandardCharsets.UTF_8); }
    }

    /** A {@code %regex%} searched for in the value. */
    record RegexValue(PatternNode.Regex regex) implements Operand {}
}
