package io.loglane.search.filter;

/**
 * Reads the operator and value of a condition, the same in JSON and space-delimited patterns:
 * {@code = != < > <= >=}, then a {@code "quoted"} text, a {@code %regex%}, or an unquoted value.
 * An unquoted value holds ASCII letters, digits and {@code _ - . * : / +} (choice, ambiguity 6: the
 * documentation shows {@code 123.123.*} unquoted but requires quotes for {@code @ $ \} and
 * non-ASCII); a number among them is a {@link Operand.Number}. {@code < > <= >=} need a number.
 * At most two regexes per pattern (S1 quota).
 *
 * <p>Thread-safety: not thread-safe; one per parse.
 */
final class OperandParser {
    static final int MAX_REGEXES = 2;

    private final PatternScanner s;
    private int regexes;

    OperandParser(PatternScanner s) {
        this.s = s;
    }

    /** The comparison operator at the scanner, or null when there is none. */
    JsonExpr.Op operator() {
        s.skipSpace();
        if (s.accept("!=")) {
            return JsonExpr.Op.NE;
        }
        if (s.accept("<=")) {
            return JsonExpr.Op.LE;
        }
        if (s.accept(">=")) {
            return JsonExpr.Op.GE;
        }
        if (s.accept("=")) {
            return JsonExpr.Op.EQ;
        }
        if (s.accept("<")) {
            return JsonExpr.Op.LT;
        }
        if (s.accept(">")) {
            return JsonExpr.Op.GT;
        }
        return null;
    }

    /** Whether a comparison operator comes next (after whitespace); consumes only the whitespace. */
    boolean peekOperator() {
        s.skipSpace();
        char c = s.peek();
        return c == '=' || c == '<' || c == '>' || (c == '!' && s.peek(1) == '=');
    }

    /** The value after {@code op}. */
    Operand operand(JsonExpr.Op op) {
        s.skipSpace();
        int at = s.pos();
        Operand v;
        if (s.peek() == '"') {
            v = Operand.Text.of(s.quoted(), at);
        } else if (s.peek() == '%') {
            if (++regexes > MAX_REGEXES) {
                throw PatternScanner.error("At most " + MAX_REGEXES + " regular expressions are allowed in a pattern", at);
            }
            v = new Operand.RegexValue(RegexSyntax.read(s));
        } else {
            while (!s.atEnd() && !Character.isWhitespace(s.peek()) && "}),]&|".indexOf(s.peek()) < 0) {
                if (!unquoted(s.peek())) {
                    throw s.invalidCharacters(s.pos());
                }
                s.next();
            }
            String written = s.text().substring(at, s.pos());
            if (written.isEmpty()) {
                throw PatternScanner.error("Expected a value after '" + op.symbol() + "'", at);
            }
            Operand.Number n = Operand.Number.parse(written, at);
            v = n != null ? n : Operand.Text.of(written, at);
        }
        if (op.relational() && !(v instanceof Operand.Number)) {
            throw PatternScanner.error("Expected a number after '" + op.symbol() + "'", at);
        }
        return v;
    }

    private static boolean unquoted(char c) {
        return PatternScanner.unquotedChar(c) || "-.*:/+".indexOf(c) >= 0;
    }
}
