package io.loglane.stores.index;

import io.loglane.core.parse.FieldDef;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.index.DocValuesType;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.SortedDocValues;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.util.NumericUtils;

/**
 * What a lane's matches hold, from doc values (no stored field is read): each field with its type
 * and the number of matches that have it ({@link #fieldsVisitor}), and one field's most frequent
 * values ({@link #topVisitor}). Fields are named as queries name them: an attrs key is
 * {@code attrs.<key>} whatever its type (FORMAT.md's {@code attrs#long.}/{@code attrs#double.}
 * names are the index's own), so one key holding strings and numbers is listed once per type.
 *
 * <p>Thread-safety: a visitor is used by one {@link MatchScan}, on one thread.
 */
public final class FieldStats {
    private FieldStats() {}

    /** A field's type as the search API names it. */
    public enum Type {
        KEYWORD, LONG, DOUBLE, TEXT, DATE;

        /** The lower-case name the API shows. */
        public String label() { return name().toLowerCase(java.util.Locale.ROOT); }
    }

    /** A field: its query name, type, and how many of the scanned matches have a value for it. */
    public record Field(String name, Type type, long count) {}

    /**
     * @param matches  matches scanned (every field's count is out of these)
     * @param complete whether every match was scanned; else the counts are of the first {@code matches} read
     */
    public record Fields(List<Field> fields, long matches, boolean complete) {}

    /** One value (a String, Long or Double) and how many scanned matches hold it. */
    public record Value(Object value, long count) {}

    /**
     * @param values    the most frequent values, most first (ties by value text)
     * @param matches   matches scanned: the denominator of each value's share
     * @param withValue how many of them have the field at all
     * @param distinct  distinct values seen
     * @param complete  whether every match was scanned; else the counts are of the first {@code matches} read
     */
    public record Top(List<Value> values, long matches, long withValue, long distinct, boolean complete) {}

    /** Index fields that are not record fields: not listed. */
    private static final java.util.Set<String> INTERNAL = java.util.Set.of(IndexFields.OFFSET, IndexFields.TRIGRAMS,
            IndexFields.SOURCE, IndexFields.RECEIVED_AT);

    /** The query name and type of index field {@code fi}, or null when it is not a record field. */
    static Field describe(FieldInfo fi, Map<String, Type> typed) {
        String name = fi.name;
        DocValuesType dv = fi.getDocValuesType();
        if (INTERNAL.contains(name) || dv == DocValuesType.NONE) {
            return null;
        }
        if (name.equals(IndexFields.TS)) {
            return new Field(name, Type.DATE, 0);
        }
        if (name.startsWith(IndexFields.ATTRS_LONG)) {
            return new Field(IndexFields.ATTRS_KEYWORD + name.substring(IndexFields.ATTRS_LONG.length()), Type.LONG, 0);
        }
        if (name.startsWith(IndexFields.ATTRS_DOUBLE)) {
            return new Field(IndexFields.ATTRS_KEYWORD + name.substring(IndexFields.ATTRS_DOUBLE.length()), Type.DOUBLE, 0);
        }
        return switch (dv) {
            case SORTED -> new Field(name, Type.KEYWORD, 0);
            case BINARY -> new Field(name, Type.TEXT, 0);
            case NUMERIC -> new Field(name, typed.getOrDefault(name, Type.LONG), 0);
            default -> null;
        };
    }

    /** The declared numeric types of a lane's typed fields (doc values do not tell a double from a long). */
    static Map<String, Type> numericTypes(List<FieldDef> laneFields) {
        Map<String, Type> m = new HashMap<>();
        for (FieldDef f : laneFields) {
            switch (f.type()) {
                case LONG -> m.put(f.name(), Type.LONG);
                case DOUBLE -> m.put(f.name(), Type.DOUBLE);
                default -> { }
            }
        }
        return m;
    }

    /** Counts, per field, the matches that have it; {@link FieldsVisitor#result} after the scan. */
    static final class FieldsVisitor implements MatchScan.Visitor {
        private final Map<String, Type> numeric;
        /** Every field seen, in the order first seen; the lane's declared ones first. */
        private final Map<Field, long[]> counts = new LinkedHashMap<>();

        FieldsVisitor(List<FieldDef> laneFields) {
            this.numeric = numericTypes(laneFields);
            for (String fixed : List.of("message", "tag", "host", "container_id", "container_name", "source")) {
                counts.put(new Field(fixed, fixed.equals(IndexFields.MESSAGE) ? Type.TEXT : Type.KEYWORD, 0), new long[1]);
            }
            counts.put(new Field(IndexFields.TS, Type.DATE, 0), new long[1]);
            for (FieldDef f : laneFields) {
                counts.put(new Field(f.name(), numeric.getOrDefault(f.name(), Type.KEYWORD), 0), new long[1]);
            }
        }

        @Override
        public MatchScan.LeafVisitor leaf(LeafReaderContext context) throws IOException {
            LeafReader reader = context.reader();
            List<DocIdSetIterator> values = new ArrayList<>();
            List<long[]> into = new ArrayList<>();
            for (FieldInfo fi : reader.getFieldInfos()) {
                Field f = describe(fi, numeric);
                if (f == null) {
                    continue;
                }
                DocIdSetIterator it = switch (fi.getDocValuesType()) {
                    case SORTED -> reader.getSortedDocValues(fi.name);
                    case BINARY -> reader.getBinaryDocValues(fi.name);
                    default -> reader.getNumericDocValues(fi.name);
                };
                if (it != null) {
                    values.add(it);
                    into.add(counts.computeIfAbsent(f, k -> new long[1]));
                }
            }
            return doc -> {
                for (int i = 0; i < values.size(); i++) {
                    DocIdSetIterator it = values.get(i);
                    if ((it.docID() < doc ? it.advance(doc) : it.docID()) == doc) {
                        into.get(i)[0]++;
                    }
                }
            };
        }

        Fields result(MatchScan scan) {
            List<Field> out = new ArrayList<>();
            counts.forEach((f, c) -> out.add(new Field(f.name(), f.type(), c[0])));
            return new Fields(out, scan.matches(), scan.complete());
        }
    }

    /** Counts the values of one field (by query name) over the matches; {@link TopVisitor#result} after the scan. */
    static final class TopVisitor implements MatchScan.Visitor {
        private final String name;
        private final Map<String, Type> numeric;
        private final boolean keywordsOnly;
        private final Map<Object, long[]> counts = new HashMap<>();
        private long withValue;

        /** @param keywordsOnly count only the field's keyword values (its values are then Strings) */
        TopVisitor(String name, List<FieldDef> laneFields, boolean keywordsOnly) {
            this.name = name;
            this.numeric = numericTypes(laneFields);
            this.keywordsOnly = keywordsOnly;
        }

        /** The index fields the query name {@code name} stands for in this leaf (an attrs key has one per type). */
        private List<FieldInfo> fields(LeafReader reader) {
            List<FieldInfo> out = new ArrayList<>();
            for (FieldInfo fi : reader.getFieldInfos()) {
                Field f = describe(fi, numeric);
                if (f != null && f.name().equals(name) && (!keywordsOnly || f.type() == Type.KEYWORD)) {
                    out.add(fi);
                }
            }
            return out;
        }

        @Override
        public MatchScan.LeafVisitor leaf(LeafReaderContext context) throws IOException {
            LeafReader reader = context.reader();
            List<FieldInfo> fields = fields(reader);
            List<SortedDocValues> keywords = new ArrayList<>();
            List<NumericDocValues> numbers = new ArrayList<>();
            List<Boolean> doubles = new ArrayList<>();
            List<BinaryDocValues> texts = new ArrayList<>();
            for (FieldInfo fi : fields) {
                switch (fi.getDocValuesType()) {
                    case SORTED -> addIfPresent(keywords, reader.getSortedDocValues(fi.name));
                    case BINARY -> addIfPresent(texts, reader.getBinaryDocValues(fi.name));
                    default -> {
                        NumericDocValues v = reader.getNumericDocValues(fi.name);
                        if (v != null) {
                            numbers.add(v);
                            doubles.add(describe(fi, numeric).type() == Type.DOUBLE);
                        }
                    }
                }
            }
            // Keyword values are counted by ordinal and turned into text once per leaf.
            List<Map<Integer, long[]>> ords = new ArrayList<>();
            keywords.forEach(k -> ords.add(new HashMap<>()));
            return new MatchScan.LeafVisitor() {
                @Override
                public void match(int doc) throws IOException {
                    boolean has = false;
                    for (int i = 0; i < keywords.size(); i++) {
                        SortedDocValues v = keywords.get(i);
                        if (v.advanceExact(doc)) {
                            ords.get(i).computeIfAbsent(v.ordValue(), o -> new long[1])[0]++;
                            has = true;
                        }
                    }
                    for (int i = 0; i < numbers.size(); i++) {
                        NumericDocValues v = numbers.get(i);
                        if (v.advanceExact(doc)) {
                            // Boxed apart: a conditional of double and long would promote the long to double.
                            Object key = doubles.get(i) ? (Object) NumericUtils.sortableLongToDouble(v.longValue()) : (Object) v.longValue();
                            counts.computeIfAbsent(key, o -> new long[1])[0]++;
                            has = true;
                        }
                    }
                    for (BinaryDocValues v : texts) {
                        if (v.advanceExact(doc)) {
                            counts.computeIfAbsent(IndexFields.text(v.binaryValue()), o -> new long[1])[0]++;
                            has = true;
                        }
                    }
                    if (has) {
                        withValue++;
                    }
                }

                @Override
                public void finish() throws IOException {
                    for (int i = 0; i < keywords.size(); i++) {
                        for (Map.Entry<Integer, long[]> e : ords.get(i).entrySet()) {
                            String value = IndexFields.text(keywords.get(i).lookupOrd(e.getKey()));
                            counts.computeIfAbsent(value, o -> new long[1])[0] += e.getValue()[0];
                        }
                    }
                }
            };
        }

        private static <T> void addIfPresent(List<T> list, T valuesOrNull) {
            if (valuesOrNull != null) {
                list.add(valuesOrNull);
            }
        }

        Top result(MatchScan scan, int size) {
            List<Value> all = new ArrayList<>();
            counts.forEach((v, c) -> all.add(new Value(v, c[0])));
            all.sort(Comparator.comparingLong(Value::count).reversed().thenComparing(v -> String.valueOf(v.value())));
            return new Top(List.copyOf(all.subList(0, Math.min(size, all.size()))), scan.matches(), withValue, all.size(),
                    scan.complete());
        }
    }
}
