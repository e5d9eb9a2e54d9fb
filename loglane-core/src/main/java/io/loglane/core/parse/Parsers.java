package io.loglane.core.parse;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The registry of record parsers by configuration name, and the builder of a configured chain
 * ({@link #build}). The config loader validates a lane's {@code parser:} by building it.
 * <ul>
 *   <li>{@code none}: no typed fields; records are stored as they came.</li>
 *   <li>{@code json}: a message that is a JSON object ({@link JsonMessage}: Docker's fluentd
 *       driver, FireLens) has its fields lifted into the record (so they reach {@code attrs} and
 *       every store as the record's own) and its time field becomes the event time; the original
 *       line stays the message ({@link LiftingParser}).</li>
 *   <li>{@code logfmt}: the same for a logfmt line ({@link LogfmtMessage}).</li>
 *   <li>{@code nginx_combined}, {@code apache_combined}: typed access-line fields, and the line's
 *       {@code [time_local]} as the event time; see {@link NginxCombinedParser}.</li>
 *   <li>{@code syslog}, {@code syslog_rfc3164}, {@code syslog_rfc5424}: {@link SyslogParser}.</li>
 *   <li>with an argument: {@code regex} ({@link RegexParser}), {@code nginx_format}
 *       ({@link NginxFormatParser}).</li>
 * </ul>
 *
 * <p>Thread-safety: immutable; the parsers are thread-safe.
 */
public final class Parsers {
    public static final String NONE = "none";
    public static final String JSON = "json";
    public static final String LOGFMT = LiftingParser.LOGFMT;

    private static final Map<String, RecordParser> BY_NAME;

    static {
        Map<String, RecordParser> m = new LinkedHashMap<>();
        m.put(NONE, new NoneParser());
        m.put(JSON, new LiftingParser(JSON, List.of()));
        m.put(LOGFMT, new LiftingParser(LOGFMT, List.of()));
        m.put(NginxCombinedParser.NAME, new NginxCombinedParser());
        m.put(NginxCombinedParser.APACHE_NAME, new NginxCombinedParser(NginxCombinedParser.APACHE_NAME));
        for (String s : List.of(SyslogParser.ANY, SyslogParser.RFC3164, SyslogParser.RFC5424)) {
            m.put(s, new SyslogParser(s));
        }
        BY_NAME = java.util.Collections.unmodifiableMap(m);
    }

    private Parsers() {}

    /** Known parser names (without an argument), in documentation order. */
    public static List<String> names() { return List.copyOf(BY_NAME.keySet()); }

    /** Every parser kind a step may name: {@link #names()} and those taking an argument. */
    public static List<String> kinds() {
        List<String> k = new ArrayList<>(BY_NAME.keySet());
        k.add(ParserSpec.REGEX);
        k.add(ParserSpec.NGINX_FORMAT);
        return List.copyOf(k);
    }

    /**
     * The parser named {@code name}.
     *
     * @throws IllegalArgumentException for an unknown name
     */
    public static RecordParser forName(String name) {
        RecordParser p = BY_NAME.get(name);
        if (p == null) {
            throw new IllegalArgumentException("unknown parser \"" + name + "\" (known: " + String.join(", ", kinds()) + ")");
        }
        return p;
    }

    /**
     * The parser of a configured chain: the step itself when there is one, else a
     * {@link ParserChain}.
     *
     * @throws IllegalArgumentException naming the step and what is wrong with it
     */
    public static RecordParser build(ParserSpec spec) {
        List<RecordParser> steps = new ArrayList<>();
        for (int i = 0; i < spec.steps().size(); i++) {
            ParserSpec.Step s = spec.steps().get(i);
            if (s.kind().equals(NONE) && spec.steps().size() > 1) {
                throw new StepException(i, "none cannot be part of a chain");
            }
            try {
                steps.add(step(s));
            } catch (IllegalArgumentException e) {
                throw new StepException(i, e.getMessage());
            }
        }
        return steps.size() == 1 ? steps.get(0) : new ParserChain(steps, spec.toString());
    }

    /** A step of a chain is wrong; {@link #step()} is its index. */
    public static final class StepException extends IllegalArgumentException {
        private final int step;

        StepException(int step, String message) {
            super(message);
            this.step = step;
        }

        public int step() { return step; }
    }

    private static RecordParser step(ParserSpec.Step s) {
        boolean lifting = s.kind().equals(JSON) || s.kind().equals(LOGFMT);
        RecordParser p = switch (s.kind()) {
            case ParserSpec.REGEX -> new RegexParser(s.pattern(), s.types());
            case ParserSpec.NGINX_FORMAT -> new NginxFormatParser(s.pattern(), s.types());
            case JSON, LOGFMT -> s.types().isEmpty() ? forName(s.kind()) : LiftingParser.of(s.kind(), s.types());
            default -> {
                if (!s.types().isEmpty()) {
                    throw new IllegalArgumentException(s.kind() + " has fixed field types; types: applies to json, logfmt, regex and nginx_format");
                }
                yield forName(s.kind());
            }
        };
        if (s.timeKey() != null) {
            if (s.kind().equals(NONE)) {
                throw new IllegalArgumentException("none reads no time: time_key needs a parser");
            }
            return new TimeKeyParser(p, s.timeKey(), TimeFormat.of(s.timeFormat()), lifting);
        }
        if (s.timeFormat() != null) {
            throw new IllegalArgumentException("time_format needs a time_key");
        }
        return p;
    }

    /** {@code none}: no typed fields, no time, nothing lifted. */
    private record NoneParser() implements RecordParser {
        @Override
        public String name() { return NONE; }

        @Override
        public List<FieldDef> fields() { return List.of(); }

        @Override
        public boolean parse(CharSequence message, ParsedFields out) {
            out.clear();
            return false;
        }
    }
}
