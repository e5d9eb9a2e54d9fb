package io.loglane.search.filter;

import java.util.Arrays;

/**
 * One condition's test of a value, compiled for matching: the operand's bytes computed once.
 * Shared by JSON and space-delimited patterns. The rules (choices marked in the package page):
 * <ul>
 *   <li>{@code IS NULL} holds for a null only; {@code IS TRUE}/{@code IS FALSE} for booleans only
 *       (not the string {@code "true"}).</li>
 *   <li>An object or array, a null, or a binary value fails every comparison, {@code !=}
 *       included.</li>
 *   <li>{@code = text} compares the value's text exactly, with leading/trailing {@code *} as
 *       wildcards; a number's text is its decimal form ({@code 4*} matches 404); {@code = *}
 *       holds for any value that fails none of the above, booleans included (a boolean has no
 *       text: {@code = true} does not match it; {@code IS TRUE} does).</li>
 *   <li>{@code = number} and {@code < > <= >=} compare numerically with a number, or with a
 *       string that is a number ({@code "400"}); anything else fails them.</li>
 *   <li>{@code = %regex%} searches the value's text; {@code !=} is the negation of {@code =}.</li>
 * </ul>
 *
 * <p>Thread-safety: not thread-safe (its regex search holds state); one per matcher.
 */
final class ConditionCheck {
    private final JsonExpr.Op op;
    private final Operand operand;
    private final byte[] core;
    private final RegexSearch regex;

    ConditionCheck(JsonExpr.Op op, Operand operand) {
        this.op = op;
        this.operand = operand;
        this.core = operand instanceof Operand.Text t ? t.coreBytes() : null;
        this.regex = operand instanceof Operand.RegexValue r ? new RegexSearch(r.regex()) : null;
    }

    JsonExpr.Op op() { return op; }

    /** Whether the value {@code v}, which exists, satisfies the condition. */
    boolean test(Scalar v) {
        switch (op) {
            case IS_NULL -> {
                return v.kind == Scalar.Kind.NULL;
            }
            case IS_TRUE -> {
                return v.kind == Scalar.Kind.BOOLEAN && v.booleanValue;
            }
            case IS_FALSE -> {
                return v.kind == Scalar.Kind.BOOLEAN && !v.booleanValue;
            }
            case NOT_EXISTS -> {
                return false;
            }
            default -> { }
        }
        if (v.kind == Scalar.Kind.NULL || v.kind == Scalar.Kind.CONTAINER || v.kind == Scalar.Kind.OTHER) {
            return false;
        }
        if (op.relational()) {
            if (!v.number()) {
                return false;
            }
            int c = compare(v, (Operand.Number) operand);
            return switch (op) {
                case LT -> c < 0;
                case GT -> c > 0;
                case LE -> c <= 0;
                default -> c >= 0;
            };
        }
        boolean eq = equal(v);
        return op == JsonExpr.Op.EQ ? eq : !eq;
    }

    private boolean equal(Scalar v) {
        switch (operand) {
            case Operand.Number n -> {
                return v.kind != Scalar.Kind.BOOLEAN && v.number() && compare(v, n) == 0;
            }
            case Operand.Text t -> {
                if (t.wildcard() == Operand.Wildcard.ANY) {
                    return true;
                }
                if (v.kind == Scalar.Kind.BOOLEAN) {
                    return false;
                }
                v.asText();
                return wildcard(t.wildcard(), v.array, v.offset, v.length);
            }
            case Operand.RegexValue r -> {
                if (v.kind == Scalar.Kind.BOOLEAN) {
                    return false;
                }
                v.asText();
                return regex.find(v.array, v.offset, v.length);
            }
        }
    }

    private boolean wildcard(Operand.Wildcard w, byte[] b, int off, int len) {
        int n = core.length;
        return switch (w) {
            case EXACT -> len == n && Arrays.equals(b, off, off + len, core, 0, n);
            case PREFIX -> len >= n && Arrays.equals(b, off, off + n, core, 0, n);
            case SUFFIX -> len >= n && Arrays.equals(b, off + len - n, off + len, core, 0, n);
            case CONTAINS -> ByteSearch.contains(b, off, len, core);
            case ANY -> true;
        };
    }

    /** Compares a number ({@link Scalar#number()} true) with a number literal. */
    private static int compare(Scalar v, Operand.Number n) {
        if (v.numberKind() == Scalar.Kind.LONG && n.integral()) {
            return Long.compare(v.longValue, n.asLong());
        }
        double d = v.numberKind() == Scalar.Kind.LONG ? v.longValue : v.doubleValue;
        return d < n.value() ? -1 : d > n.value() ? 1 : 0; // not Double.compare: -0.0 equals 0
    }
}
