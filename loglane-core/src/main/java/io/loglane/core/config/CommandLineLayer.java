package io.loglane.core.config;

import java.util.List;

/**
 * Internal: applies {@link CommandLineFlag}s to {@link ConfigLayers} as the last layer. A setting
 * flag writes over the files' value; an input flag ({@code inputs[forward].port}) writes the key
 * of every input of that type, leaving the rest of each input as the files declared it. A flag
 * for a type no input has changes nothing, as before flags were a layer.
 *
 * <p>Thread-safety: not thread-safe; one per load.
 */
final class CommandLineLayer {
    private final ConfigSchema schema;
    private final ConfigLayers layers;
    private final List<ConfigException> errors;

    CommandLineLayer(ConfigSchema schema, ConfigLayers layers, List<ConfigException> errors) {
        this.schema = schema;
        this.layers = layers;
        this.errors = errors;
    }

    void apply(List<CommandLineFlag> flags) {
        for (CommandLineFlag flag : flags) {
            ConfigKey key = schema.key(flag.key());
            if (key == null) {
                throw new IllegalArgumentException("flag " + flag.flag() + " sets undeclared key " + flag.key());
            }
            Object value;
            try {
                value = key.parseText(flag.value());
            } catch (IllegalArgumentException e) {
                errors.add(flag.origin().error(flag.key(), e.getMessage()));
                continue;
            }
            ConfigLayers.Setting setting = new ConfigLayers.Setting(value, flag.origin());
            if (flag.key().startsWith("inputs[")) {
                String type = flag.key().substring("inputs[".length(), flag.key().indexOf(']'));
                for (ConfigLayers.InputLayer in : layers.inputs.values()) {
                    if (in.type().equals(type)) {
                        in.values().put(flag.key(), setting);
                    }
                }
            } else {
                layers.settings.put(flag.key(), setting);
            }
        }
    }
}
