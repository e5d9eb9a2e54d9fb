package io.loglane.core.config;

import io.loglane.core.parse.FieldType;
import io.loglane.core.parse.ParserSpec;
import io.loglane.core.parse.Parsers;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Reads a {@code parser:} value into a {@link ParserSpec} and checks it by building it
 * ({@link Parsers#build}), so a bad regex, format or type is reported at its own line and key:
 * <pre>
 *   parser: nginx_combined                      # one parser by name
 *   parser: [json, logfmt]                      # a chain: the first that matches a line decides
 *   parser:
 *     - regex: '^(?P&lt;level&gt;\w+) (?P&lt;took&gt;[\d.]+)ms'   # a parser with its argument …
 *       types: {took: double}                   # … and options: types, time_key, time_format
 *     - {name: logfmt, time_key: at, time_format: '%Y-%m-%dT%H:%M:%S%z'}
 * </pre>
 *
 * <p>Thread-safety: stateless.
 */
final class ParserSpecReader {
    private static final List<String> OPTIONS = List.of("types", "time_key", "time_format");

    private ParserSpecReader() {}

    static ParserSpec read(Node node) {
        List<Node> items = node instanceof SequenceNode seq ? seq.getValue() : List.of(node);
        boolean list = node instanceof SequenceNode;
        if (items.isEmpty()) {
            throw new ConfigValueException(node, "", "a parser chain needs at least one parser");
        }
        List<ParserSpec.Step> steps = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            String at = list ? "[" + i + "]" : "";
            try {
                steps.add(step(items.get(i)));
            } catch (ConfigValueException e) {
                throw new ConfigValueException(e.node(), at + e.subKey(), e.getMessage());
            }
        }
        ParserSpec spec = new ParserSpec(steps);
        try {
            Parsers.build(spec);
        } catch (Parsers.StepException e) {
            throw new ConfigValueException(items.get(e.step()), list ? "[" + e.step() + "]" : "", e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new ConfigValueException(node, "", e.getMessage());
        }
        return spec;
    }

    private static ParserSpec.Step step(Node item) {
        if (item instanceof ScalarNode) {
            String name = YamlNodes.scalar(item);
            if (name.equals(ParserSpec.REGEX) || name.equals(ParserSpec.NGINX_FORMAT)) {
                throw new ConfigValueException(item, "", name + " takes its pattern: {" + name + ": '…'}");
            }
            checkName(item, name);
            return ParserSpec.Step.named(name);
        }
        MappingNode m;
        try {
            m = YamlNodes.mapping(item);
        } catch (ConfigValueException e) {
            throw new ConfigValueException(item, "", "a parser is a name, a list of parsers, or a mapping such as {regex: '…'}");
        }
        String kind = null;
        String pattern = null;
        Map<String, FieldType> types = new LinkedHashMap<>();
        String timeKey = null;
        String timeFormat = null;
        for (NodeTuple t : YamlNodes.entries(m)) {
            String k = YamlNodes.key(t);
            Node v = t.getValueNode();
            switch (k) {
                case "name" -> {
                    kind = sub(v, ".name", YamlNodes::scalar);
                    checkName(v, kind);
                }
                case ParserSpec.REGEX, ParserSpec.NGINX_FORMAT -> {
                    if (kind != null) {
                        throw new ConfigValueException(t.getKeyNode(), "." + k, "one parser per item: " + kind + " is already given");
                    }
                    kind = k;
                    pattern = sub(v, "." + k, YamlNodes::scalar);
                }
                case "types" -> types = sub(v, ".types", ParserSpecReader::types);
                case "time_key" -> timeKey = sub(v, ".time_key", YamlNodes::scalar);
                case "time_format" -> timeFormat = sub(v, ".time_format", YamlNodes::scalar);
                default -> throw new ConfigValueException(t.getKeyNode(), "." + k, "unknown key (a parser item has name, regex or nginx_format, and "
                        + String.join(", ", OPTIONS) + ")");
            }
        }
        if (kind == null) {
            throw new ConfigValueException(item, "", "a parser item needs name, regex or nginx_format");
        }
        return new ParserSpec.Step(kind, pattern, types, timeKey, timeFormat);
    }

    private static Map<String, FieldType> types(Node node) {
        Map<String, FieldType> out = new LinkedHashMap<>();
        for (NodeTuple t : YamlNodes.entries(YamlNodes.mapping(node))) {
            String field = YamlNodes.key(t);
            String type = sub(t.getValueNode(), "." + field, YamlNodes::scalar);
            try {
                out.put(field, ParserSpec.typeNamed(type));
            } catch (IllegalArgumentException e) {
                throw new ConfigValueException(t.getValueNode(), "." + field, e.getMessage());
            }
        }
        return out;
    }

    private static void checkName(Node node, String name) {
        if (!Parsers.names().contains(name)) {
            throw new ConfigValueException(node, "", "unknown parser \"" + name + "\" (known: " + String.join(", ", Parsers.kinds()) + ")");
        }
    }

    private static <T> T sub(Node node, String subKey, java.util.function.Function<Node, T> f) {
        try {
            return f.apply(node);
        } catch (ConfigValueException e) {
            throw new ConfigValueException(e.node(), subKey + e.subKey(), e.getMessage());
        }
    }
}
