package io.loglane.core.parse;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * {@code nginx_combined}: nginx/Apache {@code combined} and {@code common} access lines into typed
 * fields, with an optional trailing request time. A {@code -} stands for a missing value and
 * becomes null. The request line is split into method, path and protocol when it has that shape
 * ({@code "-"} or a garbled request leaves them null, as nginx logs for a bad request).
 *
 * <p>Scanning is done by {@link AccessLineScanner} over UTF-8 bytes (no regular expression);
 * {@link #parse(byte[], int, int, ParsedFields)} avoids decoding the whole line when the caller
 * already holds bytes.
 *
 * <p>Thread-safety: stateless, thread-safe.
 */
public final class NginxCombinedParser implements RecordParser {
    public static final String NAME = "nginx_combined";

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

    @Override
    public String name() { return NAME; }

    @Override
    public List<FieldDef> fields() { return FIELDS; }

    @Override
    public boolean parse(CharSequence message, ParsedFields out) {
        byte[] b = message.toString().getBytes(StandardCharsets.UTF_8);
        return parse(b, 0, b.length, out);
    }

    @Override
    public boolean parse(byte[] b, int off, int len, ParsedFields out) {
        out.clear();
        AccessLineScanner sc = new AccessLineScanner(); // small; field values allocate far more
        if (!sc.scan(b, off, len)) {
            return false;
        }
        out.set(REMOTE_ADDR, text(b, sc, AccessLineScanner.REMOTE_ADDR));
        out.set(REMOTE_USER, text(b, sc, AccessLineScanner.REMOTE_USER));
        out.set(TIME_LOCAL, text(b, sc, AccessLineScanner.TIME_LOCAL));
        String request = text(b, sc, AccessLineScanner.REQUEST);
        if (request != null) {
            splitRequest(request, out);
        }
        out.set(STATUS, (long) digits(b, sc.start(AccessLineScanner.STATUS), sc.end(AccessLineScanner.STATUS)));
        int bs = sc.start(AccessLineScanner.BYTES);
        int be = sc.end(AccessLineScanner.BYTES);
        out.set(BYTES, b[bs] == '-' ? null : (Object) digits(b, bs, be));
        out.set(REFERER, text(b, sc, AccessLineScanner.REFERER));
        out.set(USER_AGENT, text(b, sc, AccessLineScanner.USER_AGENT));
        int ts = sc.start(AccessLineScanner.REQUEST_TIME);
        if (ts >= 0) {
            out.set(REQUEST_TIME, Double.parseDouble(new String(b, ts, sc.end(AccessLineScanner.REQUEST_TIME) - ts, StandardCharsets.ISO_8859_1)));
        }
        return true;
    }

    /** Cheap shape test for routing: true when the bytes are an access line this parser accepts. */
    public static boolean looksLikeAccessLine(AccessLineScanner scanner, byte[] b, int off, int len) {
        return scanner.scan(b, off, len);
    }

    private static void splitRequest(String request, ParsedFields out) {
        int sp1 = request.indexOf(' ');
        if (sp1 <= 0) {
            return;
        }
        int sp2 = request.lastIndexOf(' ');
        String method = request.substring(0, sp1);
        for (int i = 0; i < method.length(); i++) {
            char c = method.charAt(i);
            if (c < 'A' || c > 'Z') {
                return; // not a method: a garbled request (TLS bytes on a plain port, scanners)
            }
        }
        out.set(METHOD, method);
        if (sp2 > sp1 && request.startsWith("HTTP/", sp2 + 1)) {
            out.set(PATH, request.substring(sp1 + 1, sp2));
            out.set(PROTOCOL, request.substring(sp2 + 1));
        } else {
            out.set(PATH, request.substring(sp1 + 1)); // HTTP/0.9 style "GET /"
        }
    }

    private static long digits(byte[] b, int s, int e) {
        long v = 0;
        for (int i = s; i < e && i - s < 18; i++) {
            v = v * 10 + (b[i] - '0');
        }
        return v;
    }

    /** The field's text, null for {@code -} or absent; decodes escapes when the scanner saw any. */
    private static String text(byte[] b, AccessLineScanner sc, int f) {
        int s = sc.start(f);
        int e = sc.end(f);
        if (s < 0 || (e - s == 1 && b[s] == '-')) {
            return null;
        }
        String raw = new String(b, s, e - s, StandardCharsets.UTF_8);
        return sc.escaped(f) ? unescape(raw) : raw;
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
