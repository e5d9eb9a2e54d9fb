package io.loglane.stores.index;

import io.loglane.core.parse.FieldDef;
import io.loglane.core.parse.FieldType;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.DelegatingAnalyzerWrapper;
import org.apache.lucene.document.DoublePoint;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.queryparser.classic.ParseException;
import org.apache.lucene.queryparser.classic.QueryParser;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexOrDocValuesQuery;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.util.NumericUtils;

/**
 * Lucene's classic query syntax over one lane's index ({@code status:[500 TO 599] AND method:POST},
 * {@code path:/api*}, phrases, booleans), with the field types of FORMAT.md: bare words and
 * {@code message:} search the message's words; {@code ts} and the lane's LONG/DOUBLE typed fields
 * are points ({@code status:500} is an exact point query, ranges are point ranges, {@code *} an
 * open end); {@code attrs.<key>:[a TO b]} with numeric bounds searches the key's number fields
 * ({@code attrs#long.}, {@code attrs#double.}); every other field is a keyword, matched whole
 * and case-sensitively. A query of only negations ({@code -timeout}) means everything else. A
 * {@code /} is literal (no {@code /regex/} queries), so paths need no escaping.
 *
 * <p>Thread-safety: not thread-safe (QueryParser is not); one per query.
 */
public final class LaneQueryParser extends QueryParser {
    private final Map<String, FieldType> numeric;

    /** A parser for a lane whose typed fields are {@code typedFields}. */
    public LaneQueryParser(List<FieldDef> typedFields) {
        super(IndexFields.MESSAGE, analyzer());
        this.numeric = new HashMap<>();
        numeric.put(IndexFields.TS, FieldType.LONG);
        for (FieldDef f : typedFields) {
            if (f.type() != FieldType.STRING) {
                numeric.put(f.name(), f.type());
            }
        }
        setAllowLeadingWildcard(true);
    }

    /** The message's words analyzer for {@code message}, the whole value for every other field. */
    private static Analyzer analyzer() {
        Analyzer words = DayIndex.analyzer();
        Analyzer whole = new WholeValueAnalyzer();
        return new DelegatingAnalyzerWrapper(Analyzer.PER_FIELD_REUSE_STRATEGY) {
            @Override
            protected Analyzer getWrappedAnalyzer(String fieldName) {
                return fieldName.equals(IndexFields.MESSAGE) ? words : whole;
            }
        };
    }

    /** Parses {@code text}; empty means every document. */
    public Query parseQuery(String text) throws ParseException {
        if (text == null || text.isBlank()) {
            return new MatchAllDocsQuery();
        }
        return everythingBut(parse(literalSlashes(text)));
    }

    /**
     * Escapes every {@code /} not already escaped: classic syntax reads {@code /…/} as a regular
     * expression, which makes {@code path:/api*} (the form users write for paths) a syntax error.
     * Regular expressions are therefore not part of this syntax.
     */
    static String literalSlashes(String text) {
        StringBuilder sb = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length()) {
                sb.append(c).append(text.charAt(++i));
            } else if (c == '/') {
                sb.append("\\/");
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** A boolean query of negations alone matches nothing in Lucene; here it means "all documents but these". */
    private static Query everythingBut(Query q) {
        if (q instanceof BooleanQuery b && !b.clauses().isEmpty()
                && b.clauses().stream().allMatch(c -> c.occur() == BooleanClause.Occur.MUST_NOT)) {
            BooleanQuery.Builder all = new BooleanQuery.Builder().add(new MatchAllDocsQuery(), BooleanClause.Occur.MUST);
            b.clauses().forEach(all::add);
            return all.build();
        }
        return q;
    }

    @Override
    protected Query getFieldQuery(String field, String queryText, boolean quoted) throws ParseException {
        FieldType t = numeric.get(field);
        if (t != null) {
            return range(field, t, queryText, queryText, true, true);
        }
        return super.getFieldQuery(field, queryText, quoted);
    }

    @Override
    protected Query getRangeQuery(String field, String part1, String part2, boolean startInclusive, boolean endInclusive)
            throws ParseException {
        FieldType t = numeric.get(field);
        if (t != null) {
            return range(field, t, part1, part2, startInclusive, endInclusive);
        }
        if (field.startsWith(IndexFields.ATTRS_KEYWORD) && numberOrOpen(part1) && numberOrOpen(part2)
                && !(part1 == null && part2 == null)) {
            String key = field.substring(IndexFields.ATTRS_KEYWORD.length());
            return new BooleanQuery.Builder()
                    .add(range(IndexFields.ATTRS_LONG + key, FieldType.LONG, part1, part2, startInclusive, endInclusive), BooleanClause.Occur.SHOULD)
                    .add(range(IndexFields.ATTRS_DOUBLE + key, FieldType.DOUBLE, part1, part2, startInclusive, endInclusive), BooleanClause.Occur.SHOULD)
                    .build();
        }
        return super.getRangeQuery(field, part1, part2, startInclusive, endInclusive);
    }

    private static boolean numberOrOpen(String s) {
        if (s == null || s.equals("*")) {
            return true;
        }
        try {
            Double.parseDouble(s);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /**
     * A numeric range as its points or its doc values (FORMAT.md: every numeric field has both, a
     * double as its sortable long), whichever is cheaper where it runs: beside a selective clause
     * (a time range, a rare term) Lucene then checks the doc values of that clause's documents
     * instead of collecting every match of the range in the day from the points.
     */
    static Query pointsOrDocValues(String field, Query points, long loSortable, long hiSortable) {
        return new IndexOrDocValuesQuery(points, NumericDocValuesField.newSlowRangeQuery(field, loSortable, hiSortable));
    }

    private static Query range(String field, FieldType type, String lo, String hi, boolean loIn, boolean hiIn) throws ParseException {
        try {
            if (type == FieldType.LONG) {
                long a = lo == null || lo.equals("*") ? Long.MIN_VALUE : ceilLong(Double.parseDouble(lo), lo);
                long b = hi == null || hi.equals("*") ? Long.MAX_VALUE : floorLong(Double.parseDouble(hi), hi);
                if (!loIn && a != Long.MIN_VALUE && isWhole(lo)) {
                    a = Math.addExact(a, 1);
                }
                if (!hiIn && b != Long.MAX_VALUE && isWhole(hi)) {
                    b = Math.addExact(b, -1);
                }
                return pointsOrDocValues(field, LongPoint.newRangeQuery(field, a, b), a, b);
            }
            double a = lo == null || lo.equals("*") ? Double.NEGATIVE_INFINITY : Double.parseDouble(lo);
            double b = hi == null || hi.equals("*") ? Double.POSITIVE_INFINITY : Double.parseDouble(hi);
            if (!loIn) {
                a = Math.nextUp(a);
            }
            if (!hiIn) {
                b = Math.nextDown(b);
            }
            return pointsOrDocValues(field, DoublePoint.newRangeQuery(field, a, b),
                    NumericUtils.doubleToSortableLong(a), NumericUtils.doubleToSortableLong(b));
        } catch (NumberFormatException | ArithmeticException e) {
            throw new ParseException("field " + field + " holds numbers: '" + lo + (lo == hi ? "" : "' or '" + hi) + "' is not one");
        }
    }

    private static boolean isWhole(String s) {
        return Math.rint(Double.parseDouble(s)) == Double.parseDouble(s);
    }

    private static long ceilLong(double d, String text) {
        return isWhole(text) && text.matches("-?\\d+") ? Long.parseLong(text) : (long) Math.ceil(d);
    }

    private static long floorLong(double d, String text) {
        return isWhole(text) && text.matches("-?\\d+") ? Long.parseLong(text) : (long) Math.floor(d);
    }
}
