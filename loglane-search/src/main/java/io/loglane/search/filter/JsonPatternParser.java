package io.loglane.search.filter;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses a JSON pattern <code>&#123; SELECTOR OP VALUE &#125;</code> with {@code &&}, {@code ||}
 * and parentheses ({@code ()} &gt; {@code &&} &gt; {@code ||}), {@code IS NULL}, {@code IS TRUE},
 * {@code IS FALSE} and {@code NOT EXISTS} (not {@code IS NOT} or {@code EXISTS}, which AWS does not
 * have). Selectors: {@code $} then {@code .name} (ASCII letters, digits, {@code -}, {@code _}),
 * {@code [N]}, {@code ['any.key']}, {@code [*]} or {@code .*}: at most one wildcard per selector
 * and three per pattern (S1). {@code $."x"} is refused as AWS refuses it (S8).
 *
 * <p>Thread-safety: not thread-safe; one per parse.
 */
final class JsonPatternParser {
    static final int MAX_WILDCARDS = 3;

    private final PatternScanner s;
    private final OperandParser operands;
    private int wildcards;

    private JsonPatternParser(PatternScanner s) {
        this.s = s;
        this.operands = new OperandParser(s);
    }

    static JsonExpr parse(PatternScanner s) {
        JsonPatternParser p = new JsonPatternParser(s);
        s.next(); // {
        JsonExpr e = p.or();
        s.skipSpace();
        if (!s.accept("}")) {
            throw s.error(s.atEnd() ? "Missing '}' at the end of the JSON pattern" : "Expected '&&', '||' or '}'");
        }
        s.skipSpace();
        if (!s.atEnd()) {
            throw s.error("Unexpected text after the JSON pattern");
        }
        return e;
    }

    private JsonExpr or() {
        return s.chain("||", this::and, JsonExpr.Or::new);
    }

    private JsonExpr and() {
        return s.chain("&&", this::primary, JsonExpr.And::new);
    }

    private JsonExpr primary() {
        s.skipSpace();
        if (s.accept("(")) {
            JsonExpr e = or();
            s.skipSpace();
            if (!s.accept(")")) {
                throw s.error("Expected ')'");
            }
            return e;
        }
        if (s.peek() != '$') {
            throw s.atEnd() || s.peek() == '}' || PatternScanner.unquotedChar(s.peek())
                    ? s.error("Expected a selector starting with '$.'") : s.invalidCharacters(s.pos());
        }
        Selector sel = selector();
        s.skipSpace();
        int opAt = s.pos();
        if (s.accept("IS")) {
            s.skipSpace();
            if (s.accept("NULL")) {
                return new JsonExpr.Condition(sel, JsonExpr.Op.IS_NULL, null);
            }
            if (s.accept("TRUE")) {
                return new JsonExpr.Condition(sel, JsonExpr.Op.IS_TRUE, null);
            }
            if (s.accept("FALSE")) {
                return new JsonExpr.Condition(sel, JsonExpr.Op.IS_FALSE, null);
            }
            if (s.startsWith("NOT")) {
                throw PatternScanner.error("IS NOT is not supported: use != or NOT EXISTS", opAt);
            }
            throw s.error("Expected NULL, TRUE or FALSE after IS");
        }
        if (s.accept("NOT")) {
            s.skipSpace();
            if (s.accept("EXISTS")) {
                return new JsonExpr.Condition(sel, JsonExpr.Op.NOT_EXISTS, null);
            }
            throw s.error("Expected EXISTS after NOT");
        }
        if (s.startsWith("EXISTS")) {
            throw PatternScanner.error("EXISTS is not supported: use = * (or NOT EXISTS)", opAt);
        }
        JsonExpr.Op op = operands.operator();
        if (op == null) {
            throw PatternScanner.error("Expected an operator (=, !=, <, >, <=, >=, IS, NOT EXISTS) after " + sel.text(), opAt);
        }
        return new JsonExpr.Condition(sel, op, operands.operand(op));
    }

    private Selector selector() {
        int start = s.pos();
        s.next(); // $
        List<Selector.Step> steps = new ArrayList<>();
        while (true) {
            if (s.peek() == '.') {
                s.next();
                if (s.peek() == '[') { // $.['a.b'] as AWS's examples write it
                    steps.add(bracket());
                    continue;
                }
                if (s.accept("*")) {
                    steps.add(new Selector.Any());
                    continue;
                }
                int nameAt = s.pos();
                while (nameChar(s.peek())) {
                    s.next();
                }
                if (s.pos() == nameAt) {
                    throw s.atEnd() || Character.isWhitespace(s.peek()) ? s.error("Expected a property name after '.'")
                            : s.invalidCharacters(s.pos());
                }
                steps.add(new Selector.Key(s.text().substring(nameAt, s.pos())));
            } else if (s.peek() == '[') {
                steps.add(bracket());
            } else {
                break;
            }
        }
        if (steps.isEmpty()) {
            throw s.error("Expected '.' or '[' after '$'");
        }
        Selector sel = new Selector(s.text().substring(start, s.pos()), steps, start);
        if (sel.wildcards() > 1) {
            throw PatternScanner.error("At most one wildcard is allowed in a selector", start);
        }
        wildcards += (int) sel.wildcards();
        if (wildcards > MAX_WILDCARDS) {
            throw PatternScanner.error("At most " + MAX_WILDCARDS + " wildcard selectors are allowed in a pattern", start);
        }
        if (!s.atEnd() && !Character.isWhitespace(s.peek()) && "=!<>)&|}".indexOf(s.peek()) < 0) {
            throw s.invalidCharacters(s.pos());
        }
        return sel;
    }

    private Selector.Step bracket() {
        int at = s.pos();
        s.next(); // [
        Selector.Step step;
        if (s.accept("*")) {
            step = new Selector.Any();
        } else if (s.peek() == '\'') {
            s.next();
            int from = s.pos();
            while (!s.atEnd() && s.peek() != '\'') {
                s.next();
            }
            if (s.atEnd()) {
                throw PatternScanner.error("Missing closing ' of the property name", at);
            }
            step = new Selector.Key(s.text().substring(from, s.pos()));
            s.next();
        } else {
            int from = s.pos();
            while (s.peek() >= '0' && s.peek() <= '9') {
                s.next();
            }
            if (s.pos() == from || s.pos() - from > 9) {
                throw PatternScanner.error("Expected an array index, '*' or a quoted property name in '[ ]'", at);
            }
            step = new Selector.Index(Integer.parseInt(s.text().substring(from, s.pos())));
        }
        if (!s.accept("]")) {
            throw s.error("Expected ']'");
        }
        return step;
    }

    private static boolean nameChar(char c) {
        return PatternScanner.unquotedChar(c) || c == '-';
    }
}
