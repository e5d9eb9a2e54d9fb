package io.loglane.query;

import static io.loglane.stores.archive.ArchiveSchema.ident;
import static io.loglane.stores.archive.ArchiveSchema.literal;

import io.loglane.core.event.RecordView;
import io.loglane.core.parse.FieldDef;
import io.loglane.search.filter.FilterPattern;
import io.loglane.search.filter.JsonExpr;
import io.loglane.search.filter.Operand;
import io.loglane.search.filter.PatternNode;
import io.loglane.search.filter.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Compiles a {@link FilterPattern} to a DuckDB predicate over a lane view of the archive, with the
 * in-memory matcher's semantics (the rules of {@code io.loglane.search.filter}'s package page):
 * <ul>
 *   <li>terms: a case-sensitive substring of {@code message} ({@code contains}; NULL reads as the
 *       empty text), {@code -term} negated, {@code ?term}s OR-ed unless ignored;</li>
 *   <li>{@code %regex%}: {@code regexp_matches} (DuckDB's regexes are RE2, as the matcher's);</li>
 *   <li>JSON patterns: only rows with fields of their own (a non-empty {@code attrs} or a typed
 *       value); {@code $.name} is the lane's typed column {@code name} when it holds a value, else
 *       the {@code attrs} property (nested paths and indexes via JSON paths), else the event column
 *       {@code message}, {@code host}, {@code container_id}, {@code container_name} or
 *       {@code source}; each condition is tested per source with {@code ConditionCheck}'s rules
 *       (objects, arrays and nulls fail comparisons, {@code !=} included; numbers and numeric strings
 *       compare numerically; {@code IS TRUE} for booleans only; a missing property fails all but
 *       {@code NOT EXISTS}).</li>
 *   <li>space-delimited patterns: the message split into fields as the matcher splits it
 *       ({@code regexp_extract_all}), slots before a {@code ...} from the start, after it from the
 *       end, each field's conditions as a JSON condition's on a string.</li>
 * </ul>
 * Not expressible, refused with {@link FilterSqlException}: wildcard selectors ({@code [*]},
 * {@code .*}), a path below a typed field, and space-delimited patterns with several {@code ...}. Differences that remain:
 * a number's text form for {@code =} wildcards on a decimal value ({@code 1.0E3} in Java, DuckDB's
 * own form in SQL), and a typed value the archive took from a record field (stored converted,
 * where the matcher reads the field as written) compare the same numerically but not always as text.
 *
 * <p>Thread-safety: stateless.
 */
public final class FilterSql {
    private static final String MESSAGE = "coalesce(" + ident("message") + ", '')";
    private static final String ATTRS = ident("attrs");
    private static final List<String> EVENT_COLUMNS = List.of("message", "host", "container_id", "container_name", "source");
    /** The matcher's "string that is a number" ({@code Operand.Number}'s syntax). */
    private static final String NUMBER_SYNTAX = literal("[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]+)?");

    private FilterSql() {}

    /**
     * The predicate for {@code pattern} over a lane view whose typed columns are {@code typed}.
     *
     * @throws FilterSqlException when the pattern cannot be expressed in SQL
     */
    public static String predicate(FilterPattern pattern, List<FieldDef> typed) {
        return FilterSqlException.withoutNul(translate(pattern, typed));
    }

    private static String translate(FilterPattern pattern, List<FieldDef> typed) {
        Map<String, FieldDef> byName = RecordView.typedFields(typed).stream()
                .collect(Collectors.toMap(FieldDef::name, Function.identity(), (a, b) -> a));
        return switch (pattern.node()) {
            case PatternNode.MatchAll all -> "TRUE";
            case PatternNode.Terms terms -> terms(terms);
            case PatternNode.Regex regex -> "regexp_matches(" + MESSAGE + ", " + literal(regex.compiled().pattern()) + ")";
            case PatternNode.JsonPattern json -> "(" + structured(byName) + " AND " + expr(json.expr(), c -> condition(c, byName)) + ")";
            case PatternNode.SpaceDelimited space -> spaceDelimited(space);
        };
    }

    private static String terms(PatternNode.Terms node) {
        List<String> all = new ArrayList<>();
        List<String> any = new ArrayList<>();
        for (PatternNode.Term t : node.terms()) {
            String has = "contains(" + MESSAGE + ", " + literal(t.text()) + ")";
            switch (t.role()) {
                case REQUIRED -> all.add(has);
                case EXCLUDED -> all.add("NOT " + has);
                case OPTIONAL -> any.add(has);
            }
        }
        if (!node.optionalIgnored() && !any.isEmpty()) {
            all.add("(" + String.join(" OR ", any) + ")");
        }
        return all.isEmpty() ? "TRUE" : "(" + String.join(" AND ", all) + ")";
    }

    /** A JSON event: fields of its own beyond message and provenance. */
    private static String structured(Map<String, FieldDef> typed) {
        StringBuilder b = new StringBuilder("(coalesce(CAST(" + ATTRS + " AS VARCHAR), '{}') <> '{}'");
        for (String name : typed.keySet()) {
            b.append(" OR ").append(ident(name)).append(" IS NOT NULL");
        }
        return b.append(')').toString();
    }

    private static String expr(JsonExpr e, Function<JsonExpr.Condition, String> condition) {
        return switch (e) {
            case JsonExpr.And and -> "(" + expr(and.left(), condition) + " AND " + expr(and.right(), condition) + ")";
            case JsonExpr.Or or -> "(" + expr(or.left(), condition) + " OR " + expr(or.right(), condition) + ")";
            case JsonExpr.Condition c -> condition.apply(c);
        };
    }

    /**
     * The message's fields as {@code MessageFields} splits them, as a list: whitespace runs
     * separate; a field opening with {@code "} or {@code [} runs to the closing one (or the end) and
     * is its content without them.
     */
    private static final String FIELDS = "list_transform(regexp_extract_all(" + MESSAGE + ", "
            + literal("\"[^\"]*\"?|\\[[^\\]]*\\]?|[^ \\t\\n\\r]+") + "), lambda f: CASE"
            + " WHEN starts_with(f, '\"') THEN substr(f, 2, length(f) - CASE WHEN length(f) > 1 AND suffix(f, '\"') THEN 2 ELSE 1 END)"
            + " WHEN starts_with(f, '[') THEN substr(f, 2, length(f) - CASE WHEN suffix(f, ']') THEN 2 ELSE 1 END)"
            + " ELSE f END)";

    /**
     * Slots before the pattern's one {@code ...} take fields from the start, slots after it from
     * the end; without one the field count must equal the slot count. Several {@code ...} are
     * refused (the matcher's search over their splits has no plain SQL form here).
     */
    private static String spaceDelimited(PatternNode.SpaceDelimited node) {
        List<PatternNode.Slot> slots = node.slots();
        int ellipsis = -1;
        for (int i = 0; i < slots.size(); i++) {
            if (slots.get(i) instanceof PatternNode.Ellipsis) {
                if (ellipsis >= 0) {
                    throw new FilterSqlException("a space-delimited pattern with more than one ... cannot be run as SQL over the archive");
                }
                ellipsis = i;
            }
        }
        int named = slots.size() - (ellipsis >= 0 ? 1 : 0);
        List<String> all = new ArrayList<>();
        all.add("len(fs) " + (ellipsis >= 0 ? ">=" : "=") + " " + named);
        for (int i = 0; i < slots.size(); i++) {
            if (slots.get(i) instanceof PatternNode.Field f && f.condition() != null) {
                // 1-based from the start before the ellipsis; from the end after it
                String at = ellipsis < 0 || i < ellipsis ? String.valueOf(i + 1) : "len(fs) - " + (slots.size() - 1 - i);
                String field = "fs[" + at + "]";
                all.add(expr(f.condition(), c -> test(c, "'VARCHAR'", field, null)));
            }
        }
        return "(SELECT " + String.join(" AND ", all) + " FROM (SELECT " + FIELDS + " AS fs))";
    }

    /** The condition over the first source of {@code $.name} that holds it: typed column, attrs, event column. */
    private static String condition(JsonExpr.Condition c, Map<String, FieldDef> typed) {
        Selector sel = c.selector();
        if (sel.wildcards() > 0) {
            throw new FilterSqlException("wildcard selector " + sel.text() + " cannot be run as SQL over the archive");
        }
        List<Selector.Step> steps = sel.steps();
        if (steps.isEmpty() || !(steps.getFirst() instanceof Selector.Key first)) {
            throw new FilterSqlException("selector " + sel.text() + " does not start with a property");
        }
        StringBuilder sql = new StringBuilder("(CASE");
        FieldDef t = typed.get(first.name());
        if (t != null) {
            if (steps.size() > 1) {
                throw new FilterSqlException("selector " + sel.text() + " reaches below the typed field " + first.name());
            }
            String col = ident(t.name());
            boolean number = t.type() != io.loglane.core.parse.FieldType.STRING;
            sql.append(" WHEN ").append(col).append(" IS NOT NULL THEN ")
                    .append(test(c, number ? "'DOUBLE'" : "'VARCHAR'", "CAST(" + col + " AS VARCHAR)", number ? "CAST(" + col + " AS DOUBLE)" : null));
        }
        String path = literal(jsonPath(steps));
        String type = "json_type(" + ATTRS + ", " + path + ")";
        String text = "json_extract_string(" + ATTRS + ", " + path + ")";
        sql.append(" WHEN ").append(type).append(" IS NOT NULL THEN ").append(test(c, type, text, null));
        if (steps.size() == 1 && EVENT_COLUMNS.contains(first.name())) {
            String col = ident(first.name());
            sql.append(" WHEN ").append(col).append(" IS NOT NULL THEN ").append(test(c, "'VARCHAR'", col, null));
        }
        return sql.append(" ELSE ").append(c.op() == JsonExpr.Op.NOT_EXISTS ? "TRUE" : "FALSE").append(" END)").toString();
    }

    /**
     * The condition on a value that exists, of JSON type {@code type} (an SQL expression giving
     * DuckDB's json_type names), text {@code text}, and number {@code number} (null: derive it from
     * the type and text).
     */
    private static String test(JsonExpr.Condition c, String type, String text, String number) {
        String isNumber = type + " IN ('BIGINT', 'UBIGINT', 'DOUBLE', 'HUGEINT')";
        String num = number != null ? number
                : "(CASE WHEN " + isNumber + " THEN TRY_CAST(" + text + " AS DOUBLE) WHEN " + type + " = 'VARCHAR' AND regexp_full_match("
                + text + ", " + NUMBER_SYNTAX + ") THEN TRY_CAST(" + text + " AS DOUBLE) END)";
        String comparable = type + " NOT IN ('NULL', 'ARRAY', 'OBJECT')";
        switch (c.op()) {
            case IS_NULL -> { return type + " = 'NULL'"; }
            case IS_TRUE -> { return "(" + type + " = 'BOOLEAN' AND " + text + " = 'true')"; }
            case IS_FALSE -> { return "(" + type + " = 'BOOLEAN' AND " + text + " = 'false')"; }
            case NOT_EXISTS -> { return "FALSE"; }
            default -> { }
        }
        if (c.op().relational()) {
            Operand.Number n = (Operand.Number) c.operand();
            return "coalesce(" + num + " " + c.op().symbol() + " " + n.value() + ", FALSE)";
        }
        String eq = switch (c.operand()) {
            case Operand.Number n -> "coalesce(" + type + " <> 'BOOLEAN' AND " + num + " = " + n.value() + ", FALSE)";
            case Operand.Text t -> switch (t.wildcard()) {
                case ANY -> "TRUE";
                case EXACT -> textTest(type, text + " = " + literal(t.core()));
                case PREFIX -> textTest(type, "starts_with(" + text + ", " + literal(t.core()) + ")");
                case SUFFIX -> textTest(type, "suffix(" + text + ", " + literal(t.core()) + ")");
                case CONTAINS -> textTest(type, "contains(" + text + ", " + literal(t.core()) + ")");
            };
            case Operand.RegexValue r -> textTest(type, "regexp_matches(" + text + ", " + literal(r.regex().compiled().pattern()) + ")");
        };
        return "(" + comparable + " AND " + (c.op() == JsonExpr.Op.EQ ? eq : "NOT " + eq) + ")";
    }

    /** A test of the value's text: never true for a boolean (it has no text). */
    private static String textTest(String type, String test) {
        return "coalesce(" + type + " <> 'BOOLEAN' AND " + test + ", FALSE)";
    }

    /** DuckDB JSON path of the steps: {@code $."a"[0]."b.c"}. */
    private static String jsonPath(List<Selector.Step> steps) {
        StringBuilder b = new StringBuilder("$");
        for (Selector.Step s : steps) {
            switch (s) {
                case Selector.Key k -> b.append(".\"").append(k.name().replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
                case Selector.Index i -> b.append('[').append(i.index()).append(']');
                case Selector.Any any -> throw new FilterSqlException("wildcard step");
            }
        }
        return b.toString();
    }
}
