package io.loglane.stores.archive;

import io.loglane.core.event.RecordView;
import io.loglane.core.parse.FieldDef;
import io.loglane.core.parse.FieldType;
import java.util.ArrayList;
import java.util.List;

/**
 * The columns of an archived row, with their DuckDB types: the fixed event columns followed by the
 * lane parser's typed fields. The query module uses it to give lanes without files an empty view
 * with the same columns.
 *
 * <p>Thread-safety: stateless.
 */
public final class ArchiveSchema {
    private ArchiveSchema() {}

    /** A column name and its DuckDB type. */
    public record Column(String name, String duckType) {}

    /** Fixed columns in file order, named as {@link RecordView#EVENT_COLUMNS}. {@code ts} keeps nanoseconds; {@code attrs} is JSON text. */
    public static final List<Column> BASE = List.of(
            new Column("ts", "TIMESTAMP_NS"),
            new Column("lane", "VARCHAR"),
            new Column("tag", "VARCHAR"),
            new Column("host", "VARCHAR"),
            new Column("container_id", "VARCHAR"),
            new Column("container_name", "VARCHAR"),
            new Column("source", "VARCHAR"),
            new Column("message", "VARCHAR"),
            new Column("attrs", "JSON"),
            new Column("received_at", "TIMESTAMP"));

    public static String duckType(FieldType type) {
        return switch (type) {
            case STRING -> "VARCHAR";
            case LONG -> "BIGINT";
            case DOUBLE -> "DOUBLE";
        };
    }

    /** All columns of a lane whose parser yields {@code fields} (empty for none). */
    public static List<Column> columns(List<FieldDef> fields) {
        List<Column> out = new ArrayList<>(BASE);
        for (FieldDef f : typedFields(fields)) {
            out.add(new Column(f.name(), duckType(f.type())));
        }
        return out;
    }

    /** The typed columns of a lane whose parser yields {@code fields}: {@link RecordView#typedFields(List)}. */
    public static List<FieldDef> typedFields(List<FieldDef> fields) { return RecordView.typedFields(fields); }

    /** Double-quotes an SQL identifier. */
    public static String ident(String name) { return '"' + name.replace("\"", "\"\"") + '"'; }

    /**
     * An SQL string expression of {@code s}: single-quoted, and a NUL written as {@code chr(0)}
     * outside the quotes, because DuckDB's parser ends the statement at a NUL inside a literal
     * (a stored value may hold one, and queries are built from stored values, e.g. a histogram's
     * split values).
     */
    public static String literal(String s) {
        String quoted = '\'' + s.replace("'", "''") + '\'';
        return s.indexOf('\0') < 0 ? quoted : "(" + quoted.replace("\0", "' || chr(0) || '") + ")";
    }
}
