package io.loglane.query;

import static io.loglane.stores.archive.ArchiveSchema.ident;
import static io.loglane.stores.archive.ArchiveSchema.literal;

import io.loglane.core.config.LaneNames;
import io.loglane.core.parse.FieldDef;
import io.loglane.stores.archive.ArchiveLayout;
import io.loglane.stores.archive.ArchiveStorage;
import io.loglane.stores.archive.ArchiveSchema;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One view per lane (named after it) plus {@code logs}, the union by column name of all lanes.
 *
 * <h2>Which files a view reads</h2>
 * A lane's view reads an explicit list of files, {@link ArchiveLayout#liveFiles}, not a glob: a
 * compaction puts its merged file into the partition before it deletes the sources (and a
 * crash can leave both until the next start), and a glob would then read every row of those
 * sources twice. The list leaves out every file whose offset range another file of its partition
 * covers, the rule the archive's recovery applies (FORMAT.md, "Reading"). {@link #refresh} runs
 * before every query: it takes one listing of the {@link ArchiveStorage} (from memory when the
 * storage is a {@link io.loglane.stores.archive.CachedArchiveStorage}; nothing at all when its
 * {@link ArchiveStorage#version()} did not change since the last refresh) and replaces the views
 * whose list changed, then {@code logs}. A file listed but deleted before the query reads it fails
 * the query with "No such file", and {@link SqlEngine} runs it again on a new listing.
 *
 * <p>A lane without files (DuckDB refuses an empty file list) is an empty view with the lane's
 * columns. Lanes with files in the archive but not configured get views too.
 *
 * <p>Thread-safety: {@link #refresh} is synchronized, so listings are installed in the order they
 * were taken and a query never binds an older list than the one its own refresh took; views are
 * replaced atomically in DuckDB's catalog, which every connection duplicated from the database shares.
 */
final class LaneViews {
    static final String LOGS = "logs";

    private final ArchiveStorage storage;
    private final Map<String, List<FieldDef>> configured;
    /** The file list (keys) each lane's view reads now; absent = no view yet, or its replacement failed. */
    private final Map<String, List<String>> installed = new HashMap<>();
    /** Each lane view's columns ("name type"), as DuckDB's catalog holds them. */
    private final Map<String, List<String>> columns = new HashMap<>();
    /** The lanes {@code logs} unites, or null when it must be (re)created. */
    private Set<String> logsLanes;
    /** What the last complete refresh listed, and the storage version it listed (-1: unknown). */
    private Listing last;
    private long lastVersion = -1;
    /** The storage version the latest listing was taken at, whether or not its views were installed. */
    private long listedVersion = -1;

    LaneViews(ArchiveStorage storage, Map<String, List<FieldDef>> laneFields) {
        this.storage = storage;
        for (String lane : laneFields.keySet()) {
            ArchiveLayout.checkLane(lane);
            if (lane.equalsIgnoreCase(LOGS)) {
                throw new IllegalArgumentException("a lane may not be named " + LOGS);
            }
        }
        this.configured = new TreeMap<>(laneFields);
    }

    /**
     * The files one {@link #refresh} listed, per lane.
     *
     * @param files lane → the keys of the files its view was given (immutable)
     */
    record Listing(Map<String, List<String>> files) {
        Listing {
            files = Map.copyOf(files);
        }
    }

    /**
     * A view or a query failed on a listed file that is gone. If nothing was put or deleted
     * through the storage since the latest listing, someone else changed it: the storage's kept
     * listing is stale and is read again. Otherwise the next refresh lists the change anyway.
     */
    synchronized void stale() throws IOException {
        if (storage.version() == listedVersion) {
            storage.refresh();
        }
    }

    /** Whether a file of {@code listing} no longer exists: a query that failed may have failed on it. */
    boolean anyGone(Listing listing) throws IOException {
        for (List<String> keys : listing.files().values()) {
            for (String key : keys) {
                if (!storage.exists(key)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Lists every lane's live files and replaces the views whose list changed since the last call;
     * {@code logs} too when the lanes or a lane view's columns changed (DuckDB's catalog keeps a
     * view's bound columns; {@code logs} names the lane views, so it reads their new lists anyway).
     *
     * @return what was listed
     * @throws SQLException a view could not be created, e.g. a listed file vanished meanwhile
     *                      (the next call creates it again)
     */
    synchronized Listing refresh(Connection conn) throws SQLException, IOException {
        long version = storage.version();
        if (version >= 0 && version == lastVersion && last != null) {
            return last; // nothing was put or deleted since: the views are current
        }
        listedVersion = version;
        Map<String, List<ArchiveStorage.StoredObject>> byLane = new TreeMap<>();
        for (String lane : configured.keySet()) {
            byLane.put(lane, new ArrayList<>());
        }
        // Only the lane= directories: the symlink manifests beside them (one per partition) are
        // for outside readers, and a directory walk (sql --data) would stat each of them.
        for (ArchiveStorage.StoredObject o : storage.list("lane=")) {
            String lane = ArchiveLayout.laneOf(o.key());
            if (lane != null && LaneNames.isValid(lane) && !lane.equalsIgnoreCase(LOGS)) {
                byLane.computeIfAbsent(lane, l -> new ArrayList<>()).add(o);
            }
        }
        Set<String> lanes = new TreeSet<>(byLane.keySet());
        Map<String, List<String>> listed = new TreeMap<>();
        for (Map.Entry<String, List<ArchiveStorage.StoredObject>> e : byLane.entrySet()) {
            listed.put(e.getKey(), ArchiveLayout.liveFiles(e.getValue()));
        }
        try (Statement s = conn.createStatement()) {
            for (Map.Entry<String, List<String>> e : listed.entrySet()) {
                String lane = e.getKey();
                if (e.getValue().equals(installed.get(lane))) {
                    continue;
                }
                installed.remove(lane);
                s.execute("CREATE OR REPLACE VIEW " + ident(lane) + " AS " + laneQuery(lane, e.getValue()));
                List<String> cols = columns(conn, lane);
                if (!cols.equals(columns.put(lane, cols))) {
                    logsLanes = null; // logs' catalog entry keeps its bound columns; unchanged ones need no new logs
                }
                installed.put(lane, e.getValue());
            }
            if (!lanes.equals(logsLanes)) {
                logsLanes = null;
                s.execute("CREATE OR REPLACE VIEW " + LOGS + " AS " + logsQuery(lanes));
                logsLanes = lanes;
            }
        }
        last = new Listing(listed);
        lastVersion = version;
        return last;
    }

    /** A view's columns from the catalog (no file is read: views store their bound columns). */
    private static List<String> columns(Connection conn, String view) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = conn.prepareStatement("SELECT column_name, data_type FROM duckdb_columns()"
                + " WHERE schema_name = 'main' AND table_name = ? ORDER BY column_index")) {
            ps.setString(1, view);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1) + " " + rs.getString(2));
                }
            }
        }
        return out;
    }

    private String laneQuery(String lane, List<String> files) {
        if (files.isEmpty()) {
            return emptyQuery(configured.getOrDefault(lane, List.of()));
        }
        StringBuilder b = new StringBuilder("SELECT * FROM read_parquet([");
        for (int i = 0; i < files.size(); i++) {
            b.append(i > 0 ? ", " : "").append(literal(storage.location(files.get(i))));
        }
        // hive_partitioning off: lane/date/hour come from the files' own columns, not the path.
        return b.append("], hive_partitioning=false, union_by_name=true)").toString();
    }

    private static String logsQuery(Set<String> lanes) {
        if (lanes.isEmpty()) {
            return emptyQuery(List.of());
        }
        List<String> selects = new ArrayList<>();
        for (String lane : lanes) {
            selects.add("SELECT * FROM " + ident(lane));
        }
        return String.join(" UNION ALL BY NAME ", selects);
    }

    /** A query with the columns of a lane whose parser has {@code fields} and no rows (the view of a lane without files). */
    static String emptyQuery(List<FieldDef> fields) {
        StringBuilder b = new StringBuilder("SELECT ");
        List<ArchiveSchema.Column> cols = ArchiveSchema.columns(fields);
        for (int i = 0; i < cols.size(); i++) {
            if (i > 0) {
                b.append(", ");
            }
            b.append("NULL::").append(cols.get(i).duckType()).append(" AS ").append(ident(cols.get(i).name()));
        }
        return b.append(" WHERE false").toString();
    }
}
