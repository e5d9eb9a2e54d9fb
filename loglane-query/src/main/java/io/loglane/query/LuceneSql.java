package io.loglane.query;

import static io.loglane.stores.archive.ArchiveSchema.ident;
import static io.loglane.stores.archive.ArchiveSchema.literal;

import io.loglane.core.event.RecordView;
import io.loglane.core.parse.FieldDef;
import io.loglane.core.parse.FieldType;
import io.loglane.stores.index.IndexFields;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.lucene.document.DoublePoint;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.ConstantScoreQuery;
import org.apache.lucene.search.IndexOrDocValuesQuery;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.PhraseQuery;
import org.apache.lucene.search.PointRangeQuery;
import org.apache.lucene.search.PrefixQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.QueryVisitor;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TermRangeQuery;
import org.apache.lucene.search.WildcardQuery;

/**
 * Translates a lane's parsed Lucene query ({@code io.loglane.stores.index.LaneQueryParser}) into a
 * DuckDB predicate over the lane's archive view, field by field as the index maps them (its
 * FORMAT.md, "Fields"):
 * <ul>
 *   <li>keyword fields ({@code tag}, {@code host}, {@code container_id}, {@code container_name},
 *       {@code source}, a typed string column): the column equal to the value, a prefix, a
 *       wildcard ({@code LIKE}) or a range of strings; {@code attrs.<key>}: the string or boolean
 *       ({@code true}/{@code false}) at that top-level key of {@code attrs};</li>
 *   <li>numeric fields ({@code ts}, a typed LONG/DOUBLE column, {@code attrs#long.}/{@code attrs#double.}
 *       keys that {@code attrs.<key>:[a TO b]} searches): the range;</li>
 *   <li>{@code message} words, phrases and word prefixes: a regular expression over the lower-cased
 *       message in which letters, digits and {@code _} make up a word and {@code .}, {@code :} or
 *       {@code '} between two of them join it. This <b>approximates</b> the index's tokenizer
 *       (Unicode word breaks): numbers with thousands separators and ideographic text may split
 *       differently, so a word search over the archive can differ from the index's on such text;</li>
 *   <li>booleans as Lucene evaluates them (SHOULD clauses count only without MUST clauses or
 *       with a minimum to match; negations alone match nothing, as in Lucene); a field the index
 *       does not have matches nothing.</li>
 * </ul>
 * Fuzzy, regular-expression and sloppy-phrase queries, wildcards inside message words, and any
 * other query type are refused with {@link FilterSqlException} naming them: never a predicate that
 * silently selects something else.
 *
 * <p>Thread-safety: stateless.
 */
final class LuceneSql {
    /** What a word of the message is made of, and what may join two parts of one. */
    private static final String WORD = "[\\p{L}\\p{N}_]";
    private static final String JOIN = "[.:']";
    /** Before a word: the start, a non-word non-joining character, or a joining one not preceded by a word character. */
    private static final String LEFT = "(^|[^\\p{L}\\p{N}_.:']|(^|[^\\p{L}\\p{N}_])" + JOIN + ")";
    /** After a word: the end, a non-word non-joining character, or a joining one not followed by a word character. */
    private static final String RIGHT = "($|[^\\p{L}\\p{N}_.:']|" + JOIN + "($|[^\\p{L}\\p{N}_]))";
    private static final String MESSAGE = "lower(coalesce(" + ident("message") + ", ''))";
    private static final List<String> KEYWORD_COLUMNS = List.of(IndexFields.TAG, "host", "container_id", "container_name", "source");

    private LuceneSql() {}

    /**
     * @param typed the lane's typed columns ({@link RecordView#typedFields})
     * @throws FilterSqlException a part of the query SQL over the archive cannot express
     */
    static String predicate(Query q, List<FieldDef> typed) {
        return FilterSqlException.withoutNul(translate(q, byName(typed)));
    }

    /** Whether {@code q} searches the message's words (which the translation approximates). */
    static boolean readsMessageWords(Query q) {
        boolean[] found = {false};
        q.visit(new QueryVisitor() {
            @Override
            public boolean acceptField(String field) {
                found[0] |= IndexFields.MESSAGE.equals(field);
                return true;
            }
        });
        return found[0];
    }

    /** The typed columns by name. */
    static Map<String, FieldDef> byName(List<FieldDef> typed) {
        return typed.stream().collect(Collectors.toMap(FieldDef::name, Function.identity(), (a, b) -> a));
    }

    private static String translate(Query q, Map<String, FieldDef> typed) {
        return switch (q) {
            case MatchAllDocsQuery all -> "TRUE";
            case MatchNoDocsQuery none -> "FALSE";
            case BoostQuery b -> translate(b.getQuery(), typed);
            case ConstantScoreQuery c -> translate(c.getQuery(), typed);
            // the index's choice of points or doc values for a range; both sides select the same documents
            case IndexOrDocValuesQuery d -> translate(d.getIndexQuery(), typed);
            case BooleanQuery b -> bool(b, typed);
            case TermQuery t -> term(t.getTerm(), typed);
            case PhraseQuery p -> phrase(p);
            case PrefixQuery p -> prefix(p.getPrefix(), typed);
            case WildcardQuery w -> wildcard(w.getTerm(), typed);
            case TermRangeQuery r -> keywordRange(r, typed);
            case PointRangeQuery r -> pointRange(r, typed);
            default -> throw refuse(q.getClass().getSimpleName().replace("Query", "").toLowerCase() + " query " + q);
        };
    }

    private static String bool(BooleanQuery b, Map<String, FieldDef> typed) {
        List<String> must = new ArrayList<>();
        List<String> should = new ArrayList<>();
        for (BooleanClause c : b.clauses()) {
            String sql = translate(c.query(), typed);
            switch (c.occur()) {
                case MUST, FILTER -> must.add(sql);
                case MUST_NOT -> must.add("NOT " + sql);
                case SHOULD -> should.add(sql);
            }
        }
        boolean positive = b.clauses().stream().anyMatch(c -> c.occur() == BooleanClause.Occur.MUST
                || c.occur() == BooleanClause.Occur.FILTER || c.occur() == BooleanClause.Occur.SHOULD);
        if (!positive) {
            return "FALSE"; // Lucene: a boolean query of negations alone matches nothing
        }
        int min = b.getMinimumNumberShouldMatch();
        if (min > 0) {
            must.add("(" + should.stream().map(s -> "CAST(" + s + " AS INTEGER)").collect(Collectors.joining(" + ")) + ") >= " + min);
        } else if (!should.isEmpty() && must.size() == b.clauses().stream().filter(c -> c.occur() == BooleanClause.Occur.MUST_NOT).count()) {
            must.add("(" + String.join(" OR ", should) + ")"); // no required clause: one optional one must match
        }
        return "(" + String.join(" AND ", must) + ")";
    }

    /** Every leaf is NULL-safe (a missing value is false), so NOT and OR combine them as Lucene does. */
    private static String safe(String test) { return "coalesce(" + test + ", FALSE)"; }

    private static String term(Term t, Map<String, FieldDef> typed) {
        if (t.field().equals(IndexFields.MESSAGE)) {
            return safe("regexp_matches(" + MESSAGE + ", " + literal(LEFT + quote(t.text()) + RIGHT) + ")");
        }
        String col = keyword(t.field(), typed);
        return col == null ? "FALSE" : safe(col + " = " + literal(t.text()));
    }

    private static String phrase(PhraseQuery p) {
        if (p.getSlop() != 0) {
            throw refuse("a phrase with slop (" + p + ")");
        }
        Term[] terms = p.getTerms();
        if (terms.length == 0) {
            return "FALSE";
        }
        if (!terms[0].field().equals(IndexFields.MESSAGE)) {
            throw refuse("a phrase on " + terms[0].field());
        }
        int[] positions = p.getPositions();
        StringBuilder re = new StringBuilder(LEFT);
        for (int i = 0; i < terms.length; i++) {
            if (i > 0) {
                if (positions[i] != positions[i - 1] + 1) {
                    throw refuse("a phrase with gaps (" + p + ")");
                }
                re.append("[^\\p{L}\\p{N}_]+");
            }
            re.append(quote(terms[i].text()));
        }
        return safe("regexp_matches(" + MESSAGE + ", " + literal(re.append(RIGHT).toString()) + ")");
    }

    private static String prefix(Term t, Map<String, FieldDef> typed) {
        if (t.field().equals(IndexFields.MESSAGE)) {
            return safe("regexp_matches(" + MESSAGE + ", " + literal(LEFT + quote(t.text())) + ")");
        }
        String col = keyword(t.field(), typed);
        return col == null ? "FALSE" : safe("starts_with(" + col + ", " + literal(t.text()) + ")");
    }

    private static String wildcard(Term t, Map<String, FieldDef> typed) {
        if (t.field().equals(IndexFields.MESSAGE)) {
            throw refuse("a wildcard inside a message word (" + t.text() + ")");
        }
        String col = keyword(t.field(), typed);
        if (col == null) {
            return "FALSE";
        }
        StringBuilder like = new StringBuilder();
        String s = t.text();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> like.append(i + 1 < s.length() ? escapeLike(s.charAt(++i)) : "\\\\");
                case '*' -> like.append('%');
                case '?' -> like.append('_');
                default -> like.append(escapeLike(c));
            }
        }
        return safe(col + " LIKE " + literal(like.toString()) + " ESCAPE '\\'");
    }

    private static String escapeLike(char c) {
        return c == '%' || c == '_' || c == '\\' ? "\\" + c : String.valueOf(c);
    }

    private static String keywordRange(TermRangeQuery r, Map<String, FieldDef> typed) {
        String col = keyword(r.getField(), typed);
        if (col == null) {
            return "FALSE";
        }
        List<String> tests = new ArrayList<>();
        if (r.getLowerTerm() != null) {
            tests.add(col + (r.includesLower() ? " >= " : " > ") + literal(r.getLowerTerm().utf8ToString()));
        }
        if (r.getUpperTerm() != null) {
            tests.add(col + (r.includesUpper() ? " <= " : " < ") + literal(r.getUpperTerm().utf8ToString()));
        }
        return tests.isEmpty() ? safe(col + " IS NOT NULL") : safe(String.join(" AND ", tests));
    }

    /**
     * The SQL value of a keyword field, or null when the index has no such field: an event column,
     * a typed string column, or a top-level string or boolean of {@code attrs}.
     */
    static String keyword(String field, Map<String, FieldDef> typed) {
        if (KEYWORD_COLUMNS.contains(field)) {
            return ident(field);
        }
        FieldDef f = typed.get(field);
        if (f != null) {
            return f.type() == FieldType.STRING ? ident(field) : null;
        }
        if (field.startsWith(IndexFields.ATTRS_KEYWORD)) {
            String path = attrsPath(field.substring(IndexFields.ATTRS_KEYWORD.length()));
            return "(CASE WHEN json_type(" + ident("attrs") + ", " + path + ") IN ('VARCHAR', 'BOOLEAN') THEN json_extract_string("
                    + ident("attrs") + ", " + path + ") END)";
        }
        return null;
    }

    private static String pointRange(PointRangeQuery r, Map<String, FieldDef> typed) {
        String field = r.getField();
        if (r.getNumDims() != 1) {
            throw refuse("a range of " + r.getNumDims() + " dimensions on " + field);
        }
        String value;
        boolean isLong;
        if (field.equals(IndexFields.TS)) {
            long lo = LongPoint.decodeDimension(r.getLowerPoint(), 0);
            long hi = LongPoint.decodeDimension(r.getUpperPoint(), 0);
            List<String> tests = new ArrayList<>();
            if (lo != Long.MIN_VALUE) {
                tests.add("ts >= " + ArchiveSearch.timestamp(lo));
            }
            if (hi != Long.MAX_VALUE) {
                tests.add("ts <= " + ArchiveSearch.timestamp(hi));
            }
            return tests.isEmpty() ? "TRUE" : "(" + String.join(" AND ", tests) + ")";
        } else if (typed.containsKey(field) && typed.get(field).type() != FieldType.STRING) {
            value = ident(field);
            isLong = typed.get(field).type() == FieldType.LONG;
        } else if (field.startsWith(IndexFields.ATTRS_LONG) || field.startsWith(IndexFields.ATTRS_DOUBLE)) {
            isLong = field.startsWith(IndexFields.ATTRS_LONG);
            String path = attrsPath(field.substring((isLong ? IndexFields.ATTRS_LONG : IndexFields.ATTRS_DOUBLE).length()));
            String type = "json_type(" + ident("attrs") + ", " + path + ")";
            String text = "json_extract_string(" + ident("attrs") + ", " + path + ")";
            // the index puts an integer into attrs#long (above 2^63 - 1: attrs#double) and a float into attrs#double;
            // DuckDB types a JSON integer ≥ 0 as UBIGINT
            String asLong = "TRY_CAST(" + text + " AS BIGINT)";
            value = isLong ? "(CASE WHEN " + type + " IN ('BIGINT', 'UBIGINT') THEN " + asLong + " END)"
                    : "(CASE WHEN " + type + " = 'DOUBLE' OR (" + type + " = 'UBIGINT' AND " + asLong + " IS NULL) THEN TRY_CAST("
                    + text + " AS DOUBLE) END)";
        } else {
            return "FALSE";
        }
        List<String> tests = new ArrayList<>();
        if (isLong) {
            long lo = LongPoint.decodeDimension(r.getLowerPoint(), 0);
            long hi = LongPoint.decodeDimension(r.getUpperPoint(), 0);
            if (lo != Long.MIN_VALUE) {
                tests.add(value + " >= " + lo);
            }
            if (hi != Long.MAX_VALUE) {
                tests.add(value + " <= " + hi);
            }
        } else {
            double lo = DoublePoint.decodeDimension(r.getLowerPoint(), 0);
            double hi = DoublePoint.decodeDimension(r.getUpperPoint(), 0);
            if (lo != Double.NEGATIVE_INFINITY) {
                tests.add(value + " >= " + Double.toString(lo) + "::DOUBLE");
            }
            if (hi != Double.POSITIVE_INFINITY) {
                tests.add(value + " <= " + Double.toString(hi) + "::DOUBLE");
            }
        }
        return tests.isEmpty() ? safe(value + " IS NOT NULL") : safe(String.join(" AND ", tests));
    }

    /** {@code text} as a literal in an RE2 expression: its metacharacters escaped. */
    private static String quote(String text) {
        StringBuilder b = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ("\\.+*?()|[]{}^$".indexOf(c) >= 0) {
                b.append('\\');
            }
            b.append(c);
        }
        return b.toString();
    }

    /** The DuckDB JSON path of a top-level key. */
    static String attrsPath(String key) {
        return literal("$.\"" + key.replace("\\", "\\\\").replace("\"", "\\\"") + "\"");
    }

    private static FilterSqlException refuse(String what) {
        return new FilterSqlException(what + " cannot be run as SQL over the archive");
    }
}
