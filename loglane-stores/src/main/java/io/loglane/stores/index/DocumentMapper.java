package io.loglane.stores.index;

import io.loglane.core.event.RecordCursor;
import io.loglane.core.event.RecordView;
import io.loglane.core.parse.FieldDef;
import io.loglane.core.parse.FieldType;
import io.loglane.core.parse.ParsedFields;
import io.loglane.core.parse.RecordParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.lucene.document.BinaryDocValuesField;
import org.apache.lucene.document.DoublePoint;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.IndexOptions;
import org.apache.lucene.index.IndexableField;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.NumericUtils;
import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.core.buffer.ArrayBufferInput;

/**
 * Turns one stored record into the fields of its Lucene document, through {@link RecordView} (the
 * same mapping the archive's columns use): offset, ts, received_at, tag, the message (words,
 * trigrams, bytes), host, container_*, source, the lane's typed fields by type, and every other
 * top-level record field under {@code attrs…} by its value type (FORMAT.md, "Fields"). Names are
 * {@link IndexFields}.
 *
 * <p>Why names carry the attrs type ({@code attrs.x} keyword, {@code attrs#long.x}): Lucene fixes a
 * field's schema per index, and one key holds a string in one record and a number in the next; one
 * name per type can never clash. A key that occurs twice in one record is indexed once (the first).
 *
 * <p>The fields every document has are built once and refilled per record, and attrs field names
 * are cached per key; keyword and attrs fields and the message's word text are allocated per record.
 *
 * <p>Thread-safety: not thread-safe; one per sink.
 */
final class DocumentMapper {
    private static final org.apache.lucene.document.FieldType TRIGRAM_TYPE = trigramType();

    private final RecordView view;
    private final FieldDef[] typed;
    private final TrigramTokenStream trigrams = new TrigramTokenStream();
    private final BytesRef offsetBytes = new BytesRef(new byte[Long.BYTES]);
    private final Field offsetTerm = new StringField(IndexFields.OFFSET, offsetBytes, Field.Store.NO);
    private final NumericDocValuesField offsetValue = new NumericDocValuesField(IndexFields.OFFSET, 0L);
    private final LongPoint tsPoint = new LongPoint(IndexFields.TS, 0L);
    private final NumericDocValuesField tsValue = new NumericDocValuesField(IndexFields.TS, 0L);
    private final NumericDocValuesField receivedValue = new NumericDocValuesField(IndexFields.RECEIVED_AT, 0L);
    private final Field trigramField = new Field(IndexFields.TRIGRAMS, trigrams, TRIGRAM_TYPE);
    private final BytesRef messageBytes = new BytesRef();
    private final BinaryDocValuesField messageValue = new BinaryDocValuesField(IndexFields.MESSAGE, messageBytes);
    private final BytesRef sourceBytes = new BytesRef();
    private final StoredField sourceField = new StoredField(IndexFields.SOURCE, sourceBytes);
    private final Set<String> attrsSeen = new HashSet<>();
    /** Field names per attrs key ({keyword, long, double}): no name is built per record for keys seen before. */
    private final Map<String, String[]> attrsNames = new HashMap<>();
    /** Keys whose names are cached at most; past it (a record of random keys) names are built each time. */
    static final int MAX_CACHED_KEYS = 10_000;
    private final ArrayBufferInput valueInput = new ArrayBufferInput(new byte[0]);
    private final MessageUnpacker valueUnpacker = MessagePack.newDefaultUnpacker(valueInput);

    DocumentMapper(RecordParser parserOrNull) {
        this.view = new RecordView(parserOrNull);
        this.typed = view.typedFields().toArray(FieldDef[]::new);
    }

    private static org.apache.lucene.document.FieldType trigramType() {
        org.apache.lucene.document.FieldType t = new org.apache.lucene.document.FieldType();
        t.setTokenized(true);
        t.setIndexOptions(IndexOptions.DOCS);
        t.setOmitNorms(true);
        t.setStored(false);
        t.freeze();
        return t;
    }

    /** The lane's typed fields, as indexed. */
    List<FieldDef> typedFields() { return List.of(typed); }

    /** The offset term a record at {@code offset} is found (and replaced) by. */
    static BytesRef offsetKey(long offset) {
        byte[] b = new byte[Long.BYTES];
        NumericUtils.longToSortableBytes(offset, b, 0);
        return new BytesRef(b);
    }

    /**
     * Fills {@code doc} (cleared first) with the record under {@code c}, at stream offset
     * {@code offset}. The document refers to the cursor's bytes until it is added.
     *
     * @throws IOException when the record's msgpack is malformed
     */
    void map(RecordCursor c, long offset, byte[] tagUtf8, long receivedAtMicros, List<IndexableField> doc) throws IOException {
        doc.clear();
        byte[] buf = c.array();
        NumericUtils.longToSortableBytes(offset, offsetBytes.bytes, 0);
        doc.add(offsetTerm);
        offsetValue.setLongValue(offset);
        doc.add(offsetValue);
        tsPoint.setLongValue(c.tsNanos());
        doc.add(tsPoint);
        tsValue.setLongValue(c.tsNanos());
        doc.add(tsValue);
        receivedValue.setLongValue(receivedAtMicros);
        doc.add(receivedValue);
        keyword(doc, IndexFields.TAG, tagUtf8, 0, tagUtf8.length);
        sourceBytes.bytes = buf;
        sourceBytes.offset = c.recordOffset();
        sourceBytes.length = c.recordLength();
        doc.add(sourceField);

        view.read(buf, c.recordOffset(), c.recordLength());
        int msg = view.message();
        if (msg >= 0) {
            int len = view.stringLength(msg);
            int off = view.valueEnd(msg) - len;
            messageBytes.bytes = buf;
            messageBytes.offset = off;
            messageBytes.length = len;
            doc.add(messageValue);
            trigrams.setBytes(buf, off, len);
            doc.add(trigramField);
            doc.add(new TextField(IndexFields.MESSAGE, new String(buf, off, len, StandardCharsets.UTF_8), Field.Store.NO));
        }
        stringField(doc, "host", view.host());
        stringField(doc, "container_id", view.containerId());
        stringField(doc, "container_name", view.containerName());
        stringField(doc, "source", view.source());
        typedFields(doc);
        attrs(doc);
    }

    private void stringField(List<IndexableField> doc, String name, int i) throws IOException {
        if (i >= 0) {
            int len = view.stringLength(i);
            keyword(doc, name, view.array(), view.valueEnd(i) - len, len);
        }
    }

    private static void keyword(List<IndexableField> doc, String name, byte[] b, int off, int len) {
        if (len > IndexFields.MAX_KEYWORD_BYTES) {
            return;
        }
        BytesRef v = new BytesRef(b, off, len); // the indexer copies it; the doc is added before the bytes change
        doc.add(new StringField(name, v, Field.Store.NO));
        doc.add(new SortedDocValuesField(name, v));
    }

    private static void longField(List<IndexableField> doc, String name, long v) {
        doc.add(new LongPoint(name, v));
        doc.add(new NumericDocValuesField(name, v));
    }

    private static void doubleField(List<IndexableField> doc, String name, double v) {
        doc.add(new DoublePoint(name, v));
        doc.add(new NumericDocValuesField(name, NumericUtils.doubleToSortableLong(v)));
    }

    /** The lane's typed fields: from the parsed message when the parser matches, else from record fields (RecordView). */
    private void typedFields(List<IndexableField> doc) throws IOException {
        if (typed.length == 0) {
            return;
        }
        boolean matched = view.messageMatched();
        ParsedFields parsed = view.parsed();
        for (int k = 0; k < typed.length; k++) {
            String name = typed[k].name();
            FieldType type = typed[k].type();
            if (matched && view.typedIndex(k) >= 0) {
                int i = view.typedIndex(k);
                ParsedFields.Form form = parsed.form(i);
                if (form == ParsedFields.Form.UTF8 && type == FieldType.STRING) {
                    keyword(doc, name, parsed.utf8Source(i), parsed.utf8Offset(i), parsed.utf8Length(i));
                    continue;
                }
                if (form == ParsedFields.Form.LONG && type == FieldType.LONG) {
                    longField(doc, name, parsed.longAt(i));
                    continue;
                }
                if (form == ParsedFields.Form.DOUBLE && type == FieldType.DOUBLE) {
                    doubleField(doc, name, parsed.doubleAt(i));
                    continue;
                }
                add(doc, name, RecordView.convert(parsed.get(i), type));
            } else {
                add(doc, name, view.recordTyped(k));
            }
        }
    }

    private static void add(List<IndexableField> doc, String name, Object v) {
        switch (v) {
            case null -> { }
            case Long l -> longField(doc, name, l);
            case Double d -> doubleField(doc, name, d);
            default -> {
                byte[] b = v.toString().getBytes(StandardCharsets.UTF_8);
                keyword(doc, name, b, 0, b.length);
            }
        }
    }

    /** Every top-level field RecordView left unconsumed, by value type; maps, arrays, nil and binary are only in {@code _source}. */
    private void attrs(List<IndexableField> doc) throws IOException {
        attrsSeen.clear();
        byte[] buf = view.array();
        for (int i = 0, n = view.fieldCount(); i < n; i++) {
            if (view.consumed(i) || !attrsSeen.add(view.key(i))) {
                continue;
            }
            String[] names = attrsNames(view.key(i));
            int start = view.valueStart(i);
            valueInput.reset(buf, start, view.valueEnd(i) - start);
            valueUnpacker.reset(valueInput);
            MessageFormat f = valueUnpacker.getNextFormat();
            switch (f.getValueType()) {
                case STRING -> {
                    int len = view.stringLength(i);
                    keyword(doc, names[0], buf, view.valueEnd(i) - len, len);
                }
                case BOOLEAN -> {
                    byte[] b = valueUnpacker.unpackBoolean() ? TRUE : FALSE;
                    keyword(doc, names[0], b, 0, b.length);
                }
                case INTEGER -> {
                    if (f == MessageFormat.UINT64) {
                        doubleField(doc, names[2], valueUnpacker.unpackBigInteger().doubleValue());
                    } else {
                        longField(doc, names[1], valueUnpacker.unpackLong());
                    }
                }
                case FLOAT -> doubleField(doc, names[2], valueUnpacker.unpackDouble());
                default -> { }
            }
        }
    }

    private String[] attrsNames(String key) {
        String[] names = attrsNames.get(key);
        if (names == null) {
            names = new String[] {IndexFields.ATTRS_KEYWORD + key, IndexFields.ATTRS_LONG + key, IndexFields.ATTRS_DOUBLE + key};
            if (attrsNames.size() < MAX_CACHED_KEYS) {
                attrsNames.put(key, names);
            }
        }
        return names;
    }

    private static final byte[] TRUE = "true".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FALSE = "false".getBytes(StandardCharsets.US_ASCII);
}
