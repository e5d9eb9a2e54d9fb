package io.loglane.core.config;

import io.loglane.core.parse.MultilineSpec;
import java.util.ArrayList;
import java.util.List;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

/**
 * Reads a lane's {@code multiline:} into a {@link MultilineSpec}: a built-in name, or a list of
 * names and user rules, each regex checked (RE2/J syntax) at its own line and key:
 * <pre>
 *   multiline: java
 *   multiline: [java, python, {start: '^\d{4}-\d\d-\d\d ', continue: '^\s'}]
 * </pre>
 *
 * <p>Thread-safety: stateless.
 */
final class MultilineReader {
    private MultilineReader() {}

    static MultilineSpec read(Node node) {
        boolean list = node instanceof org.snakeyaml.engine.v2.nodes.SequenceNode;
        List<Node> items = list ? YamlNodes.items(node) : List.of(node);
        List<MultilineSpec.Rule> rules = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            Node item = items.get(i);
            String at = list ? "[" + i + "]" : "";
            if (item instanceof ScalarNode) {
                String name = YamlNodes.scalar(item);
                if (!MultilineSpec.BUILT_IN.contains(name)) {
                    throw new ConfigValueException(item, at, "unknown multiline rule \"" + name + "\" (built in: "
                            + String.join(", ", MultilineSpec.BUILT_IN) + "; or {start: regex, continue: regex})");
                }
                rules.add(MultilineSpec.Rule.named(name));
                continue;
            }
            MappingNode m;
            try {
                m = YamlNodes.mapping(item);
            } catch (ConfigValueException e) {
                throw new ConfigValueException(item, at, "a multiline rule is a built-in name or {start: regex, continue: regex}");
            }
            String start = null;
            String cont = null;
            for (NodeTuple t : YamlNodes.entries(m)) {
                String k = YamlNodes.key(t);
                String v = YamlNodes.itemScalar(t, at);
                check(t.getValueNode(), at + "." + k, v);
                switch (k) {
                    case "start" -> start = v;
                    case "continue" -> cont = v;
                    default -> throw new ConfigValueException(t.getKeyNode(), at + "." + k, "unknown key (a multiline rule has start and continue)");
                }
            }
            if (cont == null) {
                throw new ConfigValueException(item, at, "a multiline rule needs continue: regex (start: is optional)");
            }
            rules.add(new MultilineSpec.Rule(null, start, cont));
        }
        return new MultilineSpec(rules);
    }

    private static void check(Node node, String at, String regex) {
        try {
            com.google.re2j.Pattern.compile(regex);
        } catch (com.google.re2j.PatternSyntaxException e) {
            throw new ConfigValueException(node, at, "bad regex: " + e.getMessage());
        }
    }
}
