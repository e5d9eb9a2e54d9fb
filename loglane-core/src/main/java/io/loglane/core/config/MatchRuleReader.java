package io.loglane.core.config;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;

/**
 * Reads a lane's {@code match:} list into {@link MatchRule}s. Each item is a mapping with exactly
 * one rule key:
 * <pre>
 *   - field: log_type            # a top-level record field …
 *     equals: [access, nginx]    # … whose string value is one of these (a single value is fine)
 *   - tag_suffix: [access]       # the last dot-separated part of the tag
 *   - content: access_line       # a content detector: access_line | error_level | stack_trace | audit_marker
 * </pre>
 *
 * <p>Thread-safety: stateless.
 */
final class MatchRuleReader {
    /** Detector names as written in YAML. */
    static final List<String> CONTENT_NAMES = List.of("access_line", "error_level", "stack_trace", "audit_marker");

    private MatchRuleReader() {}

    static List<MatchRule> read(Node node) {
        List<Node> items = YamlNodes.items(node);
        List<MatchRule> rules = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            try {
                rules.add(readRule(items.get(i)));
            } catch (ConfigValueException e) {
                throw new ConfigValueException(e.node(), "[" + i + "]" + e.subKey(), e.getMessage());
            }
        }
        return List.copyOf(rules);
    }

    private static MatchRule readRule(Node item) {
        MappingNode m;
        try {
            m = YamlNodes.mapping(item);
        } catch (ConfigValueException e) {
            throw new ConfigValueException(item, "", "a rule is a mapping: field/equals, tag_suffix or content");
        }
        Node field = null;
        Node equals = null;
        Node tagSuffix = null;
        Node content = null;
        for (NodeTuple t : YamlNodes.entries(m)) {
            String k = YamlNodes.key(t);
            switch (k) {
                case "field" -> field = t.getValueNode();
                case "equals" -> equals = t.getValueNode();
                case "tag_suffix" -> tagSuffix = t.getValueNode();
                case "content" -> content = t.getValueNode();
                default -> throw new ConfigValueException(t.getKeyNode(), "." + k,
                        "unknown key (a rule has field + equals, tag_suffix, or content)");
            }
        }
        int kinds = (field != null ? 1 : 0) + (tagSuffix != null ? 1 : 0) + (content != null ? 1 : 0);
        if (kinds != 1) {
            throw new ConfigValueException(item, "", "a rule has exactly one of field, tag_suffix, content");
        }
        if (equals != null && field == null) {
            throw new ConfigValueException(equals, ".equals", "equals belongs to a field rule");
        }
        if (field != null) {
            String name = sub(field, ".field", YamlNodes::scalar);
            if (equals == null) {
                throw new ConfigValueException(field, ".equals", "a field rule needs equals: [values]");
            }
            List<String> values = sub(equals, ".equals", YamlNodes::strings);
            if (values.isEmpty()) {
                throw new ConfigValueException(equals, ".equals", "needs at least one value");
            }
            return new MatchRule.Field(name, new LinkedHashSet<>(values));
        }
        if (tagSuffix != null) {
            List<String> suffixes = sub(tagSuffix, ".tag_suffix", YamlNodes::strings);
            if (suffixes.isEmpty()) {
                throw new ConfigValueException(tagSuffix, ".tag_suffix", "needs at least one suffix");
            }
            for (String s : suffixes) {
                if (s.isEmpty() || s.contains(".")) {
                    throw new ConfigValueException(tagSuffix, ".tag_suffix", "a suffix is one tag part without dots, got \"" + s + "\"");
                }
            }
            return new MatchRule.TagSuffix(Set.copyOf(suffixes));
        }
        String kind = sub(content, ".content", YamlNodes::scalar);
        if (!CONTENT_NAMES.contains(kind)) {
            throw new ConfigValueException(content, ".content",
                    "unknown detector \"" + kind + "\" (known: " + String.join(", ", CONTENT_NAMES) + ")");
        }
        return new MatchRule.Content(MatchRule.ContentKind.valueOf(kind.toUpperCase(Locale.ROOT)));
    }

    private static <T> T sub(Node node, String subKey, java.util.function.Function<Node, T> f) {
        try {
            return f.apply(node);
        } catch (ConfigValueException e) {
            throw new ConfigValueException(e.node(), subKey + e.subKey(), e.getMessage());
        }
    }
}
