package io.loglane.search.filter;

import io.loglane.core.event.RecordView;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * A space-delimited pattern against the message's fields ({@link MessageFields}). Without
 * {@code ...} the message must have exactly as many fields as the pattern has slots (ambiguity 1:
 * S4's rule that {@code [w1=ERROR, w2]} does not match {@code ERROR WARN message}); each
 * {@code ...} takes any number of fields, found by dynamic programming over (slot, field) so no
 * backtracking blows up. Each field's conditions are {@link ConditionCheck}s on its text.
 *
 * <p>Thread-safety: not thread-safe; one per matcher.
 */
final class SpaceTest implements RecordTest {
    private final ConditionTree.Node[] conditions; // per slot; null: any field (or an ellipsis)
    private final String[] names; // per slot; null for an ellipsis
    private final boolean[] ellipsis;
    private final boolean hasEllipsis;
    private final MessageFields fields = new MessageFields();
    private final Scalar scalar = new Scalar();
    private boolean[] reach = new boolean[64];
    private byte[] text;

    SpaceTest(PatternNode.SpaceDelimited pattern) {
        int n = pattern.slots().size();
        conditions = new ConditionTree.Node[n];
        ellipsis = new boolean[n];
        names = new String[n];
        for (int i = 0; i < n; i++) {
            if (pattern.slots().get(i) instanceof PatternNode.Field f) {
                names[i] = f.name();
            }
            switch (pattern.slots().get(i)) {
                case PatternNode.Ellipsis e -> ellipsis[i] = true;
                case PatternNode.Field f -> conditions[i] = f.condition() == null ? null
                        : ConditionTree.compile(f.condition(), c -> {
                            ConditionCheck check = new ConditionCheck(c.op(), c.operand());
                            return () -> check.test(scalar);
                        });
            }
        }
        hasEllipsis = pattern.hasEllipsis();
    }

    @Override
    public boolean test(RecordView view, MessageBytes m) throws IOException {
        text = m.array;
        fields.split(m.array, m.offset, m.length);
        int slots = conditions.length;
        int n = fields.count;
        if (!hasEllipsis) {
            if (n != slots) {
                return false;
            }
            for (int i = 0; i < n; i++) {
                if (!fieldMatches(i, i)) {
                    return false;
                }
            }
            return true;
        }
        // reach[j*(n+1)+i]: slots [j, slots) match fields [i, n); filled from the last slot back
        int width = n + 1;
        int size = (slots + 1) * width;
        if (reach.length < size) {
            reach = new boolean[Math.max(size, reach.length * 2)];
        }
        Arrays.fill(reach, 0, size, false);
        reach[slots * width + n] = true;
        for (int j = slots - 1; j >= 0; j--) {
            for (int i = n; i >= 0; i--) {
                boolean r;
                if (ellipsis[j]) {
                    r = reach[(j + 1) * width + i] || (i < n && reach[j * width + i + 1]);
                } else {
                    r = i < n && reach[(j + 1) * width + i + 1] && fieldMatches(j, i);
                }
                reach[j * width + i] = r;
            }
        }
        return reach[0];
    }

    /**
     * After {@link #test} returned true: each named slot's field as {@code $name → text}, in slot
     * order (AWS TestMetricFilter's {@code extractedValues}). Where {@code ...} could take more or
     * fewer fields, it takes as few as a match allows.
     */
    void extracted(Map<String, String> out) {
        int n = fields.count;
        int width = n + 1;
        for (int j = 0, i = 0; j < conditions.length; j++) {
            if (ellipsis[j]) {
                while (!reach[(j + 1) * width + i]) {
                    i++;
                }
            } else {
                int s = fields.start[i];
                out.put("$" + names[j], new String(text, s, fields.end[i] - s, StandardCharsets.UTF_8));
                i++;
            }
        }
    }

    private boolean fieldMatches(int slot, int field) throws IOException {
        ConditionTree.Node c = conditions[slot];
        if (c == null) {
            return true;
        }
        scalar.string(text, fields.start[field], fields.end[field] - fields.start[field]);
        return c.eval();
    }
}
