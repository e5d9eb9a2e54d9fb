package io.loglane.stores.index;

import java.util.List;
import org.apache.lucene.document.DoublePoint;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.IndexableField;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.NumericUtils;

/**
 * The Lucene fields of one field name as FORMAT.md types them — keyword (term + SORTED doc value),
 * long (point + NUMERIC), double (point + sortable-long NUMERIC) — built on first use and refilled
 * for every document, so mapping a record allocates no field objects. The indexer copies what a
 * field holds when the document is added, so a refilled field never changes an indexed document.
 *
 * <p>Invariant: a document holds a slot's fields at most once, and only until it is added (the
 * next fill overwrites them). Thread-safety: not thread-safe; one per mapper.
 */
final class FieldSlot {
    private final String name;
    private final BytesRef bytes = new BytesRef();
    private Field term;
    private SortedDocValuesField sorted;
    private LongPoint longPoint;
    private DoublePoint doublePoint;
    private NumericDocValuesField numeric;

    FieldSlot(String name) { this.name = name; }

    String name() { return name; }

    /** Adds {@code b[off, off+len)} as a keyword; a value over {@link IndexFields#MAX_KEYWORD_BYTES} is left out (it stays in {@code _source}). */
    void keyword(List<IndexableField> doc, byte[] b, int off, int len) {
        if (len > IndexFields.MAX_KEYWORD_BYTES) {
            return;
        }
        if (term == null) {
            term = new StringField(name, bytes, Field.Store.NO);
            sorted = new SortedDocValuesField(name, bytes);
        }
        bytes.bytes = b;
        bytes.offset = off;
        bytes.length = len;
        doc.add(term);
        doc.add(sorted);
    }

    void longValue(List<IndexableField> doc, long v) {
        if (longPoint == null) {
            longPoint = new LongPoint(name, v);
        }
        longPoint.setLongValue(v);
        doc.add(longPoint);
        doc.add(numeric(v));
    }

    void doubleValue(List<IndexableField> doc, double v) {
        if (doublePoint == null) {
            doublePoint = new DoublePoint(name, v);
        }
        doublePoint.setDoubleValue(v);
        doc.add(doublePoint);
        doc.add(numeric(NumericUtils.doubleToSortableLong(v)));
    }

    private NumericDocValuesField numeric(long v) {
        if (numeric == null) {
            numeric = new NumericDocValuesField(name, v);
        }
        numeric.setLongValue(v);
        return numeric;
    }
}
