package io.loglane.query;

import static io.loglane.stores.archive.ArchiveSchema.ident;
import static io.loglane.stores.archive.ArchiveSchema.literal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.loglane.core.event.RecordView;
import io.loglane.core.parse.FieldDef;
import io.loglane.search.filter.FilterPattern;
import io.loglane.search.filter.FilterPatternException;
import io.loglane.stores.index.IndexFields;
import io.loglane.stores.index.LaneQueryParser;
import io.loglane.stores.index.SearchSyntax;
import java.io.UncheckedIOException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.lucene.queryparser.classic.ParseException;
import org.apache.lucene.search.Query;

/**
 * A search's part over the Parquet archive: one lane's rows in an event-time range that a
 * predicate selects ({@link #predicate}: a filter pattern through {@link FilterSql}, a Lucene query
 * through {@link LuceneSql}), read as SQL through the {@link SqlEngine} (so its confinement,
 * timeout and exactly-once listing apply): a page newest first, the count, and counts per interval.
 *
 * <h2>Order and paging without offsets</h2>
 * Archived rows carry no stream offset (FORMAT.md), so a page is ordered by {@code ts} descending
 * and then by every other column, an order that is total up to rows identical in every column
 * (which are interchangeable: any order of them shows the same page). A page resumes at a
 * {@link Position}: the rows with {@code ts} at or before its time, less the first {@code skip}
 * rows at exactly that time. A compaction rewrites files but not rows, so a position stays
 * valid across it.
 *
 * <p>Thread-safety: thread-safe (the engine is).
 */
public final class ArchiveSearch {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Every column but {@code ts} in the page's tie-break order, then the lane's typed columns. */
    private static final List<String> TIE_BREAK = List.of("tag", "message", "attrs", "host", "container_id", "container_name",
            "source", "received_at");

    private final SqlEngine sql;
    /** Lane → its parser's fields (FilterSql derives the typed columns itself). */
    private final Map<String, List<FieldDef>> laneFields;

    /** @param laneFields every lane's parser fields, as the engine's views were given them */
    public ArchiveSearch(SqlEngine sql, Map<String, List<FieldDef>> laneFields) {
        this.sql = sql;
        this.laneFields = Map.copyOf(laneFields);
    }

    /**
     * One archived row as a hit: event time (epoch nanoseconds), tag, message (or null) and the record as JSON text;
     * {@code tie} is how many rows of the same event time come before it in the search's order, so that
     * ({@code tsNanos}, {@code tie}) names the row within one search (rows carry no offset).
     */
    public record Row(long tsNanos, long tie, String tag, String message, String recordJson) {}

    /** Where a page ended: its last row's time and how many rows at exactly that time the pages so far returned. */
    public record Position(long tsNanos, long skip) {}

    /** A page newest first, and where the next one starts (null when none follows). */
    public record Page(List<Row> rows, Position next) {}

    /**
     * A query as SQL over a lane's view.
     *
     * @param sql  the predicate
     * @param note a caveat on what it selects (a Lucene query's message words are approximated), or null
     */
    public record Predicate(String sql, String note) {}

    /** The note of a Lucene query that searches message words. */
    public static final String APPROXIMATE_WORDS = "message words approximated over the archive: letters, digits and _ make a word,"
            + " . : ' inside one join it; the index's Unicode word breaks may differ on numbers with separators and ideographs";

    /**
     * The SQL predicate of a query over {@code lane}'s view.
     *
     * @throws FilterPatternException the filter pattern is invalid (with the position)
     * @throws ParseException         the Lucene query is invalid
     * @throws FilterSqlException     the query is valid but SQL over the archive cannot express it (the message says what)
     */
    public Predicate predicate(String lane, SearchSyntax syntax, String query) throws ParseException {
        List<FieldDef> fields = fields(lane);
        if (syntax == SearchSyntax.FILTER) {
            return new Predicate(FilterSql.predicate(FilterPattern.compile(query), fields), null);
        }
        List<FieldDef> typed = RecordView.typedFields(fields);
        Query q = new LaneQueryParser(typed).parseQuery(query);
        return new Predicate(LuceneSql.predicate(q, typed), LuceneSql.readsMessageWords(q) ? APPROXIMATE_WORDS : null);
    }

    /** Whether SQL over the archive knows {@code lane} (it has a view). */
    public boolean knows(String lane) { return laneFields.containsKey(lane); }

    /**
     * Up to {@code limit} rows of {@code [fromNanos, toNanos)} the predicate selects, newest first,
     * resuming at {@code after} (null: from the newest).
     */
    public Page page(String lane, String predicate, long fromNanos, long toNanos, Position after, int limit) {
        List<FieldDef> typed = RecordView.typedFields(fields(lane));
        StringBuilder s = new StringBuilder("SELECT epoch_ns(ts) AS ts_ns, tag, message, host, container_id, container_name, source, "
                + "CAST(attrs AS VARCHAR) AS attrs_text");
        for (FieldDef f : typed) {
            s.append(", ").append(ident(f.name()));
        }
        s.append(" FROM ").append(ident(lane)).append(" WHERE ").append(where(predicate, fromNanos, toNanos));
        if (after != null) {
            s.append(" AND ts <= ").append(timestamp(after.tsNanos()));
        }
        s.append(" ORDER BY ts DESC");
        for (String c : TIE_BREAK) {
            s.append(", ").append(c.equals("attrs") ? "attrs_text" : ident(c));
        }
        for (FieldDef f : typed) {
            s.append(", ").append(ident(f.name()));
        }
        long skip = after == null ? 0 : after.skip();
        s.append(" LIMIT ").append(limit + 1L).append(" OFFSET ").append(skip);
        QueryResult r = sql.execute(s.toString());
        List<Row> rows = new ArrayList<>();
        long tie = 0;
        for (List<Object> row : r.rows()) {
            if (rows.size() == limit) {
                break;
            }
            long ts = ((Number) row.getFirst()).longValue();
            if (rows.isEmpty() || rows.getLast().tsNanos() != ts) {
                tie = after != null && after.tsNanos() == ts ? skip : 0;
            }
            rows.add(row(row, tie++, typed));
        }
        if (rows.isEmpty() || (r.rows().size() <= limit && !r.truncated())) {
            return new Page(rows, null);
        }
        long last = rows.getLast().tsNanos();
        long atLast = rows.stream().filter(x -> x.tsNanos() == last).count();
        // The skip counts rows at the position's time over all pages: this page continues it when it ends at that time.
        return new Page(rows, new Position(last, after != null && after.tsNanos() == last ? skip + atLast : atLast));
    }

    /** How many rows of {@code [fromNanos, toNanos)} the predicate selects. */
    public long count(String lane, String predicate, long fromNanos, long toNanos) {
        fields(lane);
        QueryResult r = sql.execute("SELECT count(*) FROM " + ident(lane) + " WHERE " + where(predicate, fromNanos, toNanos));
        return ((Number) r.rows().getFirst().getFirst()).longValue();
    }

    /** Whether any row of {@code [fromNanos, toNanos)} matches (cheaper than {@link #count}: stops at the first). */
    public boolean any(String lane, String predicate, long fromNanos, long toNanos) {
        fields(lane);
        return !sql.execute("SELECT 1 FROM " + ident(lane) + " WHERE " + where(predicate, fromNanos, toNanos) + " LIMIT 1").rows().isEmpty();
    }

    /**
     * Counts per bucket: {@code counts[i]} of bucket {@code i}; with a split, {@code series.get(k)}
     * of the split's value {@code k} and the last series of the rest (another value or none).
     */
    public record Counts(long[] counts, List<long[]> series) {}

    /**
     * The rows of {@code [fromNanos, toNanos)} the predicate selects per interval: bucket {@code i}
     * covers {@code [startMillis + i * intervalMillis, … + intervalMillis)} (UTC epoch milliseconds);
     * with {@code splitField} (a keyword field as the Lucene syntax names it: {@code host}, a typed
     * string column, {@code attrs.<key>}) also per value of {@code splitValues}.
     */
    public Counts histogram(String lane, String predicate, long fromNanos, long toNanos, long startMillis, long intervalMillis,
                            int buckets, String splitField, List<String> splitValues) {
        StringBuilder s = new StringBuilder("SELECT b, count(*)");
        if (splitField != null) {
            for (String v : splitValues) {
                s.append(", count(*) FILTER (WHERE v = ").append(literal(v)).append(')');
            }
        }
        s.append(" FROM (SELECT (epoch_ms(ts) - ").append(startMillis).append(") // ").append(intervalMillis).append(" AS b, ")
                .append(splitValue(lane, splitField)).append(" AS v FROM ").append(ident(lane)).append(" WHERE ")
                .append(where(predicate, fromNanos, toNanos)).append(") GROUP BY b");
        long[] counts = new long[buckets];
        List<long[]> series = new ArrayList<>();
        int n = splitField == null ? 0 : splitValues.size() + 1;
        for (int k = 0; k < n; k++) {
            series.add(new long[buckets]);
        }
        for (List<Object> row : sql.execute(s.toString()).rows()) {
            long b = ((Number) row.get(0)).longValue();
            if (b < 0 || b >= buckets) {
                continue;
            }
            long all = ((Number) row.get(1)).longValue();
            counts[(int) b] += all;
            long split = 0;
            for (int k = 0; k < n - 1; k++) {
                long c = ((Number) row.get(2 + k)).longValue();
                series.get(k)[(int) b] += c;
                split += c;
            }
            if (n > 0) {
                series.getLast()[(int) b] += all - split;
            }
        }
        return new Counts(counts, series);
    }

    /** The {@code size} most frequent values of a keyword field among the rows the predicate selects, most frequent first. */
    public List<String> topValues(String lane, String predicate, long fromNanos, long toNanos, String field, int size) {
        List<String> out = new ArrayList<>();
        String sql = "SELECT v, count(*) AS c FROM (SELECT " + splitValue(lane, field) + " AS v FROM " + ident(lane) + " WHERE "
                + where(predicate, fromNanos, toNanos) + ") WHERE v IS NOT NULL GROUP BY v ORDER BY c DESC, v LIMIT " + size;
        for (List<Object> row : this.sql.execute(sql).rows()) {
            out.add((String) row.getFirst());
        }
        return out;
    }

    /**
     * A field's values among the rows read.
     *
     * @param values    the most frequent values (String, Long or Double), most first, ties by value text
     * @param rows      rows read (the newest matches, at most the cap)
     * @param withValue how many of them hold the field
     * @param distinct  distinct values among them
     * @param complete  whether every match was read
     */
    public record Values(List<Map.Entry<Object, Long>> values, long rows, long withValue, long distinct, boolean complete) {}

    /**
     * The {@code size} most frequent values of {@code field} (a query name as the index's top values take it:
     * {@code host}, {@code tag}, a typed column, {@code attrs.<key>} with each value's own type) among the newest
     * {@code cap} rows of {@code [fromNanos, toNanos)} the predicate selects.
     */
    public Values values(String lane, String predicate, long fromNanos, long toNanos, String field, long cap, int size) {
        String[] kv = kindAndText(lane, field);
        String read = "SELECT " + kv[0] + " AS k, " + kv[1] + " AS v FROM " + ident(lane) + " WHERE " + where(predicate, fromNanos, toNanos)
                + " ORDER BY ts DESC LIMIT " + cap;
        List<Object> head = sql.execute("SELECT count(*), count(v), count(DISTINCT k || ':' || v), (SELECT count(*) FROM (SELECT 1 FROM "
                + ident(lane) + " WHERE " + where(predicate, fromNanos, toNanos) + " LIMIT " + (cap + 1) + ")) FROM (" + read + ")")
                .rows().getFirst();
        List<Map.Entry<Object, Long>> values = new ArrayList<>();
        for (List<Object> row : sql.execute("SELECT k, v, count(*) AS c FROM (" + read + ") WHERE v IS NOT NULL GROUP BY k, v"
                + " ORDER BY c DESC, v LIMIT " + size).rows()) {
            String text = (String) row.get(1);
            Object value = switch ((String) row.get(0)) {
                case "l" -> Long.parseLong(text);
                case "d" -> Double.parseDouble(text);
                default -> text;
            };
            values.add(Map.entry(value, ((Number) row.get(2)).longValue()));
        }
        return new Values(values, ((Number) head.get(0)).longValue(), ((Number) head.get(1)).longValue(),
                ((Number) head.get(2)).longValue(), ((Number) head.get(3)).longValue() <= cap);
    }

    /**
     * Which fields the rows read hold, as the index names and types them.
     *
     * @param counts   field → type ({@code keyword}, {@code long}, {@code double}, {@code text}, {@code date}) → rows holding it;
     *                 the event fields and the lane's typed columns first, then {@code attrs.<key>} as found
     * @param rows     rows read (the newest matches, at most the cap)
     * @param complete whether every match was read
     */
    public record FieldCounts(Map<String, Map<String, Long>> counts, long rows, boolean complete) {}

    /**
     * The fields of the newest {@code cap} rows of {@code [fromNanos, toNanos)} the predicate selects: the event
     * columns, the typed columns and each top-level {@code attrs} key by the type the index gives its values (a
     * string or boolean {@code keyword}, an integer {@code long}, else a number {@code double}; nested values,
     * arrays and nulls are not fields there).
     */
    public FieldCounts fields(String lane, String predicate, long fromNanos, long toNanos, long cap) {
        List<FieldDef> typed = RecordView.typedFields(fields(lane));
        String matches = "SELECT * FROM " + ident(lane) + " WHERE " + where(predicate, fromNanos, toNanos) + " ORDER BY ts DESC LIMIT " + cap;
        Map<String, Map<String, Long>> counts = new java.util.LinkedHashMap<>();
        List<String[]> fixed = new ArrayList<>(List.of(new String[] {"message", "text"}, new String[] {"tag", "keyword"},
                new String[] {"host", "keyword"}, new String[] {"container_id", "keyword"}, new String[] {"container_name", "keyword"},
                new String[] {"source", "keyword"}, new String[] {"ts", "date"}));
        for (FieldDef f : typed) {
            fixed.add(new String[] {f.name(), switch (f.type()) {
                case LONG -> "long";
                case DOUBLE -> "double";
                case STRING -> "keyword";
            }});
        }
        StringBuilder head = new StringBuilder("SELECT count(*)");
        for (String[] f : fixed) {
            head.append(", count(").append(ident(f[0])).append(')');
        }
        head.append(", (SELECT count(*) FROM (SELECT 1 FROM ").append(ident(lane)).append(" WHERE ").append(where(predicate, fromNanos, toNanos))
                .append(" LIMIT ").append(cap + 1).append(")) FROM (").append(matches).append(')');
        List<Object> h = sql.execute(head.toString()).rows().getFirst();
        for (int i = 0; i < fixed.size(); i++) {
            counts.computeIfAbsent(fixed.get(i)[0], k -> new java.util.LinkedHashMap<>()).put(fixed.get(i)[1], ((Number) h.get(1 + i)).longValue());
        }
        String path = "'$.\"' || replace(replace(k, '\\', '\\\\'), '\"', '\\\"') || '\"'";
        String type = "json_type(attrs, " + path + ")";
        String kind = "CASE WHEN " + type + " IN ('BIGINT', 'UBIGINT') AND TRY_CAST(json_extract_string(attrs, " + path + ") AS BIGINT)"
                + " IS NOT NULL THEN 'long' WHEN " + type + " IN ('UBIGINT', 'DOUBLE') THEN 'double' WHEN " + type
                + " IN ('VARCHAR', 'BOOLEAN') THEN 'keyword' END";
        for (List<Object> row : sql.execute("SELECT k, t, count(*) AS c FROM (SELECT k, " + kind + " AS t FROM (SELECT unnest(json_keys("
                + ident("attrs") + ")) AS k, " + ident("attrs") + " AS attrs FROM (" + matches + "))) WHERE t IS NOT NULL GROUP BY k, t"
                + " ORDER BY k, t").rows()) {
            counts.computeIfAbsent(IndexFields.ATTRS_KEYWORD + row.get(0), k -> new java.util.LinkedHashMap<>())
                    .merge((String) row.get(1), ((Number) row.get(2)).longValue(), Long::sum);
        }
        return new FieldCounts(counts, ((Number) h.getFirst()).longValue(), ((Number) h.getLast()).longValue() <= cap);
    }

    /** The SQL kind ({@code s}, {@code l}, {@code d}) and text of a field's value per row; NULL for a field without one. */
    private String[] kindAndText(String lane, String field) {
        Map<String, FieldDef> typed = LuceneSql.byName(RecordView.typedFields(fields(lane)));
        FieldDef t = typed.get(field);
        if (t != null && t.type() != io.loglane.core.parse.FieldType.STRING) {
            String kind = t.type() == io.loglane.core.parse.FieldType.LONG ? "'l'" : "'d'";
            return new String[] {kind, "CAST(" + ident(field) + " AS VARCHAR)"};
        }
        if (field.startsWith(IndexFields.ATTRS_KEYWORD)) {
            String path = LuceneSql.attrsPath(field.substring(IndexFields.ATTRS_KEYWORD.length()));
            String type = "json_type(" + ident("attrs") + ", " + path + ")";
            String text = "json_extract_string(" + ident("attrs") + ", " + path + ")";
            // DuckDB types a JSON integer ≥ 0 as UBIGINT; the index keeps one above 2^63 - 1 as a double
            return new String[] {"(CASE WHEN " + type + " IN ('BIGINT', 'UBIGINT') AND TRY_CAST(" + text + " AS BIGINT) IS NOT NULL THEN 'l'"
                    + " WHEN " + type + " IN ('UBIGINT', 'DOUBLE') THEN 'd' ELSE 's' END)",
                    "(CASE WHEN " + type + " IN ('VARCHAR', 'BOOLEAN', 'BIGINT', 'UBIGINT', 'DOUBLE') THEN json_extract_string("
                            + ident("attrs") + ", " + path + ") END)"};
        }
        String keyword = LuceneSql.keyword(field, typed);
        return new String[] {"'s'", keyword == null ? "NULL::VARCHAR" : keyword};
    }

    /** The SQL value of a keyword field ({@link LuceneSql}'s mapping); NULL for none or a field the lane lacks. */
    private String splitValue(String lane, String field) {
        if (field == null) {
            return "NULL::VARCHAR";
        }
        String v = LuceneSql.keyword(field, LuceneSql.byName(RecordView.typedFields(fields(lane))));
        return v == null ? "NULL::VARCHAR" : v;
    }

    private List<FieldDef> fields(String lane) {
        List<FieldDef> f = laneFields.get(lane);
        if (f == null) {
            throw new IllegalArgumentException("no archive view for lane " + lane);
        }
        return f;
    }

    private static String where(String predicate, long fromNanos, long toNanos) {
        return "ts >= " + timestamp(fromNanos) + " AND ts < " + timestamp(toNanos) + " AND (" + predicate + ")";
    }

    /** A {@code TIMESTAMP_NS} literal of epoch nanoseconds (UTC), compared with {@code ts} as is, so DuckDB prunes row groups by it. */
    static String timestamp(long nanos) {
        LocalDateTime t = LocalDateTime.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), (int) Math.floorMod(nanos, 1_000_000_000L),
                ZoneOffset.UTC);
        return String.format("TIMESTAMP_NS '%04d-%02d-%02d %02d:%02d:%02d.%09d'", t.getYear(), t.getMonthValue(), t.getDayOfMonth(),
                t.getHour(), t.getMinute(), t.getSecond(), t.getNano());
    }

    /**
     * A row as a hit's record: the archive keeps no record as written, so it is rebuilt from the
     * row: {@code message}, the event columns and typed columns that hold a value, then the
     * {@code attrs} fields.
     */
    private static Row row(List<Object> row, long tie, List<FieldDef> typed) {
        ObjectNode rec = JSON.createObjectNode();
        String message = (String) row.get(2);
        if (message != null) {
            rec.put("message", message);
        }
        String[] event = {"host", "container_id", "container_name", "source"};
        for (int i = 0; i < event.length; i++) {
            if (row.get(3 + i) != null) {
                rec.put(event[i], (String) row.get(3 + i));
            }
        }
        for (int i = 0; i < typed.size(); i++) {
            Object v = row.get(8 + i);
            if (v != null) {
                rec.set(typed.get(i).name(), JSON.valueToTree(v));
            }
        }
        try {
            String attrs = (String) row.get(7);
            if (attrs != null && JSON.readTree(attrs) instanceof ObjectNode o) {
                o.properties().forEach(e -> rec.set(e.getKey(), e.getValue()));
            }
            return new Row(((Number) row.get(0)).longValue(), tie, (String) row.get(1), message, JSON.writeValueAsString(rec));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
