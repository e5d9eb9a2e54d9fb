package io.loglane.core.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * Internal: applies one composed YAML document to {@link ConfigLayers}, validating every key and
 * value against the build's {@link ConfigSchema}. Each problem becomes a {@link ConfigException} naming the
 * file, the 1-based line and the dotted key; reading goes on after an error so that
 * {@code check-config} reports them all.
 *
 * <p>Thread-safety: not thread-safe; one per file.
 */
final class ConfigFileReader {
    private final ConfigSchema schema;
    private final String file;
    private final ConfigLayers layers;
    private final List<ConfigException> errors;

    ConfigFileReader(ConfigSchema schema, String file, ConfigLayers layers, List<ConfigException> errors) {
        this.schema = schema;
        this.file = file;
        this.layers = layers;
        this.errors = errors;
    }

    void apply(Node root) {
        layers.lastFile = file;
        if (root == null || isNull(root)) {
            return; // an empty file changes nothing
        }
        List<NodeTuple> entries = entriesOf(root, "(top level)");
        if (entries == null) {
            return;
        }
        for (NodeTuple t : entries) {
            String section = YamlNodes.key(t);
            Node value = t.getValueNode();
            switch (section) {
                case "inputs" -> readInputs(value);
                case "lanes" -> readLanes(value);
                default -> {
                    if (!schema.sections().contains(section)) {
                        error(t.getKeyNode(), section, "unknown section (known: " + String.join(", ", schema.sections()) + ")");
                        continue;
                    }
                    // server, stream, query and each store type's section: plain settings
                    MappingNode m = guard(value, section, () -> YamlNodes.mapping(value));
                    if (m != null) {
                        readKeys(m, section, section, layers.settings);
                    }
                }
            }
        }
    }

    /** Reads the keys of a mapping below {@code schemaPrefix}, recursing into sub-sections. */
    private void readKeys(MappingNode m, String schemaPrefix, String displayPrefix, Map<String, ConfigLayers.Setting> into) {
        List<NodeTuple> entries = guard(m, displayPrefix, () -> YamlNodes.entries(m));
        if (entries == null) {
            return;
        }
        for (NodeTuple t : entries) {
            String k = YamlNodes.key(t);
            String schemaPath = schemaPrefix + "." + k;
            String display = displayPrefix + "." + k;
            ConfigKey key = schema.key(schemaPath);
            Node value = t.getValueNode();
            if (key != null) {
                Object v = guard(value, display, () -> key.read(value));
                if (v != null) {
                    into.put(schemaPath, new ConfigLayers.Setting(v, origin(value)));
                }
            } else if (schema.isSection(schemaPath)) {
                MappingNode sub = guard(value, display, () -> YamlNodes.mapping(value));
                if (sub != null) {
                    readKeys(sub, schemaPath, display, into);
                }
            } else {
                error(t.getKeyNode(), display, "unknown key (known here: " + String.join(", ", knownBelow(schemaPrefix)) + ")");
            }
        }
    }

    private void readInputs(Node node) {
        List<Node> items = guard(node, "inputs", () -> {
            if (!(node instanceof org.snakeyaml.engine.v2.nodes.SequenceNode)) {
                throw new ConfigValueException(node, "", "expected a list of inputs (- type: forward)");
            }
            return YamlNodes.items(node);
        });
        if (items == null) {
            return;
        }
        Set<String> namesInFile = new HashSet<>();
        for (int i = 0; i < items.size(); i++) {
            Node item = items.get(i);
            String display = "inputs[" + i + "]";
            MappingNode m = guard(item, display, () -> YamlNodes.mapping(item));
            if (m == null || guard(m, display, () -> YamlNodes.entries(m)) == null) {
                continue;
            }
            Node typeNode = null;
            for (NodeTuple t : m.getValue()) {
                if ("type".equals(YamlNodes.key(t))) {
                    typeNode = t.getValueNode();
                }
            }
            if (typeNode == null) {
                error(item, display + ".type", "required (known: " + String.join(", ", schema.inputTypes()) + ")");
                continue;
            }
            Node tn = typeNode;
            ConfigKey typeKey = schema.key("inputs[].type");
            String type = (String) guard(tn, display + ".type", () -> typeKey.read(tn));
            if (type == null) {
                continue;
            }
            Map<String, ConfigLayers.Setting> values = new java.util.LinkedHashMap<>();
            for (NodeTuple t : m.getValue()) {
                String k = YamlNodes.key(t);
                ConfigKey key = schema.key("inputs[]." + k);
                if (key == null) {
                    key = schema.key("inputs[" + type + "]." + k);
                }
                if (key == null && schema.isSection("inputs[" + type + "]." + k)) {
                    // a sub-section of the type's keys, e.g. a forward input's tls: {cert, key, ca}
                    Node sectionNode = t.getValueNode();
                    MappingNode sub = guard(sectionNode, display + "." + k, () -> YamlNodes.mapping(sectionNode));
                    if (sub != null) {
                        readKeys(sub, "inputs[" + type + "]." + k, display + "." + k, values);
                    }
                    continue;
                }
                if (key == null) {
                    List<String> known = new ArrayList<>(knownBelow("inputs[]"));
                    known.addAll(knownBelow("inputs[" + type + "]"));
                    error(t.getKeyNode(), display + "." + k, "unknown key for a " + type + " input (known: " + String.join(", ", known) + ")");
                    continue;
                }
                ConfigKey fk = key;
                Node value = t.getValueNode();
                Object v = guard(value, display + "." + k, () -> fk.read(value));
                if (v != null) {
                    values.put(key.path(), new ConfigLayers.Setting(v, origin(value)));
                }
            }
            ConfigLayers.Setting nameSetting = values.get("inputs[].name");
            String name = nameSetting == null ? type : (String) nameSetting.value();
            if (!ConfigSchema.INPUT_NAME.matcher(name).matches()) {
                error(item, display + ".name", "bad input name \"" + name + "\" (letters, digits, '_', '.', '-')");
                continue;
            }
            if (!namesInFile.add(name)) {
                error(item, display + ".name", "another input in this file is already named \"" + name + "\" (set distinct names)");
                continue;
            }
            layers.inputs.put(name, new ConfigLayers.InputLayer(type, name, values, origin(item)));
        }
    }

    private void readLanes(Node node) {
        List<NodeTuple> entries = entriesOf(node, "lanes");
        if (entries == null) {
            return;
        }
        for (NodeTuple t : entries) {
            String name = YamlNodes.key(t);
            String display = "lanes." + name;
            if (!LaneNames.isValid(name)) {
                error(t.getKeyNode(), display, "bad lane name \"" + name + "\" (" + LaneNames.RULE
                        + "; it becomes a directory and an SQL view name)");
                continue;
            }
            if (ConfigSchema.RESERVED_LANE_NAMES.contains(name)) {
                error(t.getKeyNode(), display, "\"" + name + "\" is reserved (the SQL view over all lanes)");
                continue;
            }
            Node value = t.getValueNode();
            ConfigLayers.LaneLayer lane = layers.lanes.computeIfAbsent(name, n -> new ConfigLayers.LaneLayer());
            lane.origin = origin(t.getKeyNode());
            if (isNull(value)) {
                continue; // "name:" alone declares the lane with defaults
            }
            MappingNode body = guard(value, display, () -> YamlNodes.mapping(value));
            if (body != null) {
                readKeys(body, "lanes.<name>", display, lane.values);
            }
        }
    }

    /** The entries of a mapping node, or null after recording why it is not a proper mapping. */
    private List<NodeTuple> entriesOf(Node node, String key) {
        return guard(node, key, () -> YamlNodes.entries(YamlNodes.mapping(node)));
    }

    private List<String> knownBelow(String schemaPrefix) {
        List<String> out = new ArrayList<>();
        String p = schemaPrefix + ".";
        for (ConfigKey k : schema.keys()) {
            if (k.path().startsWith(p)) {
                String rest = k.path().substring(p.length());
                int dot = rest.indexOf('.');
                String first = dot < 0 ? rest : rest.substring(0, dot);
                if (!out.contains(first)) {
                    out.add(first);
                }
            }
        }
        return out;
    }

    private static boolean isNull(Node node) {
        return node instanceof ScalarNode s && Tag.NULL.equals(s.getTag()) && s.isPlain();
    }

    private ConfigOrigin origin(Node node) {
        return new ConfigOrigin(file, YamlNodes.line(node));
    }

    private void error(Node node, String key, String problem) {
        // an empty key (YAML `"": 1` or a bare `?`) is shown quoted, so the message still names one
        errors.add(new ConfigException(file, YamlNodes.line(node), key.isBlank() ? '"' + key + '"' : key, problem));
    }

    /** Runs {@code body}; a {@link ConfigValueException} becomes an error under {@code key} and null is returned. */
    private <T> T guard(Node at, String key, java.util.function.Supplier<T> body) {
        try {
            return body.get();
        } catch (ConfigValueException e) {
            error(e.node() == null ? at : e.node(), key + e.subKey(), e.getMessage());
            return null;
        }
    }
}
