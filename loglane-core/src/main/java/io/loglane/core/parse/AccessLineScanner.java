package io.loglane.core.parse;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Hand-written scanner for NCSA access lines (nginx {@code combined}, Apache {@code combined} and
 * {@code common}), over UTF-8 bytes so the router can test a msgpack string in place:
 * <pre>
 *   remote_addr SP ident SP remote_user SP "[" time_local "]" SP '"' request '"' SP status SP bytes
 *       [ SP '"' referer '"' SP '"' user_agent '"' ] [ SP extra ... ]
 * </pre>
 * Quoted fields may contain {@code \"} and {@code \\} (Apache) or {@code \x22} (nginx) escapes.
 * It records field boundaries only; it never allocates. A scan that returns false leaves the
 * boundaries undefined. The first extra token after the user agent that is a decimal number
 * (optionally written {@code rt=0.123} or {@code request_time=0.123}) is recorded as
 * {@link #REQUEST_TIME}: nginx setups often append {@code $request_time}.
 *
 * <p>Thread-safety: not thread-safe; reuse one per thread.
 */
public final class AccessLineScanner {
    public static final int REMOTE_ADDR = 0;
    public static final int IDENT = 1;
    public static final int REMOTE_USER = 2;
    public static final int TIME_LOCAL = 3;
    public static final int REQUEST = 4;
    public static final int STATUS = 5;
    public static final int BYTES = 6;
    public static final int REFERER = 7;
    public static final int USER_AGENT = 8;
    public static final int REQUEST_TIME = 9;
    private static final int FIELDS = 10;
    /** A {@code [time_local]} longer than this is not a timestamp. */
    private static final int MAX_TIME_LENGTH = 64;
    private static final String[] TIME_PREFIXES = {"rt=", "request_time="};
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;
    private static final long QUOTES = 0x2222222222222222L;
    private static final long BACKSLASHES = 0x5C5C5C5C5C5C5C5CL;

    private final int[] start = new int[FIELDS];
    private final int[] end = new int[FIELDS];
    private final boolean[] escaped = new boolean[FIELDS];
    private byte[] buf;
    private int pos;
    private int limit;

    /** Scans {@code b[off, off+len)}; true when it is an access line (a trailing newline is ignored). */
    public boolean scan(byte[] b, int off, int len) {
        buf = b;
        pos = off;
        limit = off + len;
        while (limit > pos && (b[limit - 1] == '\n' || b[limit - 1] == '\r')) {
            limit--;
        }
        for (int i = 0; i < FIELDS; i++) {
            start[i] = -1;
            end[i] = -1;
            escaped[i] = false;
        }
        if (!token(REMOTE_ADDR) || !space() || !token(IDENT) || !space() || !token(REMOTE_USER) || !space()
                || !bracketed() || !space() || !quoted(REQUEST) || !space() || !status() || !space() || !bytesField()) {
            return false;
        }
        if (pos == limit) {
            return true; // common log format
        }
        if (!space()) {
            return false;
        }
        if (pos < limit && buf[pos] == '"') {
            if (!quoted(REFERER) || !space() || !quoted(USER_AGENT)) {
                return false;
            }
        }
        extras();
        return true;
    }

    /** Start of field {@code f} in the scanned array, or -1 when absent. */
    public int start(int f) { return start[f]; }

    /** End (exclusive) of field {@code f}, or -1 when absent. */
    public int end(int f) { return end[f]; }

    /** True when quoted field {@code f} contains backslash escapes that must be decoded. */
    public boolean escaped(int f) { return escaped[f]; }

    private boolean space() {
        if (pos < limit && buf[pos] == ' ') {
            pos++;
            return true;
        }
        return false;
    }

    private boolean token(int f) {
        int s = pos;
        while (pos < limit) {
            byte c = buf[pos];
            if (c == ' ' || c == '"' || c == '[' || c < 0x20 && c >= 0) {
                break;
            }
            pos++;
        }
        start[f] = s;
        end[f] = pos;
        return pos > s;
    }

    private boolean bracketed() {
        if (pos >= limit || buf[pos] != '[') {
            return false;
        }
        int s = ++pos;
        int max = Math.min(limit, s + MAX_TIME_LENGTH);
        while (pos < max && buf[pos] != ']') {
            pos++;
        }
        if (pos >= max || pos == s) {
            return false;
        }
        start[TIME_LOCAL] = s;
        end[TIME_LOCAL] = pos++;
        return true;
    }

    private boolean quoted(int f) {
        if (pos >= limit || buf[pos] != '"') {
            return false;
        }
        int s = ++pos;
        while (pos < limit) {
            skipPlain();
            if (pos >= limit) {
                break;
            }
            byte c = buf[pos];
            if (c == '\\') {
                escaped[f] = true;
                pos += 2;
                continue;
            }
            if (c == '"') {
                start[f] = s;
                end[f] = pos++;
                return true;
            }
            pos++;
        }
        return false;
    }

    /**
     * Advances {@link #pos} eight bytes at a time while none is {@code "} or {@code \\}, stopping at
     * the first that is, or short of the last eight bytes. Quoted fields (request, user agent) are
     * most of a line, and a byte loop over them was the bulk of a parse. SWAR zero-byte test on a
     * little-endian long: a flag can be false only above a true one, so the lowest is exact.
     */
    private void skipPlain() {
        while (pos + 8 <= limit) {
            long w = (long) LONGS.get(buf, pos);
            long hits = zeroByte(w ^ QUOTES) | zeroByte(w ^ BACKSLASHES);
            if (hits != 0) {
                pos += Long.numberOfTrailingZeros(hits) >>> 3;
                return;
            }
            pos += 8;
        }
    }

    private static long zeroByte(long v) {
        return (v - ONES) & ~v & HIGHS;
    }

    private boolean status() {
        int s = pos;
        while (pos < limit && buf[pos] >= '0' && buf[pos] <= '9') {
            pos++;
        }
        if (pos - s != 3 || buf[s] < '1' || buf[s] > '5') {
            return false;
        }
        start[STATUS] = s;
        end[STATUS] = pos;
        return true;
    }

    private boolean bytesField() {
        int s = pos;
        if (pos < limit && buf[pos] == '-') {
            pos++;
        } else {
            while (pos < limit && buf[pos] >= '0' && buf[pos] <= '9') {
                pos++;
            }
        }
        if (pos == s || (pos < limit && buf[pos] != ' ')) {
            return false;
        }
        start[BYTES] = s;
        end[BYTES] = pos;
        return true;
    }

    /** Looks through trailing tokens for the request time; never fails the scan. */
    private void extras() {
        while (pos < limit) {
            while (pos < limit && buf[pos] == ' ') {
                pos++;
            }
            if (pos >= limit) {
                return;
            }
            if (buf[pos] == '"') {
                if (!quoted(REQUEST_TIME)) {
                    return;
                }
                start[REQUEST_TIME] = -1; // a quoted extra (e.g. x_forwarded_for) is not the time
                end[REQUEST_TIME] = -1;
                escaped[REQUEST_TIME] = false;
                continue;
            }
            int s = pos;
            while (pos < limit && buf[pos] != ' ') {
                pos++;
            }
            int vs = s;
            for (String prefix : TIME_PREFIXES) {
                if (startsWith(s, pos, prefix)) {
                    vs = s + prefix.length();
                }
            }
            if (isDecimal(vs, pos)) {
                start[REQUEST_TIME] = vs;
                end[REQUEST_TIME] = pos;
                return;
            }
        }
    }

    private boolean startsWith(int s, int e, String prefix) {
        if (e - s < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (buf[s + i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private boolean isDecimal(int s, int e) {
        boolean digit = false;
        boolean dot = false;
        for (int i = s; i < e; i++) {
            byte c = buf[i];
            if (c >= '0' && c <= '9') {
                digit = true;
            } else if (c == '.' && !dot) {
                dot = true;
            } else {
                return false;
            }
        }
        return digit;
    }
}
