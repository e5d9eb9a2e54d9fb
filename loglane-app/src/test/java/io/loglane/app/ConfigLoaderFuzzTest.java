package io.loglane.app;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.loglane.core.config.ConfigException;
import io.loglane.core.config.ConfigSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzz target (scripts/fuzz.sh): the config loader with this build's input and store types, on
 * YAML text alone (first byte even) or layered over the bundled {@code config/loglane.yaml} (odd),
 * as {@code --config} layers a user's file over the defaults. Property: a config, or
 * {@link ConfigException}s naming the fuzzed file (or the bundled one), a line inside it and a
 * key; never another exception. {@code check} and {@code load} agree on whether it is valid.
 */
class ConfigLoaderFuzzTest {
    static final String FILE = "fuzz.yaml";
    static final ConfigSource BUNDLED = bundled();

    private static ConfigSource bundled() {
        try {
            return new ConfigSource(TestNode.BUNDLED.toString(), Files.readString(TestNode.BUNDLED));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest
    void loadsAnyYaml(byte[] input) {
        if (input.length == 0) {
            return;
        }
        String text = new String(input, 1, input.length - 1, StandardCharsets.UTF_8);
        ConfigSource fuzzed = new ConfigSource(FILE, text);
        ConfigSource[] sources = (input[0] & 1) == 0 ? new ConfigSource[] {fuzzed} : new ConfigSource[] {BUNDLED, fuzzed};
        List<ConfigException> problems = RegisteredTypes.LOADER.check(sources);
        for (ConfigException e : problems) {
            assertThat(e.file()).as(e.getMessage()).isIn(FILE, BUNDLED.name());
            String in = e.file().equals(FILE) ? text : BUNDLED.text();
            assertThat(e.line()).as(e.getMessage()).isBetween(1, (int) in.lines().count() + 1);
            assertThat(e.key()).as(e.getMessage()).isNotBlank();
        }
        try {
            RegisteredTypes.LOADER.load(sources);
            assertThat(problems).as("load accepted what check refused").isEmpty();
        } catch (ConfigException e) {
            assertThat(problems).as("check found nothing where load refused: " + e.getMessage()).isNotEmpty();
        }
    }
}
