package io.loglane.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConfigReferenceTest {
    @Test
    void rendersOneTablePerSectionWithTypesAndDefaults() {
        ConfigSchema schema = TestCatalog.LOADER.schema();
        String md = ConfigReference.markdown(schema);
        assertThat(schema.sections()).as("a store's section sits between stream and query")
                .containsExactly("server", "inputs", "lanes", "stream", "vault", "query");
        for (String section : schema.sections()) {
            assertThat(md).contains("## `" + section + "`");
        }
        assertThat(md).contains("| `server.http_port` | port (0-65535; 0 = any free port) | `8080` |");
        assertThat(md).contains("| `lanes.<name>.durability` | memory \\| disk \\| sync | `disk` |");
        assertThat(md).contains("| `vault.dir` | path | — |");
        assertThat(md).contains("| `inputs[tcp].max_frame` | size 1KiB–1GiB | `16MiB` |");
        assertThat(md).contains("Destinations: `vault`.");
    }
}
