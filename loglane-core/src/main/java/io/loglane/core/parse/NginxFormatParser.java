package io.loglane.core.parse;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code {nginx_format: '$remote_addr - $remote_user [$time_local] "$request" $status …'}}: the
 * lines an nginx {@code log_format} writes, read into typed fields. The format is split into literal
 * text and variables; a line matches when its literal text is exactly where the format puts it, each
 * variable's value running up to the first character of the literal that follows it (a space, a
 * quote, a bracket; nginx escapes a {@code "} inside a value as {@code \x22}), the last one to the
 * end of the line when nothing follows it. Two variables must be separated by literal text. A
 * hand scanner over the bytes: linear, and no copy or matcher per line.
 *
 * <p>Fields are named after the variables, except that they land in the same columns as
 * {@code nginx_combined}: {@code $request} is split into {@code method}, {@code path} and
 * {@code protocol}; {@code $http_referer} is {@code referer}, {@code $http_user_agent}
 * {@code user_agent}, {@code $body_bytes_sent} {@code bytes}. Counters ({@code $status},
 * {@code $bytes_sent}, {@code $request_length}, …) are integers and times ({@code $request_time},
 * {@code $upstream_response_time}, …) doubles unless {@code types} says otherwise. A {@code -} is
 * null, as nginx writes it for an empty value. The event time is {@code $time_local},
 * {@code $time_iso8601} or {@code $msec}, whichever the format has first.
 *
 * <p>Thread-safety: immutable, thread-safe (the event-time scratch is per thread).
 */
public final class NginxFormatParser extends BytesParser {
    private static final Map<String, String> RENAMED = Map.of(
            "http_referer", "referer", "http_user_agent", "user_agent", "body_bytes_sent", "bytes");
    private static final List<String> LONGS = List.of("status", "body_bytes_sent", "bytes_sent", "request_length",
            "connection", "connection_requests", "remote_port", "server_port", "upstream_status");
    private static final List<String> DOUBLES = List.of("request_time", "upstream_response_time",
            "upstream_connect_time", "upstream_header_time", "msec");
    private static final List<String> TIMES = List.of("time_local", "time_iso8601", "msec");

    /** literals[g] precedes variable g; literals[vars] ends the line (each possibly empty). */
    private final byte[][] literals;
    private final List<FieldDef> fields;
    /** Per capture group: its field index, or -1 for {@code $request} (split into method, path and protocol). */
    private final int[] fieldOf;
    private final FieldType[] types;
    /** Field indexes $request is split into (method, path, protocol); -1 without $request. */
    private final int methodAt;
    private final int pathAt;
    private final int protocolAt;
    private final int timeField;
    private final ThreadLocal<ParsedFields> scratch;

    /** @throws IllegalArgumentException when the format has no variable or {@code types} names none of them */
    public NginxFormatParser(String format, Map<String, FieldType> declared) {
        List<String> vars = new ArrayList<>();
        List<byte[]> lits = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < format.length()) {
            char c = format.charAt(i);
            int nameStart = -1;
            int nameEnd = -1;
            int next = i + 1;
            if (c == '$' && i + 1 < format.length() && format.charAt(i + 1) == '{') {
                int close = format.indexOf('}', i + 2);
                if (close < 0) {
                    throw new IllegalArgumentException("unclosed ${ at position " + i);
                }
                nameStart = i + 2;
                nameEnd = close;
                next = close + 1;
            } else if (c == '$') {
                int e = i + 1;
                while (e < format.length() && (Character.isLetterOrDigit(format.charAt(e)) || format.charAt(e) == '_')) {
                    e++;
                }
                if (e > i + 1) {
                    nameStart = i + 1;
                    nameEnd = e;
                    next = e;
                }
            }
            if (nameStart < 0) {
                literal.append(c);
                i = next;
                continue;
            }
            if (!vars.isEmpty() && literal.isEmpty()) {
                throw new IllegalArgumentException("$" + vars.getLast() + " and $" + format.substring(nameStart, nameEnd)
                        + " have no text between them: where one ends cannot be told");
            }
            lits.add(literal.toString().getBytes(StandardCharsets.UTF_8));
            literal.setLength(0);
            vars.add(format.substring(nameStart, nameEnd));
            i = next;
        }
        lits.add(literal.toString().getBytes(StandardCharsets.UTF_8));
        if (vars.isEmpty()) {
            throw new IllegalArgumentException("an nginx_format has at least one $variable");
        }
        literals = lits.toArray(byte[][]::new);
        Map<String, FieldType> defs = new LinkedHashMap<>();
        fieldOf = new int[vars.size()];
        for (int g = 0; g < vars.size(); g++) {
            String v = vars.get(g);
            if (v.equals("request")) {
                defs.putIfAbsent("method", FieldType.STRING);
                defs.putIfAbsent("path", FieldType.STRING);
                defs.putIfAbsent("protocol", FieldType.STRING);
                fieldOf[g] = -1;
                continue;
            }
            String name = RENAMED.getOrDefault(v, v);
            FieldType t = declared.getOrDefault(name, declared.getOrDefault(v,
                    LONGS.contains(v) ? FieldType.LONG : DOUBLES.contains(v) ? FieldType.DOUBLE : FieldType.STRING));
            defs.putIfAbsent(name, t);
            fieldOf[g] = new ArrayList<>(defs.keySet()).indexOf(name);
        }
        for (String t : declared.keySet()) {
            if (!defs.containsKey(t) && !vars.contains(t)) {
                throw new IllegalArgumentException("types names \"" + t + "\", which is not a field of the format (fields: "
                        + String.join(", ", defs.keySet()) + ")");
            }
        }
        // looked up once all fields are known: a second $request, or a $path before it, leaves them apart
        // (not at request, request + 1, request + 2: a fuzzing finding, ParsersFuzzTest)
        List<String> names = new ArrayList<>(defs.keySet());
        boolean request = vars.contains("request");
        methodAt = request ? names.indexOf("method") : -1;
        pathAt = request ? names.indexOf("path") : -1;
        protocolAt = request ? names.indexOf("protocol") : -1;
        List<FieldDef> list = new ArrayList<>();
        defs.forEach((n, t) -> list.add(new FieldDef(n, t)));
        fields = List.copyOf(list);
        types = list.stream().map(FieldDef::type).toArray(FieldType[]::new);
        int tf = -1;
        for (String v : vars) {
            if (tf < 0 && TIMES.contains(v)) {
                tf = list.indexOf(new FieldDef(v, defs.get(v)));
            }
        }
        timeField = tf;
        scratch = ThreadLocal.withInitial(() -> new ParsedFields(list.size()));
    }

    @Override
    public String name() { return ParserSpec.NGINX_FORMAT; }

    @Override
    public List<FieldDef> fields() { return fields; }

    @Override
    public boolean parse(byte[] b, int off, int len, ParsedFields out) {
        out.clear();
        if (len > RegexParser.MAX_LENGTH) {
            return false;
        }
        int end = trimEnd(b, off, off + len);
        int p = off;
        int vars = fieldOf.length;
        if (!literalAt(b, p, end, literals[0])) {
            return false;
        }
        p += literals[0].length;
        for (int g = 0; g < vars; g++) {
            byte[] after = literals[g + 1];
            int s = p;
            int e;
            if (after.length == 0) {
                e = end; // the last variable runs to the end of the line
            } else {
                e = s;
                while (e < end && b[e] != after[0]) {
                    e++;
                }
                if (!literalAt(b, e, end, after) || (g == vars - 1 && e + after.length != end)) {
                    out.clear();
                    return false;
                }
            }
            p = e + after.length;
            if (e - s == 1 && b[s] == '-') {
                continue;
            }
            if (fieldOf[g] < 0) {
                NginxCombinedParser.splitRequest(b, s, e, out, methodAt, pathAt, protocolAt);
            } else {
                TypedValues.set(out, fieldOf[g], types[fieldOf[g]], b, s, e);
            }
        }
        return true;
    }

    private static boolean literalAt(byte[] b, int p, int end, byte[] lit) {
        return end - p >= lit.length && java.util.Arrays.equals(b, p, p + lit.length, lit, 0, lit.length);
    }

    /** {@code $time_local} (common log time), {@code $time_iso8601} or {@code $msec}, when the line matches the format. */
    @Override
    public long eventTime(MessageView message) {
        if (timeField < 0 || !message.present()) {
            return -1;
        }
        ParsedFields p = scratch.get();
        if (!parse(message.array(), message.offset(), message.length(), p)) {
            return -1;
        }
        return switch (p.form(timeField)) {
            case UTF8 -> TimeFormat.of(null).parse(p.utf8Source(timeField), p.utf8Offset(timeField), p.utf8Length(timeField));
            case DOUBLE -> EventTimeParser.fromNumber(p.doubleAt(timeField));
            default -> -1;
        };
    }
}
