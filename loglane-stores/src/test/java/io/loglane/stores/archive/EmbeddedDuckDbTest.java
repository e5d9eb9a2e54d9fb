package io.loglane.stores.archive;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The archive's DuckDB databases: one worker, no asynchronous I/O pool, and Parquet still reads. */
@org.junit.jupiter.api.Timeout(60)
class EmbeddedDuckDbTest {
    @TempDir Path dir;

    @Test
    void opensWithOneWorkerAndNoAsyncThreads() throws Exception {
        try (Connection c = EmbeddedDuckDb.open(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT current_setting('threads'), current_setting('async_threads'),"
                     + " current_setting('autoinstall_known_extensions')")) {
            r.next();
            assertThat(r.getLong(1)).isEqualTo(1);
            assertThat(r.getLong(2)).isZero();
            assertThat(r.getBoolean(3)).isFalse();
        }
    }

    /**
     * The reason for the settings: DuckDB 2.0 starts {@code async_threads} (8) threads per database
     * that reads Parquet; four databases reading must not add four such pools to the process.
     */
    @Test
    void readingParquetStartsNoThreadPoolPerDatabase() throws Exception {
        Path file = dir.resolve("t.parquet");
        try (Connection c = EmbeddedDuckDb.open(); Statement s = c.createStatement()) {
            s.execute("COPY (SELECT range AS i, 'x' || range AS s FROM range(200000)) TO "
                    + ArchiveSchema.literal(file.toString()) + " (FORMAT parquet, ROW_GROUP_SIZE 10000)");
        }
        long before = osThreads();
        List<Connection> open = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                Connection c = EmbeddedDuckDb.open();
                open.add(c);
                try (Statement s = c.createStatement();
                     ResultSet r = s.executeQuery("SELECT count(*), sum(length(s)) FROM read_parquet(" + ArchiveSchema.literal(file.toString()) + ")")) {
                    r.next();
                    assertThat(r.getLong(1)).isEqualTo(200_000);
                }
            }
            // with DuckDB's default (8 asynchronous I/O threads per database) this was 32 or more
            assertThat(osThreads() - before).isLessThan(8);
        } finally {
            for (Connection c : open) {
                c.close();
            }
        }
    }

    /** Threads of this process as the kernel counts them (DuckDB's are native, invisible to the JVM). */
    private static long osThreads() throws Exception {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/task"))) {
            return s.count();
        }
    }
}
