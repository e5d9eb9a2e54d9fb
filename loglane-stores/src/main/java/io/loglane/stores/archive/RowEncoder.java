package io.loglane.stores.archive;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import io.loglane.core.event.EventFields;
import io.loglane.core.event.RecordCursor;
import io.loglane.core.parse.FieldDef;
import io.loglane.core.parse.FieldType;
import io.loglane.core.parse.ParsedFields;
import io.loglane.core.parse.RecordParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
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
 * The message is the first of {@link EventFields#MESSAGE_KEYS} holding a string. A structured
 * record without one has no message (NULL): its fields are stored once, in
 * {@code attrs}, where SQL finds every field of every record, line or not (a record that is not a
 * map at all is its own message, as JSON). Fields that became columns are left out of {@code attrs}. Binary and msgpack
 * extension values become base64 strings; nested maps and arrays keep their shape; invalid UTF-8
 * is replaced, so every staged string is valid UTF-8 and {@code attrs} valid JSON.
 *
 * <p>The unpacker, the per-field position arrays, the parsed-field holder and the JSON writer
 * for {@code attrs} are reused across records: the only per-record allocations are map keys
 * missing from the key cache and, with a parser, values that need a conversion.
 *
 * <p>Thread-safety: not thread-safe; one encoder per sink.
 */
final class RowEncoder {
    private static final int MAX_DEPTH = 64;
    /** Larger records are refused as invalid: one staged row is held whole in memory when it is read back. */
    static final int MAX_RECORD_BYTES = 16 * 1024 * 1024;

    private final RecordParser parser;
    /** Typed columns: positions in {@code parser.fields()} that do not collide with event columns. */
    private final int[] typedIndex;
    private final FieldDef[] typedDefs;
    private final ParsedFields parsed;

    private final ArrayBufferInput input = new ArrayBufferInput(new byte[0]);
    private final MessageUnpacker unpacker = MessagePack.newDefaultUnpacker(input);
    private final ArrayBufferInput valueInput = new ArrayBufferInput(new byte[0]);
    private final MessageUnpacker valueUnpacker = MessagePack.newDefaultUnpacker(valueInput);
    /** Holds one attrs object (or a non-map record's JSON) at a time; the generator writes into it. */
    private final Scratch scratch = new Scratch();
    private JsonGenerator json;

    // Per-record field table, grown on demand and reused.
    private String[] keys = new String[32];
    /** The same keys pre-encoded for the JSON writer. */
    private SerializedString[] keyNames = new SerializedString[32];
    private final KeyCache keyCache = new KeyCache();
    private int[] valStart = new int[32];
    private int[] valEnd = new int[32];
    private ValueType[] valType = new ValueType[32];
    private boolean[] consumed = new boolean[32];
    private int n;
    private byte[] buf;

    RowEncoder(RecordParser parser) {
        this.parser = parser;
        List<FieldDef> all = parser == null ? List.of() : parser.fields();
        List<FieldDef> typed = ArchiveSchema.typedFields(all);
        this.typedDefs = typed.toArray(FieldDef[]::new);
        this.typedIndex = typed.stream().mapToInt(all::indexOf).toArray();
        this.parsed = new ParsedFields(all.size());
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

    /** The typed columns, in the order of the staged columns {@code f0…fn}. */
    List<FieldDef> typedFields() { return List.of(typedDefs); }

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
        try {
            encodeRow(c, tagUtf8, receivedAtMicros, out);
        } catch (IOException | RuntimeException e) {
            json = newGenerator(); // it may be inside a half-written value; the next row starts clean
            throw e;
        }
    }

    private void encodeRow(RecordCursor c, byte[] tagUtf8, long receivedAtMicros, StagedRowWriter out) throws IOException {
        buf = c.array();
        out.putLong(c.tsNanos());
        out.putLong(receivedAtMicros);
        out.putValidUtf8(tagUtf8);

        int recOff = c.recordOffset();
        reset(unpacker, input, buf, recOff, c.recordLength());
        boolean isMap = unpacker.getNextFormat().getValueType() == ValueType.MAP;
        n = 0;
        if (isMap) {
            int size = unpacker.unpackMapHeader();
            ensure(size);
            for (int i = 0; i < size; i++) {
                readKey(unpacker, recOff, i);
                valStart[i] = recOff + (int) unpacker.getTotalReadBytes();
                valType[i] = unpacker.getNextFormat().getValueType();
                unpacker.skipValue();
                valEnd[i] = recOff + (int) unpacker.getTotalReadBytes();
                consumed[i] = false;
            }
            n = size;
        }

        int msg = isMap ? firstString(EventFields.MESSAGE_KEYS) : -1;
        if (msg >= 0) {
            putString(out, msg);
        } else if (isMap) {
            out.putNull();
        } else {
            // Not a map (inputs pass only maps; kept for bytes of other provenance): nothing else holds it.
            writeValue(json, buf, recOff, c.recordLength());
            putJson(out);
        }
        if (isMap) {
            putString(out, firstString(EventFields.HOST_KEYS));
            putString(out, stringField(EventFields.CONTAINER_ID));
            putString(out, stringField(EventFields.CONTAINER_NAME));
            putString(out, stringField(EventFields.SOURCE));
        } else {
            for (int k = 0; k < 4; k++) {
                out.putNull();
            }
        }
        typed(out, msg);

        boolean meta = c.metaLength() > 0 && !emptyMap(c.metaOffset(), c.metaLength());
        boolean rest = meta;
        for (int i = 0; i < n && !rest; i++) {
            rest = !consumed[i];
        }
        if (!rest) { // NULL when empty: the conversion reads it as '{}' without parsing one per row
            out.putNull();
            return;
        }
        json.writeStartObject();
        for (int i = 0; i < n; i++) {
            if (!consumed[i]) {
                json.writeFieldName(keyNames[i]);
                writeValue(json, buf, valStart[i], valEnd[i] - valStart[i]);
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
    private void typed(StagedRowWriter out, int msg) throws IOException {
        if (typedDefs.length == 0) {
            return;
        }
        boolean matched = false;
        if (msg >= 0) {
            parsed.clear();
            int len = stringLen(msg);
            matched = parser.parse(buf, valEnd[msg] - len, len, parsed);
        }
        for (int k = 0; k < typedDefs.length; k++) {
            Object v;
            if (matched) {
                if (putDirect(out, k)) {
                    continue;
                }
                v = convert(parsed.get(typedIndex[k]), typedDefs[k].type());
            } else {
                int i = field(typedDefs[k].name());
                v = i < 0 ? null : convert(recordValue(i), typedDefs[k].type());
                if (v != null) {
                    consumed[i] = true;
                }
            }
            switch (v) {
                case null -> putAbsent(out, typedDefs[k].type());
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
        int i = typedIndex[k];
        FieldType type = typedDefs[k].type();
        switch (parsed.form(i)) {
            case UTF8 -> {
                if (type != FieldType.STRING) {
                    return false;
                }
                out.putUtf8(parsed.utf8Source(i), parsed.utf8Offset(i), parsed.utf8Length(i));
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

    /** Converts a parser or record value to a column's type; null when not convertible. */
    static Object convert(Object v, FieldType type) {
        if (v == null) {
            return null;
        }
        try {
            return switch (type) {
                case STRING -> v instanceof byte[] ? null : v.toString();
                case LONG -> switch (v) {
                    case Long l -> l;
                    case Integer i -> (long) i;
                    case Double d -> d == Math.rint(d) && Math.abs(d) < 9.0e18 ? (long) (double) d : null;
                    case Number num -> num.longValue();
                    case String s -> Long.parseLong(s.trim());
                    default -> null;
                };
                case DOUBLE -> switch (v) {
                    case Number num -> num.doubleValue();
                    case String s -> Double.parseDouble(s.trim());
                    default -> null;
                };
            };
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** A scalar record field as a Java value (String, Long, Double, Boolean); null for maps/arrays/nil. */
    private Object recordValue(int i) throws IOException {
        return switch (valType[i]) {
            case STRING -> stringAt(i);
            case INTEGER -> {
                reset(valueUnpacker, valueInput, buf, valStart[i], valEnd[i] - valStart[i]);
                MessageFormat f = valueUnpacker.getNextFormat();
                yield f == MessageFormat.UINT64 ? (Object) valueUnpacker.unpackBigInteger().doubleValue()
                        : (Object) valueUnpacker.unpackLong();
            }
            case FLOAT -> {
                reset(valueUnpacker, valueInput, buf, valStart[i], valEnd[i] - valStart[i]);
                yield valueUnpacker.unpackDouble();
            }
            case BOOLEAN -> {
                reset(valueUnpacker, valueInput, buf, valStart[i], valEnd[i] - valStart[i]);
                yield valueUnpacker.unpackBoolean();
            }
            default -> null;
        };
    }

    /** Writes string field {@code i}, or NULL when {@code i < 0}. */
    private void putString(StagedRowWriter out, int i) throws IOException {
        if (i < 0) {
            out.putNull();
            return;
        }
        int len = stringLen(i);
        out.putUtf8(buf, valEnd[i] - len, len);
    }

    private int firstString(List<String> names) {
        for (String name : names) {
            int i = stringField(name);
            if (i >= 0) {
                return i;
            }
        }
        return -1;
    }

    /** Index of the first field named {@code name} holding a string, marked consumed; else -1. */
    private int stringField(String name) {
        for (int i = 0; i < n; i++) {
            if (valType[i] == ValueType.STRING && !consumed[i] && keys[i].equals(name)) {
                consumed[i] = true;
                return i;
            }
        }
        return -1;
    }

    private int field(String name) {
        for (int i = 0; i < n; i++) {
            if (!consumed[i] && keys[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /** Payload of string field i: its bytes end where the value ends. */
    private int stringLen(int i) throws IOException {
        reset(valueUnpacker, valueInput, buf, valStart[i], valEnd[i] - valStart[i]);
        return valueUnpacker.unpackRawStringHeader();
    }

    private String stringAt(int i) throws IOException {
        int len = stringLen(i);
        return new String(buf, valEnd[i] - len, len, StandardCharsets.UTF_8);
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

    /** Reads key {@code i} of the map at {@code recOff}: string keys through {@link #keyCache}, others as their JSON text. */
    private void readKey(MessageUnpacker u, int recOff, int i) throws IOException {
        MessageFormat f = u.getNextFormat();
        if (f.getValueType() == ValueType.STRING) {
            int start = recOff + (int) u.getTotalReadBytes();
            u.skipValue();
            int end = recOff + (int) u.getTotalReadBytes();
            int header = switch (f) {
                case STR8 -> 2;
                case STR16 -> 3;
                case STR32 -> 5;
                default -> 1; // FIXSTR
            };
            SerializedString k = keyCache.get(buf, start + header, end - start - header);
            keys[i] = k.getValue();
            keyNames[i] = k;
        } else {
            keys[i] = u.unpackValue().toJson();
            keyNames[i] = new SerializedString(keys[i]);
        }
    }

    private void reset(MessageUnpacker u, ArrayBufferInput in, byte[] b, int off, int len) throws IOException {
        in.reset(b, off, len);
        u.reset(in);
    }

    private void ensure(int size) {
        if (size > keys.length) {
            int cap = Math.max(size, keys.length * 2);
            keys = Arrays.copyOf(keys, cap);
            keyNames = Arrays.copyOf(keyNames, cap);
            valStart = Arrays.copyOf(valStart, cap);
            valEnd = Arrays.copyOf(valEnd, cap);
            valType = Arrays.copyOf(valType, cap);
            consumed = Arrays.copyOf(consumed, cap);
        }
    }
}
