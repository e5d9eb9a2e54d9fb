package io.loglane.stores.archive;

import static io.loglane.stores.archive.ArchiveSchema.literal;

import io.loglane.core.parse.FieldDef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Collectors;
import org.duckdb.DuckDBFunctions;

/**
 * Writes Parquet (zstd) files with a private in-memory DuckDB: a staging file (read by the
 * {@link StagedRows} table function, no text format between) → one partition file, or several
 * partition files → one compacted file. It writes the file it is given, a temporary file of the
 * {@link ArchiveStorage}, whose put then publishes it atomically and durably.
 *
 * <p>Thread-safety: not thread-safe; one writer per sink.
 */
final class ParquetWriter implements AutoCloseable {
    private final Connection conn;
    private final StagedRows staged;
    private final String select;

    ParquetWriter(String lane, List<FieldDef> typed) throws SQLException {
        // one worker thread (EmbeddedDuckDb): on a busy 2-core machine DuckDB's own parallelism only
        // adds overhead; the sink runs two writers side by side instead
        this.conn = EmbeddedDuckDb.open();
        try (Statement s = conn.createStatement()) {
            // Leave room for the ingest side (a sink runs two writers); DuckDB would otherwise claim most RAM.
            s.execute("SET memory_limit='512MB'");
            // Row order inside a file carries no meaning (ts and offsets do); measured 10–30 % faster.
            s.execute("SET preserve_insertion_order=false");
        }
        this.staged = new StagedRows(typed);
        DuckDBFunctions.tableFunction().withName(StagedRows.FUNCTION).withFunction(staged).register(conn);
        this.select = StagedRows.select(lane, typed);
    }

    /** Converts one staging file into the Parquet file {@code target} (replaced if it exists). */
    void writeStaged(Path staging, Path target) throws IOException, SQLException {
        staged.source(staging);
        try {
            copyTo(select, target);
        } finally {
            staged.closeSource();
        }
    }

    /** Merges {@code sources} (same lane, same partition) into {@code target}, rows in source order. */
    void merge(List<Path> sources, Path target) throws IOException, SQLException {
        String list = sources.stream().map(p -> literal(p.toString())).collect(Collectors.joining(", ", "[", "]"));
        copyTo("SELECT * FROM read_parquet(" + list + ", union_by_name=true, hive_partitioning=false)", target);
    }

    private void copyTo(String query, Path target) throws IOException, SQLException {
        Files.deleteIfExists(target);
        try (Statement s = conn.createStatement()) {
            // zstd level 1: measured on 1 M access rows (DuckDB 2.0, one thread) 1.74 against 1.91
            // CPU-µs per row for the default level, and the file came out no larger. Parquet format
            // v2 (delta encodings for timestamps and integers): 10 % smaller at the same speed;
            // Trino/Athena, Spark and DuckDB read it.
            s.execute("COPY (" + query + ") TO " + literal(target.toString())
                    + " (FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1, PARQUET_VERSION V2, ROW_GROUP_SIZE 122880)");
        } catch (SQLException e) {
            Files.deleteIfExists(target);
            throw e;
        }
    }

    @Override
    public void close() throws SQLException { conn.close(); }
}
