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
    private final ConditionTree.Node root;

    JsonTest(PatternNode.JsonPattern pattern) {
        this.root = ConditionTree.compile(pattern.expr(), Cond::new);
    }

    @Override
    public boolean test(RecordView view, MessageBytes m) throws IOException {
        event.reset(view);
        return root.eval() && event.structured();
    }

    private final class Cond implements ConditionTree.Node {
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
        public boolean eval() throws IOException {
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
