package io.loglane.search.filter;

import io.loglane.core.event.RecordView;
import io.loglane.core.parse.FieldDef;
import io.loglane.core.parse.ParsedFields;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.core.buffer.ArrayBufferInput;
import org.msgpack.value.ValueType;

/**
 * A record as the JSON event a JSON pattern reads: the record's row as every store holds it
 * ({@link RecordView}), as one object whose top-level properties are the columns and {@code attrs}:
 * <ul>
 *   <li>{@code message}, {@code host}, {@code container_id}, {@code container_name}, {@code source}
 *       (named as their columns, whichever record key they came from: a Docker {@code log} is
 *       {@code $.message});</li>
 *   <li>the lane's typed fields, named as their columns, from the parser's match of the message
 *       (so {@code $.status} works on an access line);</li>
 *   <li>every other record field by its own key ({@code attrs}), with nested objects and arrays.
 *       In a lane with the {@code json} parser that includes the fields of a JSON message.</li>
 * </ul>
 * The event is a <em>JSON event</em> ({@link #structured()}) only when it has fields of its own
 * beyond its message and where it came from: an {@code attrs} field or a typed field with a value.
 * A plain text line (message plus collector fields) is not, and no JSON pattern matches it, not
 * even {@code NOT EXISTS} (derived: "a JSON pattern never matches a non-JSON event").
 * Property lookups read the record's msgpack bytes in place: no allocation per record, except
 * typed values a parser gives as objects.
 *
 * <p>Thread-safety: not thread-safe; one per matcher, {@linkplain #reset reset} per record.
 */
final class JsonEvent {
    private static final List<String> COLUMNS = List.of("message", "host", "container_id", "container_name", "source");

    private final ArrayBufferInput input = new ArrayBufferInput(new byte[0]);
    private final MessageUnpacker unpacker = MessagePack.newDefaultUnpacker(input);
    private RecordView view;
    private RecordView namesOf;
    private String[] typedNames = new String[0];
    private boolean parsed;
    private boolean matched;
    private final int[] columns = new int[COLUMNS.size()];

    // values reached by a selector so far, and by its next step: msgpack ranges, or start = -1-k for typed field k
    private Ranges found = new Ranges();
    private Ranges next = new Ranges();

    void reset(RecordView v) {
        view = v;
        parsed = false;
        if (v != namesOf) { // views are reused per lane: their typed names are read once
            List<FieldDef> defs = v.typedFields();
            typedNames = defs.stream().map(FieldDef::name).toArray(String[]::new);
            namesOf = v;
        }
        columns[0] = v.message();
        columns[1] = v.host();
        columns[2] = v.containerId();
        columns[3] = v.containerName();
        columns[4] = v.source();
    }

    /** Whether the record has fields of its own (see the class comment). */
    boolean structured() throws IOException {
        for (int i = 0, n = view.fieldCount(); i < n; i++) {
            if (!column(i)) {
                return true;
            }
        }
        if (typedNames.length > 0 && matched()) {
            for (int k = 0; k < typedNames.length; k++) {
                if (typedPresent(k)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Finds what {@code selector} reaches; returns how many values (more than one only through a
     * wildcard). {@code keys} are the UTF-8 names of the selector's {@link Selector.Key} steps, by step.
     */
    int resolve(Selector selector, byte[][] keys) throws IOException {
        List<Selector.Step> steps = selector.steps();
        found.count = 0;
        top(steps.getFirst());
        for (int s = 1; s < steps.size() && found.count > 0; s++) {
            next.count = 0;
            for (int c = 0; c < found.count; c++) {
                if (found.start[c] >= 0) {
                    child(found.start[c], found.end[c], steps.get(s), keys[s]);
                }
            }
            Ranges t = found;
            found = next;
            next = t;
        }
        return found.count;
    }

    /** Loads value {@code i} of the last {@link #resolve} into {@code out}. */
    void load(int i, Scalar out) throws IOException {
        int start = found.start[i];
        int end = found.end[i];
        if (start < 0) {
            loadTyped(-1 - start, out);
            return;
        }
        byte[] b = view.array();
        input.reset(b, start, end - start);
        unpacker.reset(input);
        MessageFormat f = unpacker.getNextFormat();
        switch (f.getValueType()) {
            case STRING -> {
                int len = unpacker.unpackRawStringHeader();
                out.string(b, end - len, len);
            }
            case INTEGER -> {
                if (f == MessageFormat.UINT64) {
                    out.ofDouble(unpacker.unpackBigInteger().doubleValue());
                } else {
                    out.ofLong(unpacker.unpackLong());
                }
            }
            case FLOAT -> out.ofDouble(unpacker.unpackDouble());
            case BOOLEAN -> out.ofBoolean(unpacker.unpackBoolean());
            case NIL -> out.of(Scalar.Kind.NULL);
            case MAP, ARRAY -> out.of(Scalar.Kind.CONTAINER);
            default -> out.of(Scalar.Kind.OTHER);
        }
    }

    private void top(Selector.Step step) throws IOException {
        switch (step) {
            case Selector.Key key -> {
                String name = key.name();
                int col = COLUMNS.indexOf(name);
                if (col >= 0 && columns[col] >= 0) {
                    found.add(view.valueStart(columns[col]), view.valueEnd(columns[col]));
                    return;
                }
                for (int k = 0; k < typedNames.length; k++) {
                    if (typedNames[k].equals(name) && matched()) {
                        if (typedPresent(k)) {
                            found.add(-1 - k, 0);
                        }
                        return;
                    }
                }
                for (int i = 0, n = view.fieldCount(); i < n; i++) {
                    if (!column(i) && name.equals(view.key(i))) {
                        found.add(view.valueStart(i), view.valueEnd(i));
                        return;
                    }
                }
            }
            case Selector.Any any -> {
                for (int c : columns) {
                    if (c >= 0) {
                        found.add(view.valueStart(c), view.valueEnd(c));
                    }
                }
                for (int k = 0; k < typedNames.length && matched(); k++) {
                    if (typedPresent(k)) {
                        found.add(-1 - k, 0);
                    }
                }
                for (int i = 0, n = view.fieldCount(); i < n; i++) {
                    if (!column(i)) {
                        found.add(view.valueStart(i), view.valueEnd(i));
                    }
                }
            }
            case Selector.Index index -> { } // the event is an object, not an array
        }
    }

    /** Adds to the next candidates the children of the value {@code [s, e)} that {@code step} reaches. */
    private void child(int s, int e, Selector.Step step, byte[] key) throws IOException {
        byte[] b = view.array();
        input.reset(b, s, e - s);
        unpacker.reset(input);
        ValueType type = unpacker.getNextFormat().getValueType();
        if (type == ValueType.MAP && !(step instanceof Selector.Index)) {
            int n = unpacker.unpackMapHeader();
            for (int j = 0; j < n; j++) {
                boolean hit = step instanceof Selector.Any;
                MessageFormat f = unpacker.getNextFormat();
                int ks = s + (int) unpacker.getTotalReadBytes();
                unpacker.skipValue();
                if (!hit && f.getValueType() == ValueType.STRING) {
                    // the key's payload follows its header, whose size the format gives: compared in place
                    int ke = s + (int) unpacker.getTotalReadBytes();
                    int at = ks + switch (f) {
                        case STR8 -> 2;
                        case STR16 -> 3;
                        case STR32 -> 5;
                        default -> 1; // FIXSTR
                    };
                    hit = ke - at == key.length && Arrays.equals(b, at, ke, key, 0, key.length);
                }
                int vs = s + (int) unpacker.getTotalReadBytes();
                unpacker.skipValue();
                if (hit) {
                    next.add(vs, s + (int) unpacker.getTotalReadBytes());
                    if (!(step instanceof Selector.Any)) {
                        return;
                    }
                }
            }
        } else if (type == ValueType.ARRAY && !(step instanceof Selector.Key)) {
            int n = unpacker.unpackArrayHeader();
            for (int j = 0; j < n; j++) {
                int vs = s + (int) unpacker.getTotalReadBytes();
                unpacker.skipValue();
                if (step instanceof Selector.Any || ((Selector.Index) step).index() == j) {
                    next.add(vs, s + (int) unpacker.getTotalReadBytes());
                    if (!(step instanceof Selector.Any)) {
                        return;
                    }
                }
            }
        }
    }

    private boolean column(int i) {
        for (int c : columns) {
            if (c == i) {
                return true;
            }
        }
        return false;
    }

    private boolean matched() throws IOException {
        if (!parsed) {
            matched = view.messageMatched();
            parsed = true;
        }
        return matched;
    }

    private boolean typedPresent(int k) {
        ParsedFields p = view.parsed();
        int i = view.typedIndex(k);
        return p.form(i) != ParsedFields.Form.OBJECT || p.get(i) != null;
    }

    private void loadTyped(int k, Scalar out) {
        ParsedFields p = view.parsed();
        int i = view.typedIndex(k);
        switch (p.form(i)) {
            case UTF8 -> out.string(p.utf8Source(i), p.utf8Offset(i), p.utf8Length(i));
            case LONG -> out.ofLong(p.longAt(i));
            case DOUBLE -> out.ofDouble(p.doubleAt(i));
            case OBJECT -> {
                switch (p.get(i)) {
                    case Long l -> out.ofLong(l);
                    case Double d -> out.ofDouble(d);
                    case Object o -> {
                        byte[] t = o.toString().getBytes(StandardCharsets.UTF_8);
                        out.string(t, 0, t.length);
                    }
                }
            }
        }
    }
}
