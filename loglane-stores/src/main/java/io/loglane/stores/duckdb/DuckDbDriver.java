package io.loglane.stores.duckdb;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way loglane opens a DuckDB database: {@code jdbc:duckdb:} (in memory) through the JDBC
 * driver, after which the driver's native library, extracted to {@code java.io.tmpdir} when the
 * driver is first touched, is unlinked so that no killed process leaves a 69 MB copy behind (see
 * {@link ExtractedLibrary}). That happens once per process, after the first connection; on
 * anything but Linux it is skipped. Removing is best effort: a failure is logged as a warning and the
 * connection is returned all the same.
 *
 * <p>Thread-safety: safe for concurrent callers; the clean-up runs exactly once (class initialization
 * of a holder), and a returned connection follows JDBC's rules.
 */
public final class DuckDbDriver {
    private static final Logger LOG = LoggerFactory.getLogger(DuckDbDriver.class);
    private static final String URL = "jdbc:duckdb:";

    private DuckDbDriver() {}

    /** A new in-memory database with the driver's defaults; the caller closes it. */
    public static Connection connect() throws SQLException {
        return connect(new Properties());
    }

    /** A new in-memory database with {@code props} (driver and DuckDB options); the caller closes it. */
    public static Connection connect(Properties props) throws SQLException {
        try {
            return DriverManager.getConnection(URL, props);
        } finally {
            LibraryUnlinked.ensure(); // the driver loaded the library before it could fail a connection
        }
    }

    /** Runs the clean-up on first use: the JVM initializes a class exactly once, whatever the threads. */
    private static final class LibraryUnlinked {
        static {
            unlinkExtractedLibrary();
        }

        static void ensure() {
            // initializing the class is the work
        }
    }

    /** Unlinks this process's mapped copies of the native library; Linux only. */
    static void unlinkExtractedLibrary() {
        Path maps = Path.of("/proc/self/maps");
        if (!System.getProperty("os.name", "").startsWith("Linux") || !Files.isReadable(maps)) {
            return;
        }
        try {
            Path tmp = Path.of(System.getProperty("java.io.tmpdir")).toRealPath();
            List<Path> removed = ExtractedLibrary.unlink(ExtractedLibrary.liveCopies(mapsLines(maps), tmp));
            if (!removed.isEmpty()) {
                LOG.debug("removed the extracted DuckDB native library {} (it stays mapped)", removed);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not remove the DuckDB native library the driver extracted to java.io.tmpdir "
                    + "(a killed process leaves it behind): {}", e.toString());
        }
    }

    /** Decoded leniently: a path that is not UTF-8 must not hide the others. */
    private static List<String> mapsLines(Path maps) throws IOException {
        return new String(Files.readAllBytes(maps), StandardCharsets.UTF_8).lines().toList();
    }
}
