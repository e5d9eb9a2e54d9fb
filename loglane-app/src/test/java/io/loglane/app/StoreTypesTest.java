package io.loglane.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.loglane.core.config.ConfigSchema;
import io.loglane.stores.archive.LocalArchiveStorage;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node's store registry and the destinations the loader accepts in {@code to:} name the same stores. */
class StoreTypesTest {
    @Test
    void everyDestinationIsRegistered(@TempDir Path dir) {
        assertThat(StoreTypes.builtIn(new LocalArchiveStorage(dir)).names())
                .containsExactlyElementsOf(ConfigSchema.DESTINATIONS);
    }
}
