package io.loglane.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConfigReferenceTest {
    @Test
    void rendersOneTablePerSectionWithTypesAndDefaults() {
        String md = ConfigReference.markdown();
        for (String section : ConfigSchema.SECTIONS) {
            assertThat(md).contains("## `" + section + "`");
        }
        assertThat(md).contains("| `server.http_port` | port (0-65535; 0 = any free port) | `8080` |");
        assertThat(md).contains("| `lanes.<name>.durability` | memory \\| disk \\| sync | `disk` |");
        assertThat(md).contains("| `archive.dir` | path | — |");
    }
}
