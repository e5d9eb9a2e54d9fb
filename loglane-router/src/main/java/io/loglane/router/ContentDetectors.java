package io.loglane.router;

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
 *       ERROR …}, {@code [ERROR] …}, {@code ERROR:root:…}, {@code level=error}), or a
 *       {@code "level":"error"} pair near the start of a JSON text message (one that does not
 *       decode whole, e.g. the first part of a long line a logging driver split: a whole JSON
 *       object's level field is found by the {@link Classifier}). A non-error level word met first
 *       (INFO, WARN, …) ends the search;</li>
 *   <li>{@code stack_trace}: a Java/JavaScript frame line ({@code \tat pkg.Cls.m(File.java:1)}),
 *       {@code Caused by:}, {@code Exception in thread}, a Python {@code Traceback (most recent call
 *       last):} or {@code File "…", line N} frame, or a Go {@code goroutine N [running]:} header, at
 *       the start of any line of the message (so the single-line records of a stack trace split by a
 *       logging driver match too).</li>
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
        };
    }

    static boolean isErrorWord(byte[] b, int s, int e) {
        for (byte[] w : ERROR_WORDS) {
            if (AsciiBytes.equalsIgnoreCase(b, s, e, w)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isOtherLevel(byte[] b, int s, int e) {
        for (byte[] w : OTHER_LEVELS) {
            if (AsciiBytes.equalsIgnoreCase(b, s, e, w)) {
                return true;
            }
        }
        return false;
    }

    static boolean errorLevelInMessage(byte[] b, int s, int e) {
        int p = skipSpaces(b, s, e);
        if (p < e && b[p] == '{') {
            return jsonLevel(b, p, Math.min(e, p + MAX_JSON_LEVEL_DISTANCE));
        }
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
            if (isErrorWord(b, ws, we)) {
                return true;
            }
            if (isOtherLevel(b, ws, we)) {
                return false;
            }
            p = skipSpaces(b, te, e);
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
