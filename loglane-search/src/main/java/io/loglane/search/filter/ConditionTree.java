package io.loglane.search.filter;

import java.io.IOException;
import java.util.function.Function;

/**
 * Compiles a {@link JsonExpr} into short-circuiting {@code &&}/{@code ||} over leaves the caller
 * makes from each condition: JSON patterns resolve a selector in their leaves, space-delimited
 * patterns read the field at hand.
 *
 * <p>Thread-safety: the tree is as thread-safe as its leaves (not at all, for the matchers' leaves).
 */
final class ConditionTree {
    private ConditionTree() {}

    /** A compiled condition or junction. */
    interface Node {
        boolean eval() throws IOException;
    }

    static Node compile(JsonExpr e, Function<JsonExpr.Condition, Node> leaf) {
        return switch (e) {
            case JsonExpr.And a -> new Junction(true, compile(a.left(), leaf), compile(a.right(), leaf));
            case JsonExpr.Or o -> new Junction(false, compile(o.left(), leaf), compile(o.right(), leaf));
            case JsonExpr.Condition c -> leaf.apply(c);
        };
    }

    /** {@code &&} or {@code ||}, short-circuiting. */
    private record Junction(boolean and, Node left, Node right) implements Node {
        @Override
        public boolean eval() throws IOException {
            return and ? left.eval() && right.eval() : left.eval() || right.eval();
        }
    }
}
