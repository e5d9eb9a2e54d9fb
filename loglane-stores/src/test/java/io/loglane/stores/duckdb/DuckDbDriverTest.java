package io.loglane.stores.duckdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

class DuckDbDriverTest {
    @Test
    void afterAConnectionNoLiveMappingOfTheExtractedLibraryRemains() throws Exception {
        Path maps = Path.of("/proc/self/maps");
        assumeThat(Files.isReadable(maps)).as("Linux /proc").isTrue();
        try (Connection c = DuckDbDriver.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 41 + 1")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).as("the unlinked library still runs").isEqualTo(42);
        }
        String all = new String(Files.readAllBytes(maps), StandardCharsets.UTF_8);
        assertThat(all).as("the library is mapped (extracted, not from java.library.path)").contains("libduckdb_java");
        assertThat(all.lines().filter(l -> l.contains("libduckdb_java") && !l.endsWith(ExtractedLibrary.DELETED)))
                .as("every mapping of libduckdb_java names a deleted file").isEmpty();
        try (Connection c = DuckDbDriver.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM range(1000)")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getLong(1)).as("a second database after the unlink").isEqualTo(1000);
        }
    }
}
