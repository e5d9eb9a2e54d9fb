package io.loglane.core.parse;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * {@code nginx_combined}: nginx/Apache {@code combined} and {@code common} access lines into typed
 * fields, with an optional trailing request time. A {@code -} stands for a missing value and
 * becomes null. The request line is split into method, path and protocol when it has that shape
 * ({@code "-"} or a garbled request leaves them null, as nginx logs for a bad request). The line's
 * {@code [time_local]} is the event time ({@link #eventTime}).
 *
 * <p>Scanning is done by {@link AccessLineScanner} over UTF-8 bytes (no regular expression);
 * {@link #parse(byte[], int, int, ParsedFields)} avoids decoding the whole line when the caller
 * already holds bytes.
 *
 * <p>Thread-safety: thread-safe (the scanner is per thread).
 */
public final class NginxCombinedParser extends BytesParser {
    public static final String NAME = "nginx_combined";
    /** The same line shape under Apache's name ({@code LogFormat "%h %l %u %t \"%r\" %>s %b …" combined}). */
    public static final String APACHE_NAME = "apache_combined";

    public static final int REMOTE_ADDR = 0;
    public static final int REMOTE_USER = 1;
    public static final int TIME_LOCAL = 2;
    public static final int METHOD = 3;
    public static final int PATH = 4;
    public static final int PROTOCOL = 5;
    public static final int STATUS = 6;
    public static final int BYTES = 7;
    public static final int REFERER = 8;
    public static final int USER_AGENT = 9;
    public static final int REQUEST_TIME = 10;

    private static final List<FieldDef> FIELDS = List.of(
            new FieldDef("remote_addr", FieldType.STRING),
            new FieldDef("remote_user", FieldType.STRING),
            new FieldDef("time_local", FieldType.STRING),
            new FieldDef("method", FieldType.STRING),
            new FieldDef("path", FieldType.STRING),
            new FieldDef("protocol", FieldType.STRING),
            new FieldDef("status", FieldType.LONG),
            new FieldDef("bytes", FieldType.LONG),
            new FieldDef("referer", FieldType.STRING),
            new FieldDef("user_agent", FieldType.STRING),
            new FieldDef("request_time", FieldType.DOUBLE));

    private static final ThreadLocal<AccessLineScanner> SCANNERS = ThreadLocal.withInitial(AccessLineScanner::new);

    private final String name;

    public NginxCombinedParser() {
        this(NAME);
    }

    /** @param name the configuration name: {@link #NAME} or {@link #APACHE_NAME} (one scanner reads both) */
    public NginxCombinedParser(String name) {
        this.name = name;
    }

    @Override
    public String name() { return name; }

    @Override
    public List<FieldDef> fields() { return FIELDS; }

    @Override
    public boolean parse(byte[] b, int off, int len, ParsedFields out) {
        out.clear();
        AccessLineScanner sc = SCANNERS.get(); // per thread: values are slices now, so a new one was most of the garbage
        if (!sc.scan(b, off, len)) {
            return false;
        }
        // Values are slices of b and primitives: the archive writes them without a String per field.
        text(b, sc, AccessLineScanner.REMOTE_ADDR, out, REMOTE_ADDR);
        text(b, sc, AccessLineScanner.REMOTE_USER, out, REMOTE_USER);
        text(b, sc, AccessLineScanner.TIME_LOCAL, out, TIME_LOCAL);
        int rs = sc.start(AccessLineScanner.REQUEST);
        int re = sc.end(AccessLineScanner.REQUEST);
        if (rs >= 0 && !(re - rs == 1 && b[rs] == '-')) {
            if (sc.escaped(AccessLineScanner.REQUEST)) {
                byte[] u = unescape(new String(b, rs, re - rs, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
                splitRequest(u, 0, u.length, out, METHOD, PATH, PROTOCOL); // slices of the unescaped copy
            } else {
                splitRequest(b, rs, re, out, METHOD, PATH, PROTOCOL);
            }
        }
        out.setLong(STATUS, digits(b, sc.start(AccessLineScanner.STATUS), sc.end(AccessLineScanner.STATUS)));
        int bs = sc.start(AccessLineScanner.BYTES);
        int be = sc.end(AccessLineScanner.BYTES);
        if (b[bs] != '-') {
            out.setLong(BYTES, digits(b, bs, be));
        }
        text(b, sc, AccessLineScanner.REFERER, out, REFERER);
        text(b, sc, AccessLineScanner.USER_AGENT, out, USER_AGENT);
        int ts = sc.start(AccessLineScanner.REQUEST_TIME);
        if (ts >= 0) {
            out.setDouble(REQUEST_TIME, decimal(b, ts, sc.end(AccessLineScanner.REQUEST_TIME)));
        }
        return true;
    }

    /**
     * The line's {@code [time_local]} ({@code 25/Nov/2026:06:00:00 +0000}): the line's first
     * bracketed field, when it follows a space and holds a common log time, whether or not the rest
     * of the line parses. Whole seconds, as the format has no fraction.
     *
     * <p>Why not {@link AccessLineScanner}: the router reads this for every record of an access
     * lane, and finding the first {@code [} (the address, ident and user before it hold none) is a
     * third of the cost of scanning the three tokens; {@link CommonLogTimes} then mostly compares the
     * date with the previous line's.
     */
    @Override
    public long eventTime(MessageView message) {
        byte[] b = message.array();
        int s = message.offset();
        int end = s + Math.min(message.length(), MAX_TIME_PREFIX);
        for (int i = s; i < end; i++) {
            if (b[i] == '[') {
                int ts = i + 1;
                int te = ts + TIME_LOCAL_LENGTH;
                return i > s && b[i - 1] == ' ' && te < s + message.length() && b[te] == ']'
                        ? message.commonLogTimes().parse(b, ts, te) : -1;
            }
        }
        return -1; // also for no message (offset -1: the loop does not run)
    }

    /** The time must start within this many bytes: it follows three short tokens (address, ident, user). */
    private static final int MAX_TIME_PREFIX = 1024;
    private static final int TIME_LOCAL_LENGTH = 26;

    /**
     * {@code digits[.digits]} as a double without a String: with at most 15 digits both the digit
     * value and the power of ten are exact doubles, so their IEEE quotient is the correctly
     * rounded value {@link Double#parseDouble} returns. Anything else goes to parseDouble.
     */
    static double decimal(byte[] b, int s, int e) {
        long v = 0;
        int digits = 0;
        int fraction = -1;
        for (int i = s; i < e; i++) {
            byte c = b[i];
            if (c >= '0' && c <= '9') {
                v = v * 10 + (c - '0');
                digits++;
                if (fraction >= 0) {
                    fraction++;
                }
            } else if (c == '.' && fraction < 0) {
                fraction = 0;
            } else {
                digits = 99; // not the simple shape
                break;
            }
        }
        if (digits == 0 || digits > 15) {
            return Double.parseDouble(new String(b, s, e - s, StandardCharsets.ISO_8859_1));
        }
        return fraction <= 0 ? (double) v : v / POW10[fraction];
    }

    private static final double[] POW10 = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};

    /**
     * Splits the request {@code b[s, e)} ({@code METHOD path PROTOCOL}) into slices; a request not
     * starting with an upper-case method is left unsplit. Path and protocol split at the last space
     * when HTTP/ follows it, else the rest is the path (HTTP/0.9 style "GET /").
     */
    static void splitRequest(byte[] b, int s, int e, ParsedFields out, int method, int path, int protocol) {
        int sp1 = -1;
        for (int i = s; i < e; i++) {
            if (b[i] == ' ') {
                sp1 = i;
                break;
            }
        }
        if (sp1 <= s) {
            return;
        }
        for (int i = s; i < sp1; i++) {
            if (b[i] < 'A' || b[i] > 'Z') {
                return; // not a method: a garbled request (TLS bytes on a plain port, scanners)
            }
        }
        int sp2 = sp1;
        for (int i = e - 1; i > sp1; i--) {
            if (b[i] == ' ') {
                sp2 = i;
                break;
            }
        }
        out.setUtf8(method, b, s, sp1 - s);
        if (sp2 > sp1 && startsWith(b, sp2 + 1, e, HTTP_SLASH)) {
            out.setUtf8(path, b, sp1 + 1, sp2 - sp1 - 1);
            out.setUtf8(protocol, b, sp2 + 1, e - sp2 - 1);
        } else {
            out.setUtf8(path, b, sp1 + 1, e - sp1 - 1); // HTTP/0.9 style "GET /"
        }
    }

    private static final byte[] HTTP_SLASH = "HTTP/".getBytes(StandardCharsets.US_ASCII);

    private static boolean startsWith(byte[] b, int from, int to, byte[] lit) {
        if (to - from < lit.length) {
            return false;
        }
        for (int k = 0; k < lit.length; k++) {
            if (b[from + k] != lit[k]) {
                return false;
            }
        }
        return true;
    }

    /** Cheap shape test for routing: true when the bytes are an access line this parser accepts. */
    public static boolean looksLikeAccessLine(AccessLineScanner scanner, byte[] b, int off, int len) {
        return scanner.scan(b, off, len);
    }

    private static long digits(byte[] b, int s, int e) {
        long v = 0;
        for (int i = s; i < e && i - s < 18; i++) {
            v = v * 10 + (b[i] - '0');
        }
        return v;
    }

    /** Sets the field's text (a slice, or a decoded String when the scanner saw escapes); leaves null for {@code -} or absent. */
    private static void text(byte[] b, AccessLineScanner sc, int f, ParsedFields out, int index) {
        int s = sc.start(f);
        int e = sc.end(f);
        if (s < 0 || (e - s == 1 && b[s] == '-')) {
            return;
        }
        if (sc.escaped(f)) {
            out.set(index, unescape(new String(b, s, e - s, StandardCharsets.UTF_8)));
        } else {
            out.setUtf8(index, b, s, e - s);
        }
    }

    /** Decodes {@code \"}, {@code \\} and ASCII {@code \xHH}; anything else is kept as written. */
    static String unescape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(i + 1);
                if (n == '"' || n == '\\') {
                    sb.append(n);
                    i++;
                    continue;
                }
                if (n == 'x' && i + 3 < s.length()) {
                    int hi = Character.digit(s.charAt(i + 2), 16);
                    int lo = Character.digit(s.charAt(i + 3), 16);
                    if (hi >= 0 && lo >= 0 && hi < 8) {
                        sb.append((char) (hi * 16 + lo));
                        i += 3;
                        continue;
                    }
                }
            }
            sb.append(c);
        }
        return sb.toString();
    }
}
