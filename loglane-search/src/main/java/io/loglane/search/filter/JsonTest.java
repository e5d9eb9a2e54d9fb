package io.loglane.search.filter;

import io.loglane.core.event.RecordView;
import java.io.IOException;

/**
 * A JSON pattern against a record's {@link JsonEvent}. A condition holds when some value its
 * selector reaches satisfies it (one value, or any of a wildcard's); {@code NOT EXISTS} when the
 * selector reaches nothing. {@code &&} and {@code ||} short-circuit. The record must be a JSON
 * event at all ({@link JsonEvent#structured()}), checked only once the expression holds.
 *
 * <p>Thread-safety: not thread-safe; one per matcher.
 */
final class JsonTest implements RecordTest {
    private final JsonEvent event = new JsonEvent();
    private final Scalar scalar = new Scalar();
    private final Node root;

    JsonTest(PatternNode.JsonPattern pattern) {
        this.root = compile(pattern.expr());
    }

    @Override
    public boolean test(RecordView view, MessageBytes m) throws IOException {
        event.reset(view);
        return root.eval() && event.structured();
    }

    private Node compile(JsonExpr e) {
        return switch (e) {
            case JsonExpr.And a -> new Junction(true, compile(a.left()), compile(a.right()));
            case JsonExpr.Or o -> new Junction(false, compile(o.left()), compile(o.right()));
            case JsonExpr.Condition c -> new Cond(c);
        };
    }

    private abstract static class Node {
        abstract boolean eval() throws IOException;
    }

    /** {@code &&} or {@code ||}, short-circuiting. */
    private static final class Junction extends Node {
        private final boolean and;
        private final Node left;
        private final Node right;

        Junction(boolean and, Node left, Node right) {
            this.and = and;
            this.left = left;
            this.right = right;
        }

        @Override
        boolean eval() throws IOException { return and ? left.eval() && right.eval() : left.eval() || right.eval(); }
    }

    private final class Cond extends Node {
        private final Selector selector;
        private final byte[][] keys;
        private final ConditionCheck check;

        Cond(JsonExpr.Condition c) {
            this.selector = c.selector();
            this.keys = c.selector().steps().stream()
                    .map(s -> s instanceof Selector.Key k ? k.utf8() : null).toArray(byte[][]::new);
            this.check = new ConditionCheck(c.op(), c.operand());
        }

        @Override
        boolean eval() throws IOException {
            int n = event.resolve(selector, keys);
            if (check.op() == JsonExpr.Op.NOT_EXISTS) {
                return n == 0;
            }
            for (int i = 0; i < n; i++) {
                event.load(i, scalar);
                if (check.test(scalar)) {
                    return true;
                }
            }
            return false;
        }
    }
}
