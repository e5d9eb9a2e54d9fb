package io.loglane.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/configuration.md is generated from the key table; this keeps the committed copy current. */
class ConfigReferenceDocTest {
    @Test
    void committedReferenceMatchesTheKeyTable() throws Exception {
        Path doc = Path.of("..", "docs", "configuration.md");
        assertThat(Files.readString(doc))
                .as("regenerate with: ./loglane config-reference > docs/configuration.md")
                .isEqualTo(ConfigReference.markdown());
    }
}
