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
import org.apache.lucene.document.Field;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
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
 * <p>No field is built per record: the fields every document has, those of the lane's typed fields
 * and those of each attrs key ({@link FieldSlot}s, cached for up to {@link #MAX_CACHED_KEYS} keys)
 * are built once and refilled, and the message's words are read from its bytes
 * ({@link Utf8TextReader}: an ASCII line is never decoded into a String).
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
    private final Utf8TextReader messageText = new Utf8TextReader();
    private final Field messageWords = new TextField(IndexFields.MESSAGE, messageText);
    private final BytesRef sourceBytes = new BytesRef();
    private final StoredField sourceField = new StoredField(IndexFields.SOURCE, sourceBytes);
    private final FieldSlot tag = new FieldSlot(IndexFields.TAG);
    private final FieldSlot host = new FieldSlot("host");
    private final FieldSlot containerId = new FieldSlot("container_id");
    private final FieldSlot containerName = new FieldSlot("container_name");
    private final FieldSlot source = new FieldSlot("source");
    /** The slots of the lane's typed fields, by index in {@link #typed}. */
    private final FieldSlot[] typedSlots;
    private final Set<String> attrsSeen = new HashSet<>();
    /** Slots per attrs key ({keyword, long, double}): no field name or field is built per record for keys seen before. */
    private final Map<String, FieldSlot[]> attrsSlots = new HashMap<>();
    /** Keys whose slots are cached at most; past it (a record of random keys) slots are built each time. */
    static final int MAX_CACHED_KEYS = 10_000;
    private final ArrayBufferInput valueInput = new ArrayBufferInput(new byte[0]);
    private final MessageUnpacker valueUnpacker = MessagePack.newDefaultUnpacker(valueInput);

    DocumentMapper(RecordParser parserOrNull) {
        this.view = new RecordView(parserOrNull);
        this.typed = view.typedFields().toArray(FieldDef[]::new);
        this.typedSlots = new FieldSlot[typed.length];
        for (int k = 0; k < typed.length; k++) {
            typedSlots[k] = new FieldSlot(typed[k].name());
        }
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
        tag.keyword(doc, tagUtf8, 0, tagUtf8.length);
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
            messageText.reset(buf, off, len);
            doc.add(messageWords);
        }
        stringField(doc, host, view.host());
        stringField(doc, containerId, view.containerId());
        stringField(doc, containerName, view.containerName());
        stringField(doc, source, view.source());
        typedFields(doc);
        attrs(doc);
    }

    private void stringField(List<IndexableField> doc, FieldSlot slot, int i) throws IOException {
        if (i >= 0) {
            int len = view.stringLength(i);
            slot.keyword(doc, view.array(), view.valueEnd(i) - len, len);
        }
    }

    /** The lane's typed fields: from the parsed message when the parser matches, else from record fields (RecordView). */
    private void typedFields(List<IndexableField> doc) throws IOException {
        if (typed.length == 0) {
            return;
        }
        boolean matched = view.messageMatched();
        ParsedFields parsed = view.parsed();
        for (int k = 0; k < typed.length; k++) {
            FieldSlot slot = typedSlots[k];
            FieldType type = typed[k].type();
            if (matched && view.typedIndex(k) >= 0) {
                int i = view.typedIndex(k);
                ParsedFields.Form form = parsed.form(i);
                if (form == ParsedFields.Form.UTF8 && type == FieldType.STRING) {
                    slot.keyword(doc, parsed.utf8Source(i), parsed.utf8Offset(i), parsed.utf8Length(i));
                    continue;
                }
                if (form == ParsedFields.Form.LONG && type == FieldType.LONG) {
                    slot.longValue(doc, parsed.longAt(i));
                    continue;
                }
                if (form == ParsedFields.Form.DOUBLE && type == FieldType.DOUBLE) {
                    slot.doubleValue(doc, parsed.doubleAt(i));
                    continue;
                }
                add(doc, slot, RecordView.convert(parsed.get(i), type));
            } else {
                add(doc, slot, view.recordTyped(k));
            }
        }
    }

    private static void add(List<IndexableField> doc, FieldSlot slot, Object v) {
        switch (v) {
            case null -> { }
            case Long l -> slot.longValue(doc, l);
            case Double d -> slot.doubleValue(doc, d);
            default -> {
                byte[] b = v.toString().getBytes(StandardCharsets.UTF_8); // the indexer copies it when the document is added
                slot.keyword(doc, b, 0, b.length);
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
            FieldSlot[] slots = attrsSlots(view.key(i));
            int start = view.valueStart(i);
            valueInput.reset(buf, start, view.valueEnd(i) - start);
            valueUnpacker.reset(valueInput);
            MessageFormat f = valueUnpacker.getNextFormat();
            switch (f.getValueType()) {
                case STRING -> {
                    int len = view.stringLength(i);
                    slots[0].keyword(doc, buf, view.valueEnd(i) - len, len);
                }
                case BOOLEAN -> {
                    byte[] b = valueUnpacker.unpackBoolean() ? TRUE : FALSE;
                    slots[0].keyword(doc, b, 0, b.length);
                }
                case INTEGER -> {
                    if (f == MessageFormat.UINT64) {
                        slots[2].doubleValue(doc, valueUnpacker.unpackBigInteger().doubleValue());
                    } else {
                        slots[1].longValue(doc, valueUnpacker.unpackLong());
                    }
                }
                case FLOAT -> slots[2].doubleValue(doc, valueUnpacker.unpackDouble());
                default -> { }
            }
        }
    }

    private FieldSlot[] attrsSlots(String key) {
        FieldSlot[] slots = attrsSlots.get(key);
        if (slots == null) {
            slots = new FieldSlot[] {new FieldSlot(IndexFields.ATTRS_KEYWORD + key), new FieldSlot(IndexFields.ATTRS_LONG + key),
                    new FieldSlot(IndexFields.ATTRS_DOUBLE + key)};
            if (attrsSlots.size() < MAX_CACHED_KEYS) {
                attrsSlots.put(key, slots);
            }
        }
        return slots;
    }

    private static final byte[] TRUE = "true".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FALSE = "false".getBytes(StandardCharsets.US_ASCII);
}
