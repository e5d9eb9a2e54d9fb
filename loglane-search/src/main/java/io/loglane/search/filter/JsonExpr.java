package io.loglane.search.filter;

/**
 * The body of a JSON pattern <code>&#123; … &#125;</code>: conditions joined by {@code &&} and
 * {@code ||} ({@code &&} binds tighter; parentheses group).
 *
 * <p>Thread-safety: immutable.
 */
public sealed interface JsonExpr {

    record And(JsonExpr left, JsonExpr right) implements JsonExpr {}

    record Or(JsonExpr left, JsonExpr right) implements JsonExpr {}

    /** {@code selector op operand}; {@code operand} is null for the unary tests. */
    record Condition(Selector selector, Op op, Operand operand) implements JsonExpr {}

    /** The comparisons and tests a condition may make. */
    enum Op {
        EQ("="), NE("!="), LT("<"), GT(">"), LE("<="), GE(">="),
        IS_NULL("IS NULL"), IS_TRUE("IS TRUE"), IS_FALSE("IS FALSE"), NOT_EXISTS("NOT EXISTS");

        private final String symbol;

        Op(String symbol) { this.symbol = symbol; }

        public String symbol() { return symbol; }

        /** {@code < > <= >=}: they need a number on the right. */
        public boolean relational() { return this == LT || this == GT || this == LE || this == GE; }
    }
}
