package io.loglane.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.loglane.stores.archive.LocalArchiveStorage;
import io.loglane.stores.index.OpenIndexSinks;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node's store registry and the destinations the loader accepts in {@code to:} name the same stores. */
class StoreTypesTest {
    @Test
    void everyDestinationIsRegistered(@TempDir Path dir) {
        StoreTypes types = StoreTypes.builtIn(new LocalArchiveStorage(dir), new OpenIndexSinks());
        assertThat(RegisteredTypes.LOADER.schema().destinations()).containsExactlyElementsOf(types.names());
        assertThat(RegisteredTypes.CATALOG.stores()).as("each type's keys are the ones the loader validates")
                .containsExactlyElementsOf(types.keys());
    }
}
