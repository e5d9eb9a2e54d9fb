package io.loglane.query;

import static io.loglane.stores.archive.ArchiveSchema.ident;
import static io.loglane.stores.archive.ArchiveSchema.literal;

import io.loglane.core.config.LaneNames;
import io.loglane.core.parse.FieldDef;
import io.loglane.stores.archive.ArchiveLayout;
import io.loglane.stores.archive.ArchiveSchema;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One view per lane (named after it) plus {@code logs}, the union by column name of all lanes.
 * A lane with files is a view over its glob, so new files show up in the next query by
 * themselves. DuckDB refuses a glob that matches nothing, so a lane without files is an empty
 * view with the lane's columns; {@link #refresh} recreates the views whenever the set of lanes
 * with files changes (a directory walk that stops at the first file of each lane).
 * Lanes found on disk but not configured get views too (with the base columns when empty).
 *
 * <p>Thread-safety: {@link #refresh} is synchronized; views are replaced atomically in DuckDB's catalog.
 */
final class LaneViews {
    static final String LOGS = "logs";

    private final ArchiveLayout layout;
    private final Map<String, List<FieldDef>> configured;
    private Set<String> lastNonEmpty;
    private Set<String> lastLanes;

    LaneViews(ArchiveLayout layout, Map<String, List<FieldDef>> laneFields) {
        this.layout = layout;
        for (String lane : laneFields.keySet()) {
            ArchiveLayout.checkLane(lane);
            if (lane.equalsIgnoreCase(LOGS)) {
                throw new IllegalArgumentException("a lane may not be named " + LOGS);
            }
        }
        this.configured = new TreeMap<>(laneFields);
    }

    /** Recreates the views if lanes appeared, or gained or lost all their files, since the last call. */
    synchronized void refresh(Connection conn) throws SQLException, IOException {
        Set<String> lanes = new TreeSet<>(configured.keySet());
        lanes.addAll(discovered());
        Set<String> nonEmpty = new TreeSet<>();
        for (String lane : lanes) {
            if (layout.hasFiles(lane)) {
                nonEmpty.add(lane);
            }
        }
        if (nonEmpty.equals(lastNonEmpty) && lanes.equals(lastLanes)) {
            return;
        }
        try (Statement s = conn.createStatement()) {
            List<String> selects = new ArrayList<>();
            for (String lane : lanes) {
                s.execute("CREATE OR REPLACE VIEW " + ident(lane) + " AS " + laneQuery(lane, nonEmpty.contains(lane)));
                selects.add("SELECT * FROM " + ident(lane));
            }
            String logs = selects.isEmpty() ? emptyQuery(List.of()) : String.join(" UNION ALL BY NAME ", selects);
            s.execute("CREATE OR REPLACE VIEW " + LOGS + " AS " + logs);
        }
        lastNonEmpty = nonEmpty;
        lastLanes = lanes;
    }

    private String laneQuery(String lane, boolean hasFiles) {
        if (!hasFiles) {
            return emptyQuery(configured.getOrDefault(lane, List.of()));
        }
        // hive_partitioning off: lane/date/hour come from the files' own columns, not the path.
        return "SELECT * FROM read_parquet(" + literal(layout.laneGlob(lane))
                + ", hive_partitioning=false, union_by_name=true)";
    }

    private static String emptyQuery(List<FieldDef> fields) {
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

    private Set<String> discovered() throws IOException {
        Set<String> out = new TreeSet<>();
        if (!Files.isDirectory(layout.root())) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(layout.root(), "lane=*")) {
            for (Path p : ds) {
                String lane = p.getFileName().toString().substring("lane=".length());
                if (LaneNames.isValid(lane) && !lane.equalsIgnoreCase(LOGS)) {
                    out.add(lane);
                }
            }
        }
        return out;
    }
}
