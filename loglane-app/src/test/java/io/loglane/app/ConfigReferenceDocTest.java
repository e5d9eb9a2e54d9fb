package io.loglane.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.loglane.core.config.ConfigReference;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md is generated from the key table of this build (the shared keys and those of
 * every registered input and store type); this keeps the committed copy current.
 */
class ConfigReferenceDocTest {
    @Test
    void committedReferenceMatchesTheKeyTable() throws Exception {
        Path doc = Path.of("..", "docs", "configuration.md");
        assertThat(Files.readString(doc))
                .as("regenerate with: ./loglane config-reference > docs/configuration.md")
                .isEqualTo(ConfigReference.markdown(RegisteredTypes.LOADER.schema()));
    }
}
