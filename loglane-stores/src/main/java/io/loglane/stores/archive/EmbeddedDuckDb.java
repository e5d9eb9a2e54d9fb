package io.loglane.stores.archive;

import io.loglane.stores.duckdb.DuckDbDriver;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Opens the private in-memory DuckDB databases the archive works with (a Parquet writer's, a
 * footer count's, an audit walk's), all set up alike: one worker thread, no asynchronous I/O
 * threads, no extension downloads.
 *
 * <p>Why no asynchronous I/O: DuckDB 2.0 gives every database a pool of {@code async_threads}
 * (8 by default) that read Parquet in the background, besides its {@code threads} workers. A node
 * holds two writers per lane plus each lane's compaction writer, so that was 8 idle threads per
 * writer (144 with nine lanes) for local files that a single worker reads as fast. Each thread
 * that allocates gets a glibc malloc arena, and the arenas hold on to freed memory: the soak
 * measured the node's native memory outside the JVM's accounting growing with the archive (README,
 * Soak). Reads are synchronous on the one worker thread instead.
 *
 * <p>Thread-safety: stateless; a returned connection follows JDBC's rules (one user at a time).
 */
final class EmbeddedDuckDb {
    private EmbeddedDuckDb() {}

    /** A new in-memory database, set up as the class says; the caller closes it. */
    static Connection open() throws SQLException {
        Connection conn = DuckDbDriver.connect();
        try (Statement s = conn.createStatement()) {
            s.execute("SET threads=1");
            s.execute("SET async_threads=0");
            s.execute("SET autoinstall_known_extensions=false");
        } catch (SQLException e) {
            conn.close();
            throw e;
        }
        return conn;
    }
}
