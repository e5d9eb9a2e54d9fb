package io.loglane.core.parse;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The registry of record parsers by configuration name. The config loader validates a lane's
 * {@code parser:} against {@link #names()}.
 * <ul>
 *   <li>{@code none}: a null object; no typed fields, every record "parses".</li>
 *   <li>{@code json}: when the router sends a record to the lane, a message that is a JSON object
 *       ({@link JsonMessage}: Docker's fluentd driver, FireLens) has its fields lifted into the
 *       record (so they reach {@code attrs} and every store as the record's own) and its time
 *       field becomes the event time; the original line stays the message. Other records, and
 *       records already structured (Forward maps, NDJSON objects), are stored as they are. No
 *       typed fields: the fields are as many as the applications log, so they live in {@code attrs}.</li>
 *   <li>{@code nginx_combined}: typed access-line fields, and the line's {@code [time_local]} as the
 *       event time; see {@link NginxCombinedParser}.</li>
 * </ul>
 *
 * <p>Thread-safety: immutable; the parsers are thread-safe.
 */
public final class Parsers {
    public static final String NONE = "none";
    public static final String JSON = "json";

    private static final Map<String, RecordParser> BY_NAME;

    static {
        Map<String, RecordParser> m = new LinkedHashMap<>();
        m.put(NONE, new NoFieldsParser(NONE, false));
        m.put(JSON, new NoFieldsParser(JSON, true));
        m.put(NginxCombinedParser.NAME, new NginxCombinedParser());
        BY_NAME = java.util.Collections.unmodifiableMap(m);
    }

    private Parsers() {}

    /** Known parser names, in documentation order. */
    public static List<String> names() { return List.copyOf(BY_NAME.keySet()); }

    /**
     * The parser named {@code name}.
     *
     * @throws IllegalArgumentException for an unknown name
     */
    public static RecordParser forName(String name) {
        RecordParser p = BY_NAME.get(name);
        if (p == null) {
            throw new IllegalArgumentException("unknown parser \"" + name + "\" (known: " + String.join(", ", BY_NAME.keySet()) + ")");
        }
        return p;
    }

    /**
     * A parser with no typed fields; {@code readsJson}: it reads a message's JSON object (its time,
     * its fields to lift), else nothing.
     */
    private record NoFieldsParser(String name, boolean readsJson) implements RecordParser {
        @Override
        public List<FieldDef> fields() { return List.of(); }

        @Override
        public boolean parse(CharSequence message, ParsedFields out) {
            out.clear();
            return true;
        }

        @Override
        public long eventTime(MessageView message) {
            JsonMessage json = liftedFields(message);
            return json == null ? -1 : json.timeNanos();
        }

        @Override
        public JsonMessage liftedFields(MessageView message) {
            return readsJson ? message.json() : null;
        }
    }
}
