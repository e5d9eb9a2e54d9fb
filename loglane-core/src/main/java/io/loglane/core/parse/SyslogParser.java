package io.loglane.core.parse;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.List;

/**
 * Syslog lines into typed fields: {@code syslog_rfc5424}
 * ({@code <165>1 2026-12-05T04:15:49.123Z host app 1234 ID47 [ex@32473 k="v"] message}),
 * {@code syslog_rfc3164} ({@code <34>Dec  5 04:15:49 host app[1234]: message}, the {@code <PRI>}
 * optional as in {@code /var/log/syslog}, the host optional as a local socket writes it, an
 * ISO-8601 time accepted in place of the BSD one as rsyslog's high-precision format writes it), and
 * {@code syslog}, which reads either.
 *
 * <p>Fields: {@code priority} (int), {@code facility} and {@code severity} (their RFC 5424 keyword
 * names: {@code local0}, {@code err}, …), {@code hostname}, {@code app_name}, {@code procid},
 * {@code msgid}, {@code structured_data} (as written) and {@code msg} (the text after the header;
 * the whole line stays the record's message). A {@code -} (RFC 5424's nil) is null. The event time is
 * the header's; a BSD time has no year and gets the current one ({@link TimeFormat}).
 *
 * <p>Thread-safety: stateless, thread-safe.
 */
public final class SyslogParser extends BytesParser {
    public static final String ANY = "syslog";
    public static final String RFC3164 = "syslog_rfc3164";
    public static final String RFC5424 = "syslog_rfc5424";

    static final int PRIORITY = 0;
    static final int FACILITY = 1;
    static final int SEVERITY = 2;
    static final int HOSTNAME = 3;
    static final int APP_NAME = 4;
    static final int PROCID = 5;
    static final int MSGID = 6;
    static final int STRUCTURED_DATA = 7;
    static final int MSG = 8;

    private static final List<FieldDef> FIELDS = List.of(
            new FieldDef("priority", FieldType.LONG), new FieldDef("facility", FieldType.STRING),
            new FieldDef("severity", FieldType.STRING), new FieldDef("hostname", FieldType.STRING),
            new FieldDef("app_name", FieldType.STRING), new FieldDef("procid", FieldType.STRING),
            new FieldDef("msgid", FieldType.STRING), new FieldDef("structured_data", FieldType.STRING),
            new FieldDef("msg", FieldType.STRING));
    private static final String[] SEVERITIES = {"emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"};
    private static final String[] FACILITIES = {"kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp",
            "cron", "authpriv", "ftp", "ntp", "security", "console", "solaris-cron",
            "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7"};
    private static final int[] HEADER_FIELDS = {HOSTNAME, APP_NAME, PROCID, MSGID};
    private static final String MONTHS = "janfebmaraprmayjunjulaugsepoctnovdec";
    /** A BSD tag is at most this long (RFC 3164 says 32; real ones run longer). */
    private static final int MAX_TAG = 64;

    private final String name;

    /** @param name {@link #ANY}, {@link #RFC3164} or {@link #RFC5424} */
    public SyslogParser(String name) {
        if (!name.equals(ANY) && !name.equals(RFC3164) && !name.equals(RFC5424)) {
            throw new IllegalArgumentException("not a syslog parser: " + name);
        }
        this.name = name;
    }

    @Override
    public String name() { return name; }

    @Override
    public List<FieldDef> fields() { return FIELDS; }

    @Override
    public boolean parse(byte[] b, int off, int len, ParsedFields out) {
        out.clear();
        int e = trimEnd(b, off, off + len);
        int pri = priority(b, off, e);
        int p = pri < 0 ? off : afterPriority(b, off);
        boolean ok;
        if (is5424(b, p, e, pri)) {
            ok = !name.equals(RFC3164) && rfc5424(b, p + 2, e, out);
        } else {
            ok = !name.equals(RFC5424) && rfc3164(b, p, e, out);
        }
        if (!ok) {
            out.clear();
            return false;
        }
        if (pri >= 0) {
            out.setLong(PRIORITY, pri);
            out.set(FACILITY, FACILITIES[pri >> 3]);
            out.set(SEVERITY, SEVERITIES[pri & 7]);
        }
        return true;
    }

    /** The header's time; -1 when the line is not syslog of this parser's kind or has none. */
    @Override
    public long eventTime(MessageView message) {
        if (!message.present()) {
            return -1;
        }
        byte[] b = message.array();
        int off = message.offset();
        int e = trimEnd(b, off, off + message.length());
        int pri = priority(b, off, e);
        int p = pri < 0 ? off : afterPriority(b, off);
        if (is5424(b, p, e, pri)) {
            if (name.equals(RFC3164)) {
                return -1;
            }
            int te = tokenEnd(b, p + 2, e);
            return te - (p + 2) < 10 ? -1 : EventTimeParser.fromString(new String(b, p + 2, te - p - 2, StandardCharsets.US_ASCII));
        }
        if (name.equals(RFC5424)) {
            return -1;
        }
        int te = bsdTimeEnd(b, p, e);
        if (te < 0) {
            return -1;
        }
        if (te - p != 15) {
            return EventTimeParser.fromString(new String(b, p, te - p, StandardCharsets.US_ASCII));
        }
        int day = (b[p + 4] == ' ' ? 0 : (b[p + 4] - '0') * 10) + (b[p + 5] - '0');
        try {
            LocalTime time = LocalTime.of(digit2(b, p + 7), digit2(b, p + 10), digit2(b, p + 13));
            Instant now = Instant.now();
            long s = TimeFormat.withInferredYear(month(b, p) + 1, day, time, ZoneOffset.UTC, now)
                    .atTime(time).toEpochSecond(ZoneOffset.UTC);
            return s < 0 ? -1 : s * EventTimeParser.NANOS;
        } catch (java.time.DateTimeException e2) {
            return -1;
        }
    }

    private static boolean is5424(byte[] b, int p, int e, int pri) {
        return pri >= 0 && p + 2 < e && b[p] == '1' && b[p + 1] == ' ';
    }

    /** RFC 5424 after {@code VERSION SP}: TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA [MSG]. */
    private static boolean rfc5424(byte[] b, int p, int e, ParsedFields out) {
        int te = tokenEnd(b, p, e);
        if (te == p || !(te - p == 1 && b[p] == '-' || b[p] >= '0' && b[p] <= '9')) {
            return false;
        }
        p = te;
        for (int f : HEADER_FIELDS) {
            if (p >= e || b[p] != ' ') {
                return false;
            }
            int s = p + 1;
            p = tokenEnd(b, s, e);
            if (p == s) {
                return false;
            }
            nilOrText(b, s, p, out, f);
        }
        if (p >= e || b[p] != ' ') {
            return false;
        }
        int sd = ++p;
        if (p < e && b[p] == '-') {
            p++;
        } else {
            while (p < e && b[p] == '[') {
                p = elementEnd(b, p + 1, e);
                if (p < 0) {
                    return false;
                }
            }
            if (p == sd) {
                return false;
            }
            out.setUtf8(STRUCTURED_DATA, b, sd, p - sd);
        }
        if (p < e) {
            if (b[p] != ' ') {
                return false;
            }
            p++;
            if (p + 3 <= e && b[p] == (byte) 0xEF && b[p + 1] == (byte) 0xBB && b[p + 2] == (byte) 0xBF) {
                p += 3; // the BOM RFC 5424 puts before a UTF-8 MSG
            }
            if (p < e) {
                out.setUtf8(MSG, b, p, e - p);
            }
        }
        return true;
    }

    /** After an SD-ELEMENT's {@code [}: the position after its {@code ]}, quotes and their escapes honoured; -1 if unclosed. */
    private static int elementEnd(byte[] b, int p, int e) {
        boolean quoted = false;
        for (; p < e; p++) {
            byte c = b[p];
            if (quoted && c == '\\') {
                p++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == ']' && !quoted) {
                return p + 1;
            }
        }
        return -1;
    }

    /** RFC 3164 from the time on: TIMESTAMP [HOSTNAME] TAG[PID]: MSG. */
    private static boolean rfc3164(byte[] b, int p, int e, ParsedFields out) {
        int te = bsdTimeEnd(b, p, e);
        if (te < 0 || te >= e || b[te] != ' ') {
            return false;
        }
        p = te + 1;
        int he = tokenEnd(b, p, e);
        if (he == p) {
            return false;
        }
        if (!isTag(b, p, he)) {
            out.setUtf8(HOSTNAME, b, p, he - p);
            p = he < e ? he + 1 : he;
        }
        int tagEnd = tag(b, p, e, out);
        int m = tagEnd >= 0 ? tagEnd : p;
        if (m < e) {
            out.setUtf8(MSG, b, m, e - m);
        }
        return true;
    }

    /** True when the token {@code b[s, e)} is a tag rather than a host: it ends with {@code :} or holds a {@code [pid]}. */
    private static boolean isTag(byte[] b, int s, int e) {
        return b[e - 1] == ':' || (b[e - 1] == ']' && indexOf(b, s, e, (byte) '[') > s);
    }

    /** Reads {@code TAG[PID]: } at {@code p}; the position of the message after it, or -1 when there is no tag. */
    private static int tag(byte[] b, int p, int e, ParsedFields out) {
        int s = p;
        int max = Math.min(e, p + MAX_TAG);
        while (p < max && b[p] != '[' && b[p] != ':' && b[p] != ' ') {
            p++;
        }
        if (p == s || p >= e) {
            return -1;
        }
        int tagEnd = p;
        int pidStart = -1;
        int pidEnd = -1;
        if (b[p] == '[') {
            pidStart = p + 1;
            int close = indexOf(b, pidStart, Math.min(e, pidStart + 32), (byte) ']');
            if (close < 0) {
                return -1;
            }
            pidEnd = close;
            p = close + 1;
        }
        if (p >= e || b[p] != ':') {
            return -1;
        }
        out.setUtf8(APP_NAME, b, s, tagEnd - s);
        if (pidStart >= 0) {
            out.setUtf8(PROCID, b, pidStart, pidEnd - pidStart);
        }
        p++;
        return p < e && b[p] == ' ' ? p + 1 : p;
    }

    /** End of a BSD time {@code Mmm dd hh:mm:ss} (day space-padded) or of an ISO-8601 token at {@code p}; -1 for neither. */
    private static int bsdTimeEnd(byte[] b, int p, int e) {
        if (p + 15 <= e && month(b, p) >= 0 && b[p + 3] == ' ' && (b[p + 4] == ' ' || isDigit(b[p + 4])) && isDigit(b[p + 5])
                && b[p + 6] == ' ' && isDigit(b[p + 7]) && isDigit(b[p + 8]) && b[p + 9] == ':' && isDigit(b[p + 10])
                && isDigit(b[p + 11]) && b[p + 12] == ':' && isDigit(b[p + 13]) && isDigit(b[p + 14])) {
            return p + 15;
        }
        if (p + 19 <= e && isDigit(b[p]) && isDigit(b[p + 3]) && b[p + 4] == '-' && b[p + 10] == 'T') {
            return tokenEnd(b, p, e);
        }
        return -1;
    }

    private static int month(byte[] b, int p) {
        for (int m = 0; m < 12; m++) {
            if ((b[p] | 0x20) == MONTHS.charAt(m * 3) && (b[p + 1] | 0x20) == MONTHS.charAt(m * 3 + 1)
                    && (b[p + 2] | 0x20) == MONTHS.charAt(m * 3 + 2)) {
                return m;
            }
        }
        return -1;
    }

    /** {@code <PRI>} at {@code off}: 0-191, else -1. */
    private static int priority(byte[] b, int off, int e) {
        if (off >= e || b[off] != '<') {
            return -1;
        }
        int v = 0;
        int p = off + 1;
        while (p < e && p < off + 4 && isDigit(b[p])) {
            v = v * 10 + (b[p] - '0');
            p++;
        }
        return p > off + 1 && p < e && b[p] == '>' && v <= 191 ? v : -1;
    }

    private static int afterPriority(byte[] b, int off) {
        return indexOf(b, off, off + 5, (byte) '>') + 1;
    }

    private static void nilOrText(byte[] b, int s, int e, ParsedFields out, int f) {
        if (!(e - s == 1 && b[s] == '-')) {
            out.setUtf8(f, b, s, e - s);
        }
    }

    private static int tokenEnd(byte[] b, int p, int e) {
        while (p < e && b[p] != ' ') {
            p++;
        }
        return p;
    }

    private static int indexOf(byte[] b, int s, int e, byte c) {
        for (int i = s; i < e && i < b.length; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }

    private static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }

    private static int digit2(byte[] b, int p) {
        return (b[p] - '0') * 10 + (b[p + 1] - '0');
    }
}
