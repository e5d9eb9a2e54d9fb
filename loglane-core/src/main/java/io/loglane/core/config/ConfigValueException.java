package io.loglane.core.config;

import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Internal: a bad value found while reading a node; the loader turns it into a
 * {@link ConfigException} with file, line and the full dotted key.
 *
 * @see ConfigLoader
 */
final class ConfigValueException extends RuntimeException {
    private final transient Node node;
    private final String subKey;

    /**
     * @param node   where the problem is (its line is reported)
     * @param subKey appended to the key being read, e.g. {@code [1].content}; empty for the key itself
     */
    ConfigValueException(Node node, String subKey, String problem) {
        super(problem, null, false, false);
        this.node = node;
        this.subKey = subKey;
    }

    Node node() { return node; }

    String subKey() { return subKey; }
}
