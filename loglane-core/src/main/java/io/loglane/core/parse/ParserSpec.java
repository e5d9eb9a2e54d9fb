package io.loglane.core.parse;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A lane's (or an input's) {@code parser:} as configured: a chain of steps tried in order, the
 * first whose parser matches a message deciding its typed fields ({@link ParserChain}). Built into
 * a {@link RecordParser} by {@link Parsers#build}.
 *
 * <p>Configuration forms: a name ({@code parser: json}); a list ({@code parser: [json, logfmt]});
 * a mapping with one parser key, for parsers that take an argument ({@code {regex: '…'}},
 * {@code {nginx_format: '…'}}) or for a named parser with options ({@code {name: logfmt}}), plus
 * the options every step may take: {@code types} (field → {@code string|int|double}),
 * {@code time_key} and {@code time_format} (see {@link TimeFormat}).
 *
 * @param steps at least one
 */
public record ParserSpec(List<Step> steps) {
    /** Parser kinds that take their argument as the mapping key's value. */
    public static final String REGEX = "regex";
    public static final String NGINX_FORMAT = "nginx_format";

    /**
     * One parser of a chain.
     *
     * @param kind       a name of {@link Parsers#names()}, or {@link #REGEX} / {@link #NGINX_FORMAT}
     * @param pattern    the argument of {@code regex} and {@code nginx_format}; null for the others
     * @param types      declared types of fields (a regex's groups, logfmt or JSON fields), in order
     * @param timeKey    the field holding the event time, or null for the parser's own time
     * @param timeFormat how {@code timeKey}'s value is written ({@link TimeFormat}), or null
     */
    public record Step(String kind, String pattern, Map<String, FieldType> types, String timeKey, String timeFormat) {
        public Step {
            types = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(types));
        }

        /** A named parser without options. */
        public static Step named(String kind) {
            return new Step(kind, null, Map.of(), null, null);
        }

        @Override
        public String toString() {
            if (pattern == null && types.isEmpty() && timeKey == null) {
                return kind;
            }
            StringBuilder sb = new StringBuilder("{").append(kind);
            if (pattern != null) {
                sb.append(": '").append(pattern).append('\'');
            }
            if (!types.isEmpty()) {
                sb.append(", types: ").append(types.entrySet().stream()
                        .map(e -> e.getKey() + ": " + typeName(e.getValue())).collect(Collectors.joining(", ", "{", "}")));
            }
            if (timeKey != null) {
                sb.append(", time_key: ").append(timeKey);
            }
            if (timeFormat != null) {
                sb.append(", time_format: '").append(timeFormat).append('\'');
            }
            return sb.append('}').toString();
        }
    }

    public ParserSpec {
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("a parser chain needs at least one parser");
        }
        steps = List.copyOf(steps);
    }

    /** The one named parser {@code name}. */
    public static ParserSpec named(String name) {
        return new ParserSpec(List.of(Step.named(name)));
    }

    /** True for {@code none}: records are stored as they came. */
    public boolean isNone() {
        return steps.size() == 1 && steps.get(0).kind().equals(Parsers.NONE);
    }

    /** The configuration text of a single named parser ({@code nginx_combined}); null for anything else. */
    public String name() {
        Step s = steps.get(0);
        return steps.size() == 1 && s.toString().equals(s.kind()) ? s.kind() : null;
    }

    @Override
    public String toString() {
        return steps.size() == 1 ? steps.get(0).toString()
                : steps.stream().map(Step::toString).collect(Collectors.joining(", ", "[", "]"));
    }

    /**
     * The type named {@code name} in a {@code types:} map: {@code string}, {@code int}/{@code long}/
     * {@code integer}, {@code double}/{@code float}.
     *
     * @throws IllegalArgumentException for another name
     */
    public static FieldType typeNamed(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "string", "keyword" -> FieldType.STRING;
            case "int", "integer", "long" -> FieldType.LONG;
            case "double", "float" -> FieldType.DOUBLE;
            default -> throw new IllegalArgumentException("unknown type \"" + name + "\" (use string, int or double)");
        };
    }

    static String typeName(FieldType t) {
        return switch (t) {
            case STRING -> "string";
            case LONG -> "int";
            case DOUBLE -> "double";
        };
    }
}
