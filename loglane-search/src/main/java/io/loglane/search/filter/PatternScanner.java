package io.loglane.search.filter;

import java.util.function.BinaryOperator;
import java.util.function.Supplier;

/**
 * A cursor over a pattern's text shared by the parsers of each pattern kind: position, whitespace,
 * double-quoted strings, and errors that carry the position.
 *
 * <p>Thread-safety: not thread-safe; one per parse.
 */
final class PatternScanner {
    private final String text;
    private int pos;

    PatternScanner(String text, int start) {
        this.text = text;
        this.pos = start;
    }

    String text() { return text; }

    int pos() { return pos; }

    void pos(int p) { pos = p; }

    boolean atEnd() { return pos >= text.length(); }

    /** The current character; {@code 0} at the end. */
    char peek() { return pos < text.length() ? text.charAt(pos) : 0; }

    /** The character {@code k} after the current one; {@code 0} past the end. */
    char peek(int k) { return pos + k < text.length() ? text.charAt(pos + k) : 0; }

    char next() { return text.charAt(pos++); }

    boolean startsWith(String s) { return text.startsWith(s, pos); }

    /** Consumes {@code s} when the text continues with it. */
    boolean accept(String s) {
        if (text.startsWith(s, pos)) {
            pos += s.length();
            return true;
        }
        return false;
    }

    void skipSpace() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }

    /**
     * Reads a double-quoted string starting at the current {@code "}; {@code \"} and {@code \\}
     * stand for {@code "} and {@code \}, any other backslash is kept as it is (so a regex-like
     * {@code \d} in a phrase stays literal text).
     */
    String quoted() {
        int start = pos;
        pos++; // the opening quote
        StringBuilder sb = new StringBuilder();
        while (pos < text.length()) {
            char c = text.charAt(pos++);
            if (c == '"') {
                return sb.toString();
            }
            if (c == '\\' && pos < text.length() && (text.charAt(pos) == '"' || text.charAt(pos) == '\\')) {
                c = text.charAt(pos++);
            }
            sb.append(c);
        }
        throw error("Unterminated quoted string", start);
    }

    /**
     * {@code operand (symbol operand)*}, grouped to the left: how JSON and space-delimited patterns
     * read {@code &&} and {@code ||} ({@code &&} binds tighter when its chain is the operand of
     * the {@code ||} chain).
     */
    JsonExpr chain(String symbol, Supplier<JsonExpr> operand, BinaryOperator<JsonExpr> join) {
        JsonExpr left = operand.get();
        while (true) {
            skipSpace();
            if (!accept(symbol)) {
                return left;
            }
            left = join.apply(left, operand.get());
        }
    }

    FilterPatternException error(String reason) { return new FilterPatternException(reason, pos); }

    static FilterPatternException error(String reason, int at) { return new FilterPatternException(reason, at); }

    /** The error CloudWatch gives for characters a term may not hold unquoted, at {@code at}. */
    FilterPatternException invalidCharacters(int at) {
        int end = at;
        while (end < text.length() && !Character.isWhitespace(text.charAt(end)) && !unquotedChar(text.charAt(end))) {
            end++;
        }
        return new FilterPatternException("Invalid character(s) in term '" + text.substring(at, Math.max(end, at + 1)) + "'", at);
    }

    /** Letters, digits and {@code _}, ASCII only: all an unquoted term may hold. */
    static boolean unquotedChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    }
}
