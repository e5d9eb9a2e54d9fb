package io.loglane.stores.archive;

import io.loglane.stores.duckdb.DuckDbDriver;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * An outside reader of the archive, as FORMAT.md's DuckDB recipe reads it: the lines of every
 * symlink manifest of a lane ({@code read_text} over a glob of the manifests), then
 * {@code read_parquet} of exactly that list. It knows nothing of loglane's classes.
 */
final class ManifestReader {
    private ManifestReader() {}

    /**
     * count(*) and count(DISTINCT message) of the lane as the manifests list it; [0, 0] when
     * there is no manifest yet.
     *
     * @throws SQLException when a listed file is gone (deleted after the manifest was read): read again
     */
    static List<Long> count(Path archive, String lane) throws SQLException {
        String manifests = archive.toAbsolutePath().normalize() + "/_symlink_format_manifest/lane=" + lane + "/*/*/manifest";
        try (Connection c = DuckDbDriver.connect(); Statement s = c.createStatement()) {
            s.execute("SET VARIABLE files = (SELECT list(f) FROM (SELECT unnest(string_split(rtrim(content, chr(10)), chr(10))) AS f"
                    + " FROM read_text('" + manifests + "')))");
            try (ResultSet rs = s.executeQuery("SELECT count(*), count(DISTINCT message)"
                    + " FROM read_parquet(getvariable('files'), hive_partitioning=false, union_by_name=true)")) {
                rs.next();
                return List.of(rs.getLong(1), rs.getLong(2));
            }
        } catch (SQLException e) {
            if (e.getMessage() != null && e.getMessage().contains("No files found that match the pattern \"" + manifests)) {
                return List.of(0L, 0L);
            }
            throw e;
        }
    }
}
