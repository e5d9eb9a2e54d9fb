package io.loglane.stores.archive;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.loglane.core.event.RecordCursor;
import io.loglane.core.event.RecordView;
import io.loglane.core.parse.FieldDef;
import io.loglane.core.parse.FieldType;
import io.loglane.core.parse.ParsedFields;
import io.loglane.core.parse.RecordParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePackException;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.core.buffer.ArrayBufferInput;
import org.msgpack.value.ValueType;

/**
 * Turns one stored record (msgpack map + optional metadata map) into one staged row: the values of
 * the staged columns in the order {@link StagedColumns} declares, through a {@link StagedRowWriter}
 * ({@code attrs} is a JSON object, {@code _meta} = metadata map; NULL when empty).
 * Which field becomes which column is {@link RecordView}'s mapping (message, host, container_*,
 * source, the lane's typed fields); the fields it leaves are {@code attrs}. A record that is not a
 * map at all is its own message, as JSON. Binary and msgpack extension values become base64
 * strings; nested maps and arrays keep their shape; invalid UTF-8 is replaced, so every staged
 * string is valid UTF-8 and {@code attrs} valid JSON.
 *
 * <p>The view, the unpackers and the JSON writer for {@code attrs} are reused across records: the
 * only per-record allocations are those of {@link RecordView} and the values that need a conversion.
 *
 * <p>Thread-safety: not thread-safe; one encoder per sink.
 */
final class RowEncoder {
    private static final int MAX_DEPTH = 64;
    /** Larger records are refused as invalid: one staged row is held whole in memory when it is read back. */
    static final int MAX_RECORD_BYTES = 16 * 1024 * 1024;

    private final RecordView view;

    private final ArrayBufferInput input = new ArrayBufferInput(new byte[0]);
    private final MessageUnpacker unpacker = MessagePack.newDefaultUnpacker(input);
    private final ArrayBufferInput valueInput = new ArrayBufferInput(new byte[0]);
    private final MessageUnpacker valueUnpacker = MessagePack.newDefaultUnpacker(valueInput);
    /** Holds one attrs object (or a non-map record's JSON) at a time; the generator writes into it. */
    private final Scratch scratch = new Scratch();
    private JsonGenerator json;
    private byte[] buf;
    /** The record's message bytes when they are ASCII ({@code buf[asciiFrom, asciiTo)}), else an empty range. */
    private int asciiFrom;
    private int asciiTo = -1;

    RowEncoder(RecordParser parser) {
        this.view = new RecordView(parser);
        this.json = newGenerator();
    }

    private JsonGenerator newGenerator() {
        scratch.reset();
        try {
            JsonGenerator g = new JsonFactory().createGenerator(scratch);
            g.setRootValueSeparator(null); // one value at a time, taken out after each
            return g;
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a generator over memory does no I/O
        }
    }

    /** A byte buffer whose content is read in place. */
    private static final class Scratch extends ByteArrayOutputStream {
        byte[] array() { return buf; }
    }

    /** Values a lane stages after its typed columns (the audit chain columns, {@link ChainColumns}). */
    interface TrailingColumns {
        /** Writes the current row's values. */
        void put(StagedRowWriter out) throws IOException;
    }

    /** The typed columns, in the order of the staged columns {@code f0…fn}. */
    List<FieldDef> typedFields() { return view.typedFields(); }

    /**
     * Checks that a record's msgpack bytes are one whole value each (record and metadata), so a
     * malformed record is refused before any of its batch is staged.
     *
     * @return null if fine, else the reason
     */
    String validate(RecordCursor c) {
        if (c.recordLength() + c.metaLength() > MAX_RECORD_BYTES) {
            return "record of " + (c.recordLength() + c.metaLength()) + " bytes exceeds " + MAX_RECORD_BYTES;
        }
        try {
            if (c.metaLength() > 0 && !wholeValue(c.array(), c.metaOffset(), c.metaLength())) {
                return "metadata is not a single msgpack value";
            }
            if (!wholeValue(c.array(), c.recordOffset(), c.recordLength())) {
                return "record is not a single msgpack value";
            }
            return null;
        } catch (MessagePackException | IOException e) {
            return "malformed msgpack: " + e.getMessage();
        }
    }

    private boolean wholeValue(byte[] b, int off, int len) throws IOException {
        reset(unpacker, input, b, off, len);
        unpacker.skipValue();
        return unpacker.getTotalReadBytes() == len;
    }

    /** Writes one staged row for the record under the cursor. The record must have passed {@link #validate}. */
    void encode(RecordCursor c, byte[] tagUtf8, long receivedAtMicros, StagedRowWriter out) throws IOException {
        encode(c, tagUtf8, receivedAtMicros, null, out);
    }

    /** As {@link #encode(RecordCursor, byte[], long, StagedRowWriter)}, with the chain columns after the typed ones when {@code chain} is not null. */
    void encode(RecordCursor c, byte[] tagUtf8, long receivedAtMicros, TrailingColumns chain, StagedRowWriter out) throws IOException {
        try {
            encodeRow(c, tagUtf8, receivedAtMicros, chain, out);
        } catch (IOException | RuntimeException e) {
            json = newGenerator(); // it may be inside a half-written value; the next row starts clean
            throw e;
        }
    }

    private void encodeRow(RecordCursor c, byte[] tagUtf8, long receivedAtMicros, TrailingColumns chain, StagedRowWriter out) throws IOException {
        buf = c.array();
        out.putLong(c.tsNanos());
        out.putLong(receivedAtMicros);
        out.putValidUtf8(tagUtf8);

        int recOff = c.recordOffset();
        boolean isMap = view.read(buf, recOff, c.recordLength());
        int msg = view.message();
        asciiFrom = 0;
        asciiTo = -1;
        if (msg >= 0) {
            if (putString(out, msg)) {
                asciiFrom = view.stringOffset(msg);
                asciiTo = asciiFrom + view.stringLength(msg);
            }
        } else if (isMap) {
            out.putNull();
        } else {
            // Not a map (inputs pass only maps; kept for bytes of other provenance): nothing else holds it.
            writeValue(json, buf, recOff, c.recordLength());
            putJson(out);
        }
        putString(out, view.host());
        putString(out, view.containerId());
        putString(out, view.containerName());
        putString(out, view.source());
        typed(out);
        if (chain != null) {
            chain.put(out);
        }

        boolean meta = c.metaLength() > 0 && !emptyMap(c.metaOffset(), c.metaLength());
        boolean rest = meta;
        for (int i = 0, n = view.fieldCount(); i < n && !rest; i++) {
            rest = !view.consumed(i);
        }
        if (!rest) { // NULL when empty: the conversion reads it as '{}' without parsing one per row
            out.putNull();
            return;
        }
        json.writeStartObject();
        for (int i = 0, n = view.fieldCount(); i < n; i++) {
            if (!view.consumed(i)) {
                json.writeFieldName(view.keyName(i));
                writeValue(json, buf, view.valueStart(i), view.valueEnd(i) - view.valueStart(i));
            }
        }
        if (meta) {
            json.writeFieldName("_meta");
            writeValue(json, buf, c.metaOffset(), c.metaLength());
        }
        json.writeEndObject();
        putJson(out);
    }

    /** Moves the JSON value just written into {@link #scratch} to {@code out}. */
    private void putJson(StagedRowWriter out) throws IOException {
        json.flush();
        out.putValidUtf8(scratch.array(), 0, scratch.size());
        scratch.reset();
    }

    /** Writes the typed columns: from the parsed message when the parser matches, else from record fields. */
    private void typed(StagedRowWriter out) throws IOException {
        int count = view.typedCount();
        if (count == 0) {
            return;
        }
        boolean matched = view.messageMatched();
        for (int k = 0; k < count; k++) {
            Object v;
            if (matched && view.typedIndex(k) >= 0) {
                if (putDirect(out, k)) {
                    continue;
                }
                v = RecordView.convert(view.parsed().get(view.typedIndex(k)), view.typedType(k));
            } else {
                v = view.recordTyped(k);
            }
            switch (v) {
                case null -> putAbsent(out, view.typedType(k));
                case Long l -> putLong(out, l);
                case Double d -> putDouble(out, d);
                default -> out.putString(v.toString());
            }
        }
    }

    private static void putAbsent(StagedRowWriter out, FieldType type) throws IOException {
        if (type == FieldType.STRING) {
            out.putNull();
        } else {
            out.putPresent(false);
        }
    }

    private static void putLong(StagedRowWriter out, long v) throws IOException {
        out.putPresent(true);
        out.putLong(v);
    }

    private static void putDouble(StagedRowWriter out, double d) throws IOException {
        if (Double.isFinite(d)) {
            out.putPresent(true);
            out.putDouble(d);
        } else {
            out.putPresent(false); // stored as NULL, as JSON (which has no NaN/Infinity) always did
        }
    }

    /**
     * Writes parsed field {@code k} straight from its slice or primitive when its form already fits
     * the column: no String or box per field on the hot path. False when it needs {@link #convert}.
     */
    private boolean putDirect(StagedRowWriter out, int k) throws IOException {
        int i = view.typedIndex(k);
        FieldType type = view.typedType(k);
        ParsedFields parsed = view.parsed();
        switch (parsed.form(i)) {
            case UTF8 -> {
                if (type != FieldType.STRING) {
                    return false;
                }
                byte[] src = parsed.utf8Source(i);
                int off = parsed.utf8Offset(i);
                int len = parsed.utf8Length(i);
                if (src == buf && off >= asciiFrom && off + len <= asciiTo) {
                    out.putValidUtf8(src, off, len); // a slice of the message, which was ASCII
                } else {
                    out.putUtf8(src, off, len);
                }
            }
            case LONG -> {
                if (type != FieldType.LONG) {
                    return false;
                }
                putLong(out, parsed.longAt(i));
            }
            case DOUBLE -> {
                if (type != FieldType.DOUBLE) {
                    return false;
                }
                putDouble(out, parsed.doubleAt(i));
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    private static void writeJsonDouble(JsonGenerator g, double d) throws IOException {
        if (Double.isFinite(d)) {
            g.writeNumber(d);
        } else {
            g.writeNull(); // JSON has no NaN/Infinity
        }
    }

    /** Writes string field {@code i} of the view, or NULL when {@code i < 0}; true when it was ASCII. */
    private boolean putString(StagedRowWriter out, int i) throws IOException {
        if (i < 0) {
            out.putNull();
            return false;
        }
        return out.putUtf8(buf, view.stringOffset(i), view.stringLength(i));
    }

    /** Writes raw UTF-8 without decoding when it is ASCII (the common case), else via a replacing decode. */
    private static void writeUtf8(JsonGenerator g, byte[] b, int off, int len) throws IOException {
        if (PlainAscii.isPlain(b, off, len)) {
            g.writeRawUTF8String(b, off, len); // nothing to escape: quoted and copied as is
            return;
        }
        for (int k = off, end = off + len; k < end; k++) {
            if (b[k] < 0) {
                g.writeString(new String(b, off, len, StandardCharsets.UTF_8));
                return;
            }
        }
        g.writeUTF8String(b, off, len);
    }

    private boolean emptyMap(int off, int len) throws IOException {
        reset(valueUnpacker, valueInput, buf, off, len);
        return valueUnpacker.getNextFormat().getValueType() == ValueType.MAP && valueUnpacker.unpackMapHeader() == 0;
    }

    /** Writes the msgpack value in {@code b[off, off+len)} as JSON. */
    private void writeValue(JsonGenerator g, byte[] b, int off, int len) throws IOException {
        reset(valueUnpacker, valueInput, b, off, len);
        writeNext(g, valueUnpacker, b, off, 0);
    }

    private void writeNext(JsonGenerator g, MessageUnpacker u, byte[] b, int base, int depth) throws IOException {
        if (depth > MAX_DEPTH) {
            // Deeper nesting than any log record needs; keep the row, mark the cut.
            u.skipValue();
            g.writeString("<nested too deep>");
            return;
        }
        MessageFormat f = u.getNextFormat();
        switch (f.getValueType()) {
            case NIL -> {
                u.unpackNil();
                g.writeNull();
            }
            case BOOLEAN -> g.writeBoolean(u.unpackBoolean());
            case INTEGER -> {
                if (f == MessageFormat.UINT64) {
                    g.writeNumber(u.unpackBigInteger());
                } else {
                    g.writeNumber(u.unpackLong());
                }
            }
            case FLOAT -> writeJsonDouble(g, u.unpackDouble());
            case STRING -> {
                // Copy straight from the record bytes: no String unless the text is non-ASCII.
                int len = u.unpackRawStringHeader();
                writeUtf8(g, b, base + (int) u.getTotalReadBytes(), len);
                u.readPayloadAsReference(len);
            }
            case BINARY -> {
                int len = u.unpackBinaryHeader();
                g.writeBinary(u.readPayload(len));
            }
            case EXTENSION -> {
                int len = u.unpackExtensionTypeHeader().getLength();
                g.writeBinary(u.readPayload(len));
            }
            case ARRAY -> {
                int size = u.unpackArrayHeader();
                g.writeStartArray();
                for (int i = 0; i < size; i++) {
                    writeNext(g, u, b, base, depth + 1);
                }
                g.writeEndArray();
            }
            case MAP -> {
                int size = u.unpackMapHeader();
                g.writeStartObject();
                for (int i = 0; i < size; i++) {
                    g.writeFieldName(keyText(u));
                    writeNext(g, u, b, base, depth + 1);
                }
                g.writeEndObject();
            }
        }
    }

    /** A nested map's key: normally a string; anything else is rendered as its JSON text. */
    private static String keyText(MessageUnpacker u) throws IOException {
        return u.getNextFormat().getValueType() == ValueType.STRING ? u.unpackString() : u.unpackValue().toJson();
    }

    private static void reset(MessageUnpacker u, ArrayBufferInput in, byte[] b, int off, int len) throws IOException {
        in.reset(b, off, len);
        u.reset(in);
    }
}
