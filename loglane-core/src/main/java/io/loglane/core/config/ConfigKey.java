package io.loglane.core.config;

import java.util.List;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * One declared configuration key: the single source of its type, bounds, default and
 * documentation. A written value and the default go through the same {@link #parseText} or
 * {@link #read}, so a default can never be something the key would refuse.
 *
 * @param path        dotted path; {@code <name>} stands for a lane name, {@code inputs[]} for every
 *                    input item and {@code inputs[forward]} for items of one input type
 * @param type        how values are parsed and validated
 * @param defaultText the default in configuration syntax, parsed by {@code type} like a written
 *                    value; null when there is no fixed default (required, or derived — the doc says how)
 * @param doc         one-sentence description for the configuration reference
 * @param bounds      inclusive limits of a numeric or size value beyond what {@code type} checks; null for none
 * @param choices     the names a value (or each item of a list value) must be one of; null for any
 */
public record ConfigKey(String path, ValueType type, String defaultText, String doc, Bounds bounds, Choices choices) {
    public ConfigKey(String path, ValueType type, String defaultText, String doc) {
        this(path, type, defaultText, doc, null, null);
    }

    public ConfigKey(String path, ValueType type, String defaultText, String doc, Bounds bounds) {
        this(path, type, defaultText, doc, bounds, null);
    }

    /** The parsed default, or null when {@link #defaultText()} is null. */
    public Object defaultValue() {
        return defaultText == null ? null : parseText(defaultText);
    }

    /** How the reference names the type, with its bounds. */
    public String typeLabel() {
        return bounds == null ? type.label() : bounds.label(type);
    }

    /**
     * Parses a textual value.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    Object parseText(String text) {
        Object v = type.parseText(text);
        if (choices != null) {
            for (Object name : v instanceof List<?> l ? l : List.of(v)) {
                choices.check((String) name);
            }
        }
        return bounds == null ? v : bounds.check(type, v);
    }

    /** Reads a YAML node, checking the bounds and the choices (a list's bad item is reported at its own node). */
    Object read(Node node) {
        Object v = type.read(node);
        if (choices != null) {
            if (v instanceof List<?> names) {
                List<Node> items = YamlNodes.items(node);
                for (int i = 0; i < names.size(); i++) {
                    try {
                        choices.check((String) names.get(i));
                    } catch (IllegalArgumentException e) {
                        throw new ConfigValueException(items.get(i), "[" + i + "]", e.getMessage());
                    }
                }
            } else {
                try {
                    choices.check((String) v);
                } catch (IllegalArgumentException e) {
                    throw new ConfigValueException(node, "", e.getMessage());
                }
            }
        }
        if (bounds == null) {
            return v;
        }
        try {
            return bounds.check(type, v);
        } catch (IllegalArgumentException e) {
            throw new ConfigValueException(node, "", e.getMessage());
        }
    }

    /**
     * The names a value may take when they depend on what is registered (input types, store
     * names), so the key's {@link ValueType} cannot know them.
     *
     * @param noun  what a name is, for errors: {@code unknown <noun> "x" (known: a, b)}
     * @param names the accepted names
     *
     * <p>Thread-safety: immutable.
     */
    public record Choices(String noun, List<String> names) {
        public Choices {
            names = List.copyOf(names);
        }

        void check(String name) {
            if (!names.contains(name)) {
                throw new IllegalArgumentException("unknown " + noun + " \"" + name + "\" (known: " + String.join(", ", names) + ")");
            }
        }
    }

    /**
     * Inclusive limits of an integer or size value.
     *
     * <p>Thread-safety: immutable.
     */
    public record Bounds(long min, long max) {
        public Bounds {
            if (min > max) {
                throw new IllegalArgumentException("min " + min + " > max " + max);
            }
        }

        Object check(ValueType type, Object value) {
            long v = ((Number) value).longValue();
            if (v < min || v > max) {
                throw new IllegalArgumentException("must be between " + render(type) + ", got " + show(type, v));
            }
            return value;
        }

        /** {@code 1KiB and 1GiB} for sizes, {@code 1 and 256} for integers. */
        String render(ValueType type) {
            return show(type, min) + " and " + show(type, max);
        }

        /** The reference's type column: {@code size 1KiB–1GiB}, {@code integer 1–256}. */
        String label(ValueType type) {
            return (isSize(type) ? "size " : "integer ") + show(type, min) + "–" + show(type, max);
        }

        private static boolean isSize(ValueType type) {
            return type == ValueType.SIZE || type == ValueType.POSITIVE_SIZE;
        }

        private static String show(ValueType type, long v) {
            return isSize(type) ? Sizes.format(v) : Long.toString(v);
        }
    }
}
