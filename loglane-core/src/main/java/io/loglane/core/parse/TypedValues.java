package io.loglane.core.parse;

/**
 * Sets a parsed field from a slice of the message in its declared type, the one conversion the
 * pattern parsers ({@link RegexParser}, {@link NginxFormatParser}, {@link SyslogParser}) share: a
 * string stays a slice; an integer or a decimal becomes a primitive, read without a String where
 * it has the plain shape; a value that is not a number of its type is left absent (a column's
 * NULL), never an error.
 *
 * <p>Thread-safety: stateless.
 */
final class TypedValues {
    private TypedValues() {}

    static void set(ParsedFields out, int index, FieldType type, byte[] b, int s, int e) {
        switch (type) {
            case STRING -> out.setUtf8(index, b, s, e - s);
            case LONG -> {
                long v = integer(b, s, e);
                if (v != Long.MIN_VALUE) {
                    out.setLong(index, v);
                }
            }
            case DOUBLE -> {
                double d = decimal(b, s, e);
                if (!Double.isNaN(d)) {
                    out.setDouble(index, d);
                }
            }
        }
    }

    /** An optionally signed decimal integer of at most 18 digits; {@link Long#MIN_VALUE} for anything else. */
    static long integer(byte[] b, int s, int e) {
        boolean neg = s < e && b[s] == '-';
        int p = neg || (s < e && b[s] == '+') ? s + 1 : s;
        if (p >= e || e - p > 18) {
            return Long.MIN_VALUE;
        }
        long v = 0;
        for (int i = p; i < e; i++) {
            byte c = b[i];
            if (c < '0' || c > '9') {
                return Long.MIN_VALUE;
            }
            v = v * 10 + (c - '0');
        }
        return neg ? -v : v;
    }

    /** A decimal number ({@code 0.123}, {@code -1e3}); NaN for anything else, including NaN and infinities written out. */
    static double decimal(byte[] b, int s, int e) {
        if (s >= e || e - s > 64) {
            return Double.NaN;
        }
        for (int i = s; i < e; i++) {
            byte c = b[i];
            if (!(c >= '0' && c <= '9' || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E')) {
                return Double.NaN;
            }
        }
        boolean plain = b[s] != '-' && b[s] != '+';
        for (int i = s; i < e && plain; i++) {
            plain = b[i] != 'e' && b[i] != 'E' && b[i] != '-' && b[i] != '+';
        }
        try {
            return plain ? NginxCombinedParser.decimal(b, s, e)
                    : Double.parseDouble(new String(b, s, e - s, java.nio.charset.StandardCharsets.ISO_8859_1));
        } catch (NumberFormatException notANumber) {
            return Double.NaN; // "1.2.3", "."
        }
    }
}
