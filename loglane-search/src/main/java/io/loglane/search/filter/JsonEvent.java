package io.loglane.search.filter;

import io.loglane.core.event.RecordView;
import io.loglane.core.parse.FieldDef;
import io.loglane.core.parse.ParsedFields;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * A record as the JSON event a JSON pattern reads: the record's row as every store holds it
 * ({@link RecordView}), as one object. A top-level property {@code $.name} is, the first that
 * exists:
 * <ol>
 *   <li>the lane's typed field {@code name}, from the parser's match of the message (so
 *       {@code $.status} works on an access line);</li>
 *   <li>the record field {@code name} of {@code attrs}, with nested objects and arrays. In a lane
 *       with the {@code json} parser these include the fields of a JSON message, so an
 *       application's own {@code message} or {@code msg} is {@code $.message} / {@code $.msg}, as
 *       in CloudWatch;</li>
 *   <li>the column {@code message}, {@code host}, {@code container_id}, {@code container_name} or
 *       {@code source}, whichever record key it came from (a plain Docker {@code log} is
 *       {@code $.message}).</li>
 * </ol>
 * The SQL form of {@code $.name} is therefore the typed column, else {@code attrs.name}, else the
 * event column of that name.
 * The event is a <em>JSON event</em> ({@link #structured()}) only when it has fields of its own
 * beyond its message and where it came from: an {@code attrs} field or a typed field with a value.
 * A plain text line (message plus collector fields) is not, and no JSON pattern matches it, not
 * even {@code NOT EXISTS} (derived: "a JSON pattern never matches a non-JSON event").
 * Property lookups read the record's msgpack bytes in place ({@link MsgpackReader}): no
 * allocation per record, except typed values a parser gives as objects.
 *
 * <p>Thread-safety: not thread-safe; one per matcher, {@linkplain #reset reset} per record.
 */
final class JsonEvent {
    private static final List<String> COLUMNS = List.of("message", "host", "container_id", "container_name", "source");

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
                    child(found.start[c], steps.get(s), keys[s]);
                }
            }
            Ranges t = found;
            found = next;
            next = t;
        }
        return found.count;
    }

    /** Loads value {@code i} of the last {@link #resolve} into {@code out}. */
    void load(int i, Scalar out) {
        int start = found.start[i];
        if (start < 0) {
            loadTyped(-1 - start, out);
        } else {
            MsgpackReader.load(view.array(), start, found.end[i], out);
        }
    }

    private void top(Selector.Step step) throws IOException {
        switch (step) {
            case Selector.Key key -> {
                String name = key.name();
                for (int k = 0; k < typedNames.length; k++) {
                    if (typedNames[k].equals(name) && view.typedIndex(k) >= 0 && matched()) {
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
                int col = COLUMNS.indexOf(name);
                if (col >= 0 && columns[col] >= 0) {
                    found.add(view.valueStart(columns[col]), view.valueEnd(columns[col]));
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
    private void child(int s, Selector.Step step, byte[] key) {
        byte[] b = view.array();
        boolean any = step instanceof Selector.Any;
        if (MsgpackReader.isMap(b, s) && !(step instanceof Selector.Index)) {
            for (int j = 0, n = MsgpackReader.size(b, s), p = MsgpackReader.firstChild(b, s); j < n; j++) {
                int keyEnd = MsgpackReader.skip(b, p);
                int valueEnd = MsgpackReader.skip(b, keyEnd);
                if (any || (MsgpackReader.isString(b, p) && keyEquals(b, p + MsgpackReader.stringHeader(b, p), keyEnd, key))) {
                    next.add(keyEnd, valueEnd);
                    if (!any) {
                        return;
                    }
                }
                p = valueEnd;
            }
        } else if (MsgpackReader.isArray(b, s) && !(step instanceof Selector.Key)) {
            for (int j = 0, n = MsgpackReader.size(b, s), p = MsgpackReader.firstChild(b, s); j < n; j++) {
                int valueEnd = MsgpackReader.skip(b, p);
                if (any || ((Selector.Index) step).index() == j) {
                    next.add(p, valueEnd);
                    if (!any) {
                        return;
                    }
                }
                p = valueEnd;
            }
        }
    }

    private static boolean keyEquals(byte[] b, int from, int to, byte[] key) {
        return to - from == key.length && Arrays.equals(b, from, to, key, 0, key.length);
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

    /** Whether the parsed message holds typed field {@code k}; a metadata column is never parsed (its record field is read as is). */
    private boolean typedPresent(int k) {
        ParsedFields p = view.parsed();
        int i = view.typedIndex(k);
        return i >= 0 && p.form(i) != ParsedFields.Form.OBJECT || p.get(i) != null;
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
