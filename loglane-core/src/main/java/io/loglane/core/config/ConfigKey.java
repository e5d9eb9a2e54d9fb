package io.loglane.core.config;

/**
 * One declared configuration key: the single source of its type, default and documentation.
 *
 * @param path        dotted path; {@code <name>} stands for a lane name, {@code inputs[]} for every
 *                    input item and {@code inputs[forward]} for items of one input type
 * @param type        how values are parsed and validated
 * @param defaultText the default in configuration syntax, parsed by {@code type} like a written
 *                    value; null when there is no fixed default (required, or derived — the doc says how)
 * @param doc         one-sentence description for the configuration reference
 */
public record ConfigKey(String path, ValueType type, String defaultText, String doc) {
    /** The parsed default, or null when {@link #defaultText()} is null. */
    public Object defaultValue() {
        return defaultText == null ? null : type.parseText(defaultText);
    }
}
