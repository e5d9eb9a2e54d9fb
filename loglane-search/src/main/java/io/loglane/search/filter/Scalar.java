package io.loglane.search.filter;

import java.nio.charset.StandardCharsets;

/**
 * One value a condition looks at, loaded in place from a record (a msgpack value, a parsed typed
 * field, or a space-delimited field of the message): its kind and, for text, where its UTF-8
 * bytes lie. Numbers are compared as numbers; a string that is a number ({@link #number()}) too.
 *
 * <p>Thread-safety: not thread-safe; one per matcher, reloaded per value.
 */
final class Scalar {
    enum Kind { STRING, LONG, DOUBLE, BOOLEAN, NULL, CONTAINER, OTHER }

    Kind kind;
    byte[] array;
    int offset;
    int length;
    long longValue;
    double doubleValue;
    boolean booleanValue;

    // the text of a number, written here when a text comparison needs it
    private final byte[] digits = new byte[20];
    // a string read as a number: valid when numberKind != null
    private Kind numberKind;

    void string(byte[] b, int off, int len) {
        kind = Kind.STRING;
        array = b;
        offset = off;
        length = len;
        numberKind = null;
    }

    void ofLong(long v) {
        kind = Kind.LONG;
        longValue = v;
    }

    void ofDouble(double v) {
        kind = Kind.DOUBLE;
        doubleValue = v;
    }

    void ofBoolean(boolean v) {
        kind = Kind.BOOLEAN;
        booleanValue = v;
    }

    void of(Kind k) { kind = k; }

    /**
     * Whether the value is a number, or a string holding one (decimal, optional sign and
     * fraction; an exponent is read through {@link Double#parseDouble}); then {@link #numberKind()}
     * says LONG or DOUBLE and the value is in {@link #longValue} / {@link #doubleValue}.
     */
    boolean number() {
        switch (kind) {
            case LONG, DOUBLE -> {
                numberKind = kind;
                return true;
            }
            case STRING -> {
                return parseNumber();
            }
            default -> {
                return false;
            }
        }
    }

    Kind numberKind() { return numberKind; }

    /** Makes the value text: a number's decimal form (written into a scratch buffer). Only for LONG, DOUBLE, STRING. */
    void asText() {
        if (kind == Kind.LONG) {
            int p = digits.length;
            long v = longValue;
            if (v == Long.MIN_VALUE) {
                string(Long.toString(v).getBytes(StandardCharsets.US_ASCII), 0, 20);
                return;
            }
            boolean neg = v < 0;
            v = Math.abs(v);
            do {
                digits[--p] = (byte) ('0' + v % 10);
                v /= 10;
            } while (v != 0);
            if (neg) {
                digits[--p] = '-';
            }
            string(digits, p, digits.length - p);
        } else if (kind == Kind.DOUBLE) {
            byte[] t = Double.toString(doubleValue).getBytes(StandardCharsets.US_ASCII); // rare: decimals in JSON
            string(t, 0, t.length);
        }
    }

    private boolean parseNumber() {
        int i = offset;
        int end = offset + length;
        boolean negative = false;
        if (i < end && (array[i] == '-' || array[i] == '+')) {
            negative = array[i] == '-';
            i++;
        }
        long v = 0;
        int n = 0;
        for (; i < end && array[i] >= '0' && array[i] <= '9'; i++) {
            v = v * 10 + (array[i] - '0');
            n++;
        }
        if (i == end && n > 0 && n <= 18) {
            numberKind = Kind.LONG;
            longValue = negative ? -v : v;
            return true;
        }
        // not a plain integer: only a decimal or exponent form can still be a number
        if (n == 0 && (i == end || array[i] != '.')) {
            return false; // no digit before anything else: "-", "GET", … refused without allocating
        }
        for (int k = i; k < end; k++) {
            byte c = array[k];
            if (!((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-')) {
                return false; // the usual non-number text is refused here, without allocating
            }
        }
        String text = new String(array, offset, length, StandardCharsets.US_ASCII);
        if (!Operand.Number.SYNTAX.matcher(text).matches()) {
            return false;
        }
        numberKind = Kind.DOUBLE;
        doubleValue = Double.parseDouble(text);
        return true;
    }
}
