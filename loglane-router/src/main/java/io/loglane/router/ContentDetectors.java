package io.loglane.router;

import io.loglane.core.event.AsciiBytes;
import io.loglane.core.config.MatchRule;
import io.loglane.core.parse.AccessLineScanner;
import io.loglane.core.parse.NginxCombinedParser;

/**
 * The content detectors behind {@code content:} rules, working on UTF-8 bytes in place:
 * <ul>
 *   <li>{@code access_line}: the nginx/Apache access line shape ({@link NginxCombinedParser}'s scanner);</li>
 *   <li>{@code error_level}: a level field ({@code level}, {@code severity}, …) of error, err, fatal,
 *       critical, crit, panic, emerg, alert or severe; without a level field, such a word among the
 *       first tokens of the message, after timestamps and thread names ({@code 2025-01-01 12:00:00
 *       ERROR …}, {@code [ERROR] …}, {@code ERROR:root:…}, {@code level=error}), a logfmt
 *       {@code level=error} pair anywhere in the first {@value #MAX_LOGFMT_LEVEL_DISTANCE} bytes, a
 *       syslog {@code <PRI>} of severity err or worse, a klog/glog {@code E1205 …}/{@code F1205 …}
 *       header (Kubernetes components), or a
 *       {@code "level":"error"} pair near the start of a JSON text message (one that does not
 *       decode whole, e.g. the first part of a long line a logging driver split: a whole JSON
 *       object's level field is found by the {@link Classifier}). A non-error level word met first
 *       (INFO, WARN, …) ends the search;</li>
 *   <li>{@code stack_trace}: a Java/JavaScript frame line ({@code \tat pkg.Cls.m(File.java:1)}),
 *       {@code Caused by:}, {@code Exception in thread}, a Python {@code Traceback (most recent call
 *       last):} or {@code File "…", line N} frame, or a Go {@code goroutine N [running]:} header, at
 *       the start of any line of the message (so the single-line records of a stack trace split by a
 *       logging driver match too).</li>
 *   <li>{@code audit_marker}: a Linux auditd record ({@code type=USER_LOGIN msg=audit(…):}), a
 *       Kubernetes audit event ({@code "apiVersion":"audit.k8s.io/…"}) or an {@code AUDIT} level
 *       word among the first tokens ({@code [AUDIT] …}, {@code level=audit}), or a level field of
 *       {@code audit}.</li>
 * </ul>
 * Detectors look at most at the first {@link #MAX_SCAN} bytes: a message longer than that is
 * classified by its beginning.
 *
 * <p>Thread-safety: not thread-safe (holds a scanner); one per thread.
 */
final class ContentDetectors {
    static final int MAX_SCAN = 64 * 1024;
    private static final int MAX_LEVEL_TOKENS = 4;
    private static final int MAX_JSON_LEVEL_DISTANCE = 512;
    private static final int MAX_LOGFMT_LEVEL_DISTANCE = 512;
    private static final byte[][] AUDIT_WORDS = words("AUDIT");
    private static final byte[][] LOGFMT_LEVELS = {AsciiBytes.ascii(" level="), AsciiBytes.ascii(" lvl="), AsciiBytes.ascii(" severity=")};
    private static final byte[] AUDITD = AsciiBytes.ascii("msg=audit(");
    private static final byte[] K8S_AUDIT = AsciiBytes.ascii("\"audit.k8s.io/");

    private static final byte[][] ERROR_WORDS = words("ERROR", "ERR", "FATAL", "CRITICAL", "CRIT", "PANIC", "EMERG", "EMERGENCY", "ALERT", "SEVERE");
    private static final byte[][] OTHER_LEVELS = words("INFO", "WARN", "WARNING", "DEBUG", "TRACE", "NOTICE", "FINE", "FINER", "FINEST", "CONFIG");
    private static final byte[][] LEVEL_PREFIXES = {AsciiBytes.ascii("level="), AsciiBytes.ascii("lvl="), AsciiBytes.ascii("severity=")};
    private static final byte[][] JSON_LEVEL_KEYS = {AsciiBytes.ascii("\"level\""), AsciiBytes.ascii("\"severity\""), AsciiBytes.ascii("\"lvl\"")};
    private static final byte[] AT = AsciiBytes.ascii("at ");
    private static final byte[] PY_LINE = AsciiBytes.ascii("\", line ");
    private static final byte[][] TRACE_LINE_STARTS = {
            AsciiBytes.ascii("Caused by: "), AsciiBytes.ascii("Exception in thread \""), AsciiBytes.ascii("Traceback (most recent call last):"),
            AsciiBytes.ascii("goroutine "), AsciiBytes.ascii("File \"")};

    private final AccessLineScanner scanner = new AccessLineScanner();

    /**
     * True when the detector of {@code kind} recognises the message {@code b[msgOff, msgOff+msgLen)}
     * ({@code msgOff} -1 when the record has no message) or the level value
     * {@code level[levelOff, levelOff+levelLen)} ({@code levelOff} -1 when there is none).
     */
    boolean matches(MatchRule.ContentKind kind, byte[] b, int msgOff, int msgLen, byte[] level, int levelOff, int levelLen) {
        return switch (kind) {
            case ACCESS_LINE -> msgOff >= 0 && NginxCombinedParser.looksLikeAccessLine(scanner, b, msgOff, Math.min(msgLen, MAX_SCAN));
            case ERROR_LEVEL -> levelOff >= 0 ? isErrorWord(level, levelOff, levelOff + levelLen)
                    : msgOff >= 0 && errorLevelInMessage(b, msgOff, msgOff + Math.min(msgLen, MAX_SCAN));
            case STACK_TRACE -> msgOff >= 0 && stackTrace(b, msgOff, msgOff + Math.min(msgLen, MAX_SCAN));
            case AUDIT_MARKER -> levelOff >= 0 && isWord(AUDIT_WORDS, level, levelOff, levelOff + levelLen)
                    || msgOff >= 0 && auditMarker(b, msgOff, msgOff + Math.min(msgLen, MAX_SCAN));
        };
    }

    static boolean auditMarker(byte[] b, int s, int e) {
        int head = Math.min(e, s + MAX_JSON_LEVEL_DISTANCE);
        if (AsciiBytes.indexOf(b, s, head, AUDITD) >= 0 || AsciiBytes.indexOf(b, s, head, K8S_AUDIT) >= 0) {
            return true;
        }
        return levelWord(b, s, e, AUDIT_WORDS, true) == 1;
    }

    static boolean isErrorWord(byte[] b, int s, int e) {
        return isWord(ERROR_WORDS, b, s, e);
    }

    private static boolean isOtherLevel(byte[] b, int s, int e) {
        return isWord(OTHER_LEVELS, b, s, e);
    }

    static boolean errorLevelInMessage(byte[] b, int s, int e) {
        int p = skipSpaces(b, s, e);
        if (p < e && b[p] == '{') {
            return jsonLevel(b, p, Math.min(e, p + MAX_JSON_LEVEL_DISTANCE));
        }
        if (p < e && b[p] == '<') {
            int sev = syslogSeverity(b, p, e);
            if (sev >= 0) {
                return sev <= 3; // emerg, alert, crit, err
            }
        }
        if (klogError(b, p, e)) {
            return true;
        }
        int words = levelWord(b, p, e, ERROR_WORDS, false);
        if (words != 0) {
            return words == 1;
        }
        return logfmtLevel(b, p, Math.min(e, p + MAX_LOGFMT_LEVEL_DISTANCE));
    }

    /**
     * Looks among the first tokens for a level word: 1 when the first one met is one of
     * {@code wanted} (in upper case when {@code exact}: "audit log rotated" is no audit marker), -1
     * when it is another level, 0 when there is none. A dotted word counts by its last part
     * (Monolog's {@code production.ERROR:}).
     */
    private static int levelWord(byte[] b, int s, int e, byte[][] wanted, boolean exact) {
        int p = skipSpaces(b, s, e);
        for (int t = 0; t < MAX_LEVEL_TOKENS && p < e; t++) {
            int te = p;
            while (te < e && b[te] != ' ' && b[te] != '\t' && b[te] != '\n') {
                te++;
            }
            int ws = p;
            int we = te;
            for (byte[] prefix : LEVEL_PREFIXES) {
                if (AsciiBytes.startsWith(b, ws, we, prefix)) {
                    ws += prefix.length;
                }
            }
            while (ws < we && (b[ws] == '[' || b[ws] == '<' || b[ws] == '(' || b[ws] == '"')) {
                ws++;
            }
            int colon = ws;
            while (colon < we && b[colon] != ':' && b[colon] != ']' && b[colon] != '>' && b[colon] != ')'
                    && b[colon] != '"' && b[colon] != ',' && b[colon] != '|') {
                colon++;
            }
            we = colon;
            for (int d = we - 1; d > ws; d--) {
                if (b[d] == '.') {
                    ws = d + 1;
                    break;
                }
            }
            if (exact ? isExactWord(wanted, b, ws, we) : isWord(wanted, b, ws, we)) {
                return 1;
            }
            if (isWord(ERROR_WORDS, b, ws, we) || isOtherLevel(b, ws, we) || isWord(AUDIT_WORDS, b, ws, we)) {
                return -1;
            }
            p = skipSpaces(b, te, e);
        }
        return 0;
    }

    /** A logfmt {@code level=error} (or {@code lvl=}, {@code severity=}) after a space, its value quoted or not. */
    private static boolean logfmtLevel(byte[] b, int s, int e) {
        for (byte[] key : LOGFMT_LEVELS) {
            int k = AsciiBytes.indexOf(b, s, e, key);
            if (k < 0) {
                continue;
            }
            int vs = k + key.length;
            if (vs < e && b[vs] == '"') {
                vs++;
            }
            int ve = vs;
            while (ve < e && b[ve] != ' ' && b[ve] != '"' && b[ve] != '\n' && b[ve] != '\r') {
                ve++;
            }
            return isErrorWord(b, vs, ve);
        }
        return false;
    }

    /** The severity of a syslog {@code <PRI>} at {@code p} (PRI mod 8), or -1 when there is none. */
    private static int syslogSeverity(byte[] b, int p, int e) {
        int v = 0;
        int i = p + 1;
        while (i < e && i < p + 4 && b[i] >= '0' && b[i] <= '9') {
            v = v * 10 + (b[i] - '0');
            i++;
        }
        return i > p + 1 && i < e && b[i] == '>' && v <= 191 ? v & 7 : -1;
    }

    /** A klog/glog header: {@code E} or {@code F}, then {@code MMDD}, then a space ({@code E1205 04:15:49.123456 1 main.go:12] …}). */
    private static boolean klogError(byte[] b, int p, int e) {
        if (e - p < 6 || (b[p] != 'E' && b[p] != 'F') || b[p + 5] != ' ') {
            return false;
        }
        for (int i = p + 1; i < p + 5; i++) {
            if (b[i] < '0' || b[i] > '9') {
                return false;
            }
        }
        return true;
    }

    private static boolean isExactWord(byte[][] words, byte[] b, int s, int e) {
        for (byte[] w : words) {
            if (java.util.Arrays.equals(b, s, e, w, 0, w.length)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isWord(byte[][] words, byte[] b, int s, int e) {
        for (byte[] w : words) {
            if (AsciiBytes.equalsIgnoreCase(b, s, e, w)) {
                return true;
            }
        }
        return false;
    }

    private static boolean jsonLevel(byte[] b, int s, int e) {
        for (byte[] key : JSON_LEVEL_KEYS) {
            int k = AsciiBytes.indexOf(b, s, e, key);
            if (k < 0) {
                continue;
            }
            int p = skipSpaces(b, k + key.length, e);
            if (p >= e || b[p] != ':') {
                continue;
            }
            p = skipSpaces(b, p + 1, e);
            if (p >= e || b[p] != '"') {
                continue;
            }
            int vs = p + 1;
            int ve = vs;
            while (ve < e && b[ve] != '"') {
                ve++;
            }
            return isErrorWord(b, vs, ve);
        }
        return false;
    }

    static boolean stackTrace(byte[] b, int s, int e) {
        int line = s;
        while (line < e) {
            int p = line;
            while (p < e && (b[p] == ' ' || b[p] == '\t')) {
                p++;
            }
            if (p > line && AsciiBytes.startsWith(b, p, e, AT) && frameAfterAt(b, p + AT.length, e)) {
                return true;
            }
            for (byte[] start : TRACE_LINE_STARTS) {
                if (AsciiBytes.startsWith(b, p, e, start) && traceLineRest(start, b, p + start.length, e)) {
                    return true;
                }
            }
            int nl = p;
            while (nl < e && b[nl] != '\n') {
                nl++;
            }
            line = nl + 1;
        }
        return false;
    }

    /** After "at ": a frame name, then '(' on the same line ({@code pkg.Cls.m(File.java:1)}, {@code fn (/app.js:1:2)}). */
    private static boolean frameAfterAt(byte[] b, int p, int e) {
        if (p >= e || b[p] == ' ' || b[p] == '\n') {
            return false;
        }
        for (int i = p; i < e && b[i] != '\n'; i++) {
            if (b[i] == '(') {
                return i > p;
            }
        }
        return false;
    }

    /** Narrows the loose line starts: "goroutine N [" and Python's {@code File "x", line N}. */
    private static boolean traceLineRest(byte[] start, byte[] b, int p, int e) {
        if (start[0] == 'g') {
            return p < e && b[p] >= '0' && b[p] <= '9' && indexOnLine(b, p, e, (byte) '[') > 0;
        }
        if (start[0] == 'F') {
            return indexOnLine(b, p, e, (byte) ',') > 0 && AsciiBytes.indexOf(b, p, Math.min(e, p + 4096), PY_LINE) >= 0;
        }
        return true;
    }

    private static int indexOnLine(byte[] b, int p, int e, byte c) {
        for (int i = p; i < e && b[i] != '\n'; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }

    private static int skipSpaces(byte[] b, int p, int e) {
        while (p < e && (b[p] == ' ' || b[p] == '\t' || b[p] == '\r' || b[p] == '\n')) {
            p++;
        }
        return p;
    }

    private static byte[][] words(String... w) {
        byte[][] out = new byte[w.length][];
        for (int i = 0; i < w.length; i++) {
            out[i] = AsciiBytes.ascii(w[i]);
        }
        return out;
    }
}
