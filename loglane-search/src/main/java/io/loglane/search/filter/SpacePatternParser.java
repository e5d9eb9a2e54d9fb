package io.loglane.search.filter;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses a space-delimited pattern: {@code [} slots separated by {@code ,} {@code ]}. A slot is
 * {@code ...}, a field name (ASCII letters, digits, {@code _}), or a name with conditions:
 * {@code name op value}, several joined by {@code &&} / {@code ||} ({@code &&} binds tighter),
 * each naming the slot's own field (ambiguity 9: S4's {@code status_code = 4* && bytes > 1000}
 * in one slot is refused, since a slot is one field). Operators and values as in JSON patterns
 * ({@link OperandParser}).
 *
 * <p>Thread-safety: stateless.
 */
final class SpacePatternParser {
    private SpacePatternParser() {}

    static PatternNode.SpaceDelimited parse(PatternScanner s) {
        OperandParser operands = new OperandParser(s);
        s.next(); // [
        List<PatternNode.Slot> slots = new ArrayList<>();
        while (true) {
            s.skipSpace();
            int at = s.pos();
            if (s.accept("...")) {
                slots.add(new PatternNode.Ellipsis(at));
            } else {
                slots.add(field(s, operands));
            }
            s.skipSpace();
            if (s.accept("]")) {
                break;
            }
            if (!s.accept(",")) {
                throw s.error(s.atEnd() ? "Missing ']' at the end of the space-delimited pattern" : "Expected ',' or ']'");
            }
        }
        s.skipSpace();
        if (!s.atEnd()) {
            throw s.error("Unexpected text after the space-delimited pattern");
        }
        return new PatternNode.SpaceDelimited(slots);
    }

    private static PatternNode.Field field(PatternScanner s, OperandParser operands) {
        s.skipSpace();
        int at = s.pos();
        String name = name(s);
        if (!s.atEnd() && !Character.isWhitespace(s.peek()) && ",]=!<>".indexOf(s.peek()) < 0) {
            throw s.invalidCharacters(s.pos());
        }
        JsonExpr condition = null;
        if (operands.peekOperator()) {
            s.pos(at); // each comparison reads its field name, the first one included
            condition = s.chain("||", () -> s.chain("&&", () -> comparison(s, operands, name, at), JsonExpr.And::new),
                    JsonExpr.Or::new);
        }
        return new PatternNode.Field(name, condition, at);
    }

    /** {@code name op value}, where {@code name} must be the slot's. */
    private static JsonExpr comparison(PatternScanner s, OperandParser operands, String name, int at) {
        s.skipSpace();
        int nameAt = s.pos();
        String other = name(s);
        if (!other.equals(name)) {
            throw PatternScanner.error("Condition on '" + other + "' in the slot of field '" + name
                    + "': each field takes its own slot", nameAt);
        }
        int opAt = s.pos();
        JsonExpr.Op op = operands.operator();
        if (op == null) {
            throw PatternScanner.error("Expected an operator (=, !=, <, >, <=, >=) after " + name, opAt);
        }
        Selector self = new Selector(name, List.of(new Selector.Key(name)), at);
        return new JsonExpr.Condition(self, op, operands.operand(op));
    }

    private static String name(PatternScanner s) {
        s.skipSpace();
        int from = s.pos();
        while (PatternScanner.unquotedChar(s.peek())) {
            s.next();
        }
        if (s.pos() == from) {
            throw s.atEnd() || ",]".indexOf(s.peek()) >= 0 || Character.isWhitespace(s.peek())
                    ? s.error("Expected a field name or '...'") : s.invalidCharacters(s.pos());
        }
        return s.text().substring(from, s.pos());
    }
}
