package io.loglane.stores.archive;

import static io.loglane.stores.archive.ArchiveSchema.ident;
import static io.loglane.stores.archive.ArchiveSchema.literal;

import io.loglane.core.parse.FieldDef;
import java.util.List;

/**
 * The one declaration of the staged-row layout: each staged key, its value kind, and the SQL that
 * turns it into its archive column ({@link ArchiveSchema#BASE}). A staged row is, in this order,
 * {@link #LEADING}, then one typed value {@code f0…fn} per typed field of the lane
 * ({@link ArchiveSchema#typedFields}), then {@link #ATTRS}. {@link RowEncoder} writes rows in this
 * order, {@link StagedRows} reads them back in it and {@link #select} maps them onto the columns.
 *
 * <p>Thread-safety: constants only.
 */
final class StagedColumns {
    private StagedColumns() {}

    /** How a staged value is stored: see {@link StagedRowWriter}. */
    enum Kind { LONG, STRING }

    /** A staged key, its kind, the archive column it fills, and the SQL expression that fills it. */
    record Staged(String key, Kind kind, String column, String sql) {
        Staged(String key, Kind kind, String column) { this(key, kind, column, key); }
    }

    /** Staged before the typed fields, in row order. */
    static final List<Staged> LEADING = List.of(
            new Staged("t", Kind.LONG, "ts", "make_timestamp_ns(t)"),          // event time, ns
            new Staged("r", Kind.LONG, "received_at", "make_timestamp(r)"),    // received_at, µs
            new Staged("g", Kind.STRING, "tag"),
            new Staged("m", Kind.STRING, "message"),
            new Staged("h", Kind.STRING, "host"),
            new Staged("ci", Kind.STRING, "container_id"),
            new Staged("cn", Kind.STRING, "container_name"),
            new Staged("s", Kind.STRING, "source"));

    /** Staged after the typed fields: JSON object text, NULL when empty (read as {@code {}}). */
    static final Staged ATTRS = new Staged("a", Kind.STRING, "attrs", "coalesce(a, '{}')::JSON");

    /** Column that is not staged: every row of a lane's file has the lane's name. */
    private static final String LANE = "lane";

    /** The staged key of typed field {@code k}. */
    static String typedKey(int k) { return "f" + k; }

    /**
     * The SELECT over {@code function}'s output that yields the archive's columns for {@code lane}
     * in {@link ArchiveSchema#columns} order.
     *
     * @throws IllegalStateException if a base column has no staged source (a layout bug)
     */
    static String select(String lane, List<FieldDef> typedFields, String function) {
        StringBuilder sel = new StringBuilder("SELECT ");
        for (ArchiveSchema.Column c : ArchiveSchema.BASE) {
            String expr = c.name().equals(LANE) ? literal(lane) : staged(c.name()).sql();
            sel.append(expr).append(" AS ").append(ident(c.name())).append(", ");
        }
        for (int k = 0; k < typedFields.size(); k++) {
            sel.append(typedKey(k)).append(" AS ").append(ident(typedFields.get(k).name())).append(", ");
        }
        sel.setLength(sel.length() - 2);
        return sel.append(" FROM ").append(function).append("()").toString();
    }

    private static Staged staged(String column) {
        if (ATTRS.column().equals(column)) {
            return ATTRS;
        }
        return LEADING.stream().filter(s -> s.column().equals(column)).findFirst()
                .orElseThrow(() -> new IllegalStateException("archive column " + column + " has no staged source"));
    }
}
