package io.loglane.core.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * Internal helpers over snakeyaml-engine nodes: shape checks that throw
 * {@link ConfigValueException} pointing at the offending node.
 *
 * <p>Thread-safety: stateless.
 */
final class YamlNodes {
    private YamlNodes() {}

    /** 1-based line of a node (1 when the node carries no mark). */
    static int line(Node node) {
        return node.getStartMark().map(m -> m.getLine() + 1).orElse(1);
    }

    /** The text of a non-null scalar. */
    static String scalar(Node node) {
        if (!(node instanceof ScalarNode s)) {
            throw new ConfigValueException(node, "", "expected a single value, found a " + kind(node));
        }
        if (Tag.NULL.equals(s.getTag()) && s.isPlain()) {
            throw new ConfigValueException(node, "", "a value is required");
        }
        return s.getValue();
    }

    static MappingNode mapping(Node node) {
        if (node instanceof MappingNode m) {
            return m;
        }
        throw new ConfigValueException(node, "", "expected a mapping (key: value lines), found a " + kind(node));
    }

    /** A sequence, or a single scalar read as a one-item list ({@code equals: access}). */
    static List<Node> items(Node node) {
        if (node instanceof SequenceNode seq) {
            return seq.getValue();
        }
        if (node instanceof ScalarNode) {
            scalar(node);
            return List.of(node);
        }
        throw new ConfigValueException(node, "", "expected a list, found a " + kind(node));
    }

    /** Scalar strings of a list (or a single scalar). */
    static List<String> strings(Node node) {
        List<String> out = new ArrayList<>();
        List<Node> items = items(node);
        for (int i = 0; i < items.size(); i++) {
            try {
                out.add(scalar(items.get(i)));
            } catch (ConfigValueException e) {
                throw new ConfigValueException(e.node(), "[" + i + "]", e.getMessage());
            }
        }
        return out;
    }

    /** The tuples of a mapping whose keys are plain strings, rejecting duplicate keys. */
    static List<NodeTuple> entries(MappingNode m) {
        Set<String> seen = new HashSet<>();
        for (NodeTuple t : m.getValue()) {
            String key = key(t);
            if (!seen.add(key)) {
                throw new ConfigValueException(t.getKeyNode(), "", "duplicate key \"" + key + "\"");
            }
        }
        return m.getValue();
    }

    /**
     * The scalar value of one entry of a list item's mapping; a problem is reported under
     * {@code at.key} (e.g. {@code [1].password}) at the value's line.
     */
    static String itemScalar(NodeTuple t, String at) {
        try {
            return scalar(t.getValueNode());
        } catch (ConfigValueException e) {
            throw new ConfigValueException(e.node(), at + "." + key(t), e.getMessage());
        }
    }

    static String key(NodeTuple t) {
        if (!(t.getKeyNode() instanceof ScalarNode s)) {
            throw new ConfigValueException(t.getKeyNode(), "", "keys must be plain names");
        }
        return s.getValue();
    }

    private static String kind(Node node) {
        return switch (node.getNodeType()) {
            case MAPPING -> "mapping";
            case SEQUENCE -> "list";
            case SCALAR -> "value";
            default -> node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
