package io.loglane.core.parse;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The registry of record parsers by configuration name. The config loader validates a lane's
 * {@code parser:} against {@link #names()}.
 * <ul>
 *   <li>{@code none}: a null object; no typed fields, every record "parses".</li>
 *   <li>{@code json}: records are already structured (Forward maps, NDJSON objects); their fields
 *       go to {@code attrs}, so it adds no typed fields either. The name documents intent and
 *       leaves room for a configurable typed field set.</li>
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
        m.put(NONE, new NoFieldsParser(NONE));
        m.put(JSON, new NoFieldsParser(JSON));
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

    /** A parser with no typed fields. */
    private record NoFieldsParser(String name) implements RecordParser {
        @Override
        public List<FieldDef> fields() { return List.of(); }

        @Override
        public boolean parse(CharSequence message, ParsedFields out) {
            out.clear();
            return true;
        }
    }
}
