package io.loglane.core.event;

import com.fasterxml.jackson.core.io.SerializedString;
import io.loglane.core.parse.FieldDef;
import io.loglane.core.parse.FieldType;
import io.loglane.core.parse.ParsedFields;
import io.loglane.core.parse.RecordParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.core.buffer.ArrayBufferInput;
import org.msgpack.value.ValueType;

/**
 * The one mapping from a stored record (a msgpack map) to what every store shows of it: the
 * {@code message}, {@code host}, {@code container_id}, {@code container_name}, {@code source}
 * ({@link EventFields}), the lane's typed fields ({@link #typedFields}), and the fields left over
 * ({@code attrs}). The archive's row encoder reads records through it; the index and the live-tail
 * filter are to read them through it too, so all of them agree on which field is which column.
 *
 * <p>Mapping: the message is the first of {@link EventFields#MESSAGE_KEYS} holding a string, the
 * host the first of {@link EventFields#HOST_KEYS} holding one, and so on; each field taken for a
 * column is {@linkplain #consumed consumed}, so it is not repeated in {@code attrs}. Typed field
 * {@code k} comes from the lane parser's match of the message ({@link #messageMatched}); when the
 * message does not match, or the parser takes the field from the record
 * ({@link RecordParser#fromRecord}: an input's parser lifted it), from the record field of the same
 * name, if it converts to the type ({@link #recordTyped}).
 *
 * <p>Nothing is decoded until asked: {@link #read} records where each field's key and value lie in
 * the record's bytes; keys are decoded once per distinct key ({@link KeyCache}). One view is reused
 * for every record of a lane: the only per-record allocations are keys missing from the cache and
 * typed values that need a conversion.
 *
 * <p>Thread-safety: not thread-safe; one per thread (per sink).
 */
public final class RecordView {
    /**
     * The columns every record has, whatever its lane: a parser field of one of these names never
     * becomes a typed column (it would shadow the event's own).
     */
    public static final List<String> EVENT_COLUMNS = List.of(
            "ts", "lane", "tag", "host", "container_id", "container_name", "source", "message", "attrs", "received_at");

    /**
     * Container platform metadata every lane has as typed string columns (and keyword index fields)
     * after its parser's: FireLens on ECS ({@code ecs_cluster}, {@code ecs_task_arn},
     * {@code ecs_task_definition}) and Kubernetes ({@code k8s_namespace}, {@code k8s_pod},
     * {@code k8s_pod_uid}, {@code k8s_container}). Each is the record's top-level string field of
     * that name, taken out of {@code attrs}; absent, it is NULL.
     */
    public static final List<String> METADATA_COLUMNS = List.of("ecs_cluster", "ecs_task_arn", "ecs_task_definition",
            "k8s_namespace", "k8s_pod", "k8s_pod_uid", "k8s_container");

    private final RecordParser parser;
    private final FieldDef[] typedDefs;
    /** Typed field k is field {@code typedIndex[k]} of the parser's output. */
    private final int[] typedIndex;
    /** Typed field k's role when it is a {@link #METADATA_COLUMNS} column the parser does not fill; else -1. */
    private final int[] metaRole;
    /** Per typed field, the record field {@link #read} took for its metadata role; -1 when none. */
    private final int[] metaField;
    private final ParsedFields parsed;

    private final ArrayBufferInput input = new ArrayBufferInput(new byte[0]);
    private final MessageUnpacker unpacker = MessagePack.newDefaultUnpacker(input);
    private final ArrayBufferInput valueInput = new ArrayBufferInput(new byte[0]);
    private final MessageUnpacker valueUnpacker = MessagePack.newDefaultUnpacker(valueInput);
    private final KeyCache keyCache = new KeyCache();

    /**
     * The well-known keys a column takes its value from, each with a role code (its index here):
     * a key's role is found once when the key at a position changes, and the column lookups
     * compare codes instead of strings.
     */
    private static final List<String> ROLES = Stream.of(EventFields.MESSAGE_KEYS, EventFields.HOST_KEYS,
            List.of(EventFields.CONTAINER_ID, EventFields.CONTAINER_NAME, EventFields.SOURCE), METADATA_COLUMNS)
            .flatMap(List::stream).toList();
    private static final int[] MESSAGE_ROLES = roles(EventFields.MESSAGE_KEYS);
    private static final int[] HOST_ROLES = roles(EventFields.HOST_KEYS);
    private static final int CONTAINER_ID_ROLE = ROLES.indexOf(EventFields.CONTAINER_ID);
    private static final int CONTAINER_NAME_ROLE = ROLES.indexOf(EventFields.CONTAINER_NAME);
    private static final int SOURCE_ROLE = ROLES.indexOf(EventFields.SOURCE);

    // Per-record field table, grown on demand and reused.
    private String[] keys = new String[32];
    /**
     * UTF-8 of the string key read at each position in the last record (null for none): records
     * of one source repeat their keys in the same order, so a key equal to it keeps the position's
     * key, name and role without a {@link KeyCache} lookup.
     */
    private byte[][] keyBytes = new byte[32][];
    private int[] role = new int[32];
    private SerializedString[] keyNames = new SerializedString[32];
    private int[] valStart = new int[32];
    private int[] valEnd = new int[32];
    private ValueType[] valType = new ValueType[32];
    private boolean[] consumed = new boolean[32];
    private int n;
    private byte[] buf;
    private boolean map;
    private int message;
    private int host;
    private int containerId;
    private int containerName;
    private int source;

    /** A view for a lane read by {@code parserOrNull} (null: a lane without typed fields). */
    public RecordView(RecordParser parserOrNull) {
        this.parser = parserOrNull;
        List<FieldDef> all = parserOrNull == null ? List.of() : parserOrNull.fields();
        List<FieldDef> typed = typedFields(all);
        this.typedDefs = typed.toArray(FieldDef[]::new);
        java.util.Set<String> fromRecord = parserOrNull == null ? java.util.Set.of() : parserOrNull.fromRecord();
        // a field the parser does not read from the message (an input's parser lifted it) is the record's own
        this.typedIndex = typed.stream().mapToInt(f -> fromRecord.contains(f.name()) ? -1 : all.indexOf(f)).toArray();
        this.metaRole = new int[typed.size()];
        this.metaField = new int[typed.size()];
        for (int k = 0; k < typed.size(); k++) {
            metaRole[k] = typedIndex[k] < 0 ? ROLES.indexOf(typed.get(k).name()) : -1;
        }
        this.parsed = new ParsedFields(all.size());
    }

    /**
     * A lane's typed columns, in order, for a parser yielding {@code parserFields}: the parser's
     * fields less any named like one of {@link #EVENT_COLUMNS}, then the {@link #METADATA_COLUMNS}
     * it does not name. The one declaration every store and SQL derive their typed columns from.
     */
    public static List<FieldDef> typedFields(List<FieldDef> parserFields) {
        List<FieldDef> out = new java.util.ArrayList<>(parserFields.stream().filter(f -> !EVENT_COLUMNS.contains(f.name())).toList());
        for (String m : METADATA_COLUMNS) {
            if (out.stream().noneMatch(f -> f.name().equals(m))) {
                out.add(new FieldDef(m, FieldType.STRING));
            }
        }
        return List.copyOf(out);
    }

    /** This lane's typed columns ({@link #typedFields(List)} of its parser). */
    public List<FieldDef> typedFields() { return List.of(typedDefs); }

    /**
     * Reads the record {@code b[off, off+len)} (one whole msgpack value) into the view and resolves
     * its well-known fields. A record that is not a map has no fields: it is its own message.
     *
     * @return whether the record is a map
     */
    public boolean read(byte[] b, int off, int len) throws IOException {
        buf = b;
        reset(unpacker, input, b, off, len);
        map = unpacker.getNextFormat().getValueType() == ValueType.MAP;
        n = 0;
        if (map) {
            int size = unpacker.unpackMapHeader();
            ensure(size);
            for (int i = 0; i < size; i++) {
                readKey(off, i);
                valStart[i] = off + (int) unpacker.getTotalReadBytes();
                valType[i] = unpacker.getNextFormat().getValueType();
                unpacker.skipValue();
                valEnd[i] = off + (int) unpacker.getTotalReadBytes();
                consumed[i] = false;
            }
            n = size;
        }
        message = firstString(MESSAGE_ROLES);
        host = firstString(HOST_ROLES);
        containerId = stringField(CONTAINER_ID_ROLE);
        containerName = stringField(CONTAINER_NAME_ROLE);
        source = stringField(SOURCE_ROLE);
        for (int k = 0; k < metaRole.length; k++) {
            metaField[k] = metaRole[k] < 0 ? -1 : stringField(metaRole[k]);
        }
        return map;
    }

    /** Whether the record read is a map. */
    public boolean isMap() { return map; }

    /** Field index of the message, or -1 when the record has none. */
    public int message() { return message; }

    public int host() { return host; }

    public int containerId() { return containerId; }

    public int containerName() { return containerName; }

    public int source() { return source; }

    /** The record's bytes, which field offsets index. */
    public byte[] array() { return buf; }

    public int fieldCount() { return n; }

    /** Whether field {@code i} was taken for a column (so it is not one of {@code attrs}). */
    public boolean consumed(int i) { return consumed[i]; }

    public String key(int i) { return keys[i]; }

    /** Key {@code i} pre-encoded for a JSON writer. */
    public SerializedString keyName(int i) { return keyNames[i]; }

    /** Where field {@code i}'s msgpack value starts in {@link #array()}. */
    public int valueStart(int i) { return valStart[i]; }

    public int valueEnd(int i) { return valEnd[i]; }

    /** Length of string field {@code i}'s UTF-8 payload, which ends where its value ends. */
    public int stringLength(int i) { return valEnd[i] - stringOffset(i); }

    /** Offset of string field {@code i}'s UTF-8 payload in {@link #array()}: after its msgpack str header. */
    public int stringOffset(int i) {
        int start = valStart[i];
        return start + switch (buf[start]) {
            case (byte) 0xd9 -> 2; // str 8
            case (byte) 0xda -> 3; // str 16
            case (byte) 0xdb -> 5; // str 32
            default -> 1;          // fixstr (the value was read as a STRING)
        };
    }

    public int typedCount() { return typedDefs.length; }

    public FieldType typedType(int k) { return typedDefs[k].type(); }

    /**
     * Parses the message with the lane's parser; true when it matched, and then typed field
     * {@code k} with {@code typedIndex(k) >= 0} is {@code parsed().…(typedIndex(k))} (the others,
     * metadata, come from {@link #recordTyped}). False for a lane whose parser has no typed fields
     * or a record without a message.
     */
    public boolean messageMatched() throws IOException {
        if (parsed.size() == 0 || message < 0) {
            return false;
        }
        int off = stringOffset(message); // the parser fills or clears every field (RecordParser.parse)
        return parser.parse(buf, off, valEnd[message] - off, parsed);
    }

    /** The parser's output after {@link #messageMatched} returned true. */
    public ParsedFields parsed() { return parsed; }

    /** Index in {@link #parsed()} of typed field {@code k}; -1 for a metadata column the parser does not fill. */
    public int typedIndex(int k) { return typedIndex[k]; }

    /**
     * Typed field {@code k} from the record field of its name, converted to its type
     * ({@link #convert}), consuming the field when it converts; null when absent or not convertible.
     */
    public Object recordTyped(int k) throws IOException {
        if (metaRole[k] >= 0) {
            int m = metaField[k]; // taken (consumed) by read
            return m < 0 ? null : new String(buf, stringOffset(m), stringLength(m), StandardCharsets.UTF_8);
        }
        int i = field(typedDefs[k].name());
        Object v = i < 0 ? null : convert(recordValue(i), typedDefs[k].type());
        if (v != null) {
            consumed[i] = true;
        }
        return v;
    }

    /** Converts a parser or record value to a column's type; null when not convertible. */
    public static Object convert(Object v, FieldType type) {
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
            case STRING -> new String(buf, stringOffset(i), stringLength(i), StandardCharsets.UTF_8);
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

    private static int[] roles(List<String> names) {
        return names.stream().mapToInt(ROLES::indexOf).toArray();
    }

    /** {@link #stringField} of the first of {@code roles}, in order, that the record has. */
    private int firstString(int[] roles) {
        for (int r : roles) {
            int i = stringField(r);
            if (i >= 0) {
                return i;
            }
        }
        return -1;
    }

    /** Index of the first unconsumed field whose key has role {@code r} holding a string, now consumed; else -1. */
    private int stringField(int r) {
        for (int i = 0; i < n; i++) {
            if (role[i] == r && valType[i] == ValueType.STRING && !consumed[i]) {
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

    /** Reads key {@code i} of the map at {@code recOff}: string keys through {@link #keyCache}, others as their JSON text. */
    private void readKey(int recOff, int i) throws IOException {
        MessageFormat f = unpacker.getNextFormat();
        if (f.getValueType() == ValueType.STRING) {
            int start = recOff + (int) unpacker.getTotalReadBytes();
            unpacker.skipValue();
            int end = recOff + (int) unpacker.getTotalReadBytes();
            int header = switch (f) {
                case STR8 -> 2;
                case STR16 -> 3;
                case STR32 -> 5;
                default -> 1; // FIXSTR
            };
            int ks = start + header;
            byte[] last = keyBytes[i];
            if (last != null && Arrays.equals(last, 0, last.length, buf, ks, end)) {
                return; // the same key as at this position in the last record: keys, names and role stand
            }
            SerializedString k = keyCache.get(buf, ks, end - ks);
            keys[i] = k.getValue();
            keyNames[i] = k;
            keyBytes[i] = Arrays.copyOfRange(buf, ks, end);
        } else {
            keys[i] = unpacker.unpackValue().toJson();
            keyNames[i] = new SerializedString(keys[i]);
            keyBytes[i] = null;
        }
        role[i] = ROLES.indexOf(keys[i]);
    }

    private static void reset(MessageUnpacker u, ArrayBufferInput in, byte[] b, int off, int len) throws IOException {
        in.reset(b, off, len);
        u.reset(in);
    }

    private void ensure(int size) {
        if (size > keys.length) {
            int cap = Math.max(size, keys.length * 2);
            keys = Arrays.copyOf(keys, cap);
            keyNames = Arrays.copyOf(keyNames, cap);
            keyBytes = Arrays.copyOf(keyBytes, cap);
            role = Arrays.copyOf(role, cap);
            valStart = Arrays.copyOf(valStart, cap);
            valEnd = Arrays.copyOf(valEnd, cap);
            valType = Arrays.copyOf(valType, cap);
            consumed = Arrays.copyOf(consumed, cap);
        }
    }
}
