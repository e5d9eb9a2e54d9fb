package io.loglane.core.multiline;

import io.loglane.core.event.AsciiBytes;
import com.google.re2j.Pattern;
import io.loglane.core.parse.MultilineSpec;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A lane's multiline rules compiled: whether a line may open an event ({@link #starts}) and whether
 * it continues the open one ({@link #continues}). Lines are UTF-8 bytes without their line break.
 *
 * <p>Built-in rules (any line may open an event; these shapes continue it):
 * <ul>
 *   <li>{@code java}: an indented line ({@code \tat …}, {@code \t... 3 more}), {@code Caused by: },
 *       {@code Suppressed: }, or an exception line ({@code java.lang.IllegalStateException: boom}:
 *       a dotted name ending in Exception, Error or Throwable);</li>
 *   <li>{@code python}: an indented line, {@code Traceback (most recent call last):}, the chained-exception
 *       sentences, a blank line, or the closing exception line ({@code ValueError: bad},
 *       {@code django.core.exceptions.ImproperlyConfigured: …});</li>
 *   <li>{@code go}: {@code goroutine N [...]:}, a tab-indented file line, a call frame
 *       ({@code main.main()}, {@code main.(*T).m(0x1)}), {@code created by }, {@code [signal },
 *       {@code exit status }, a blank line;</li>
 *   <li>{@code node}: an indented line ({@code     at fn (/app/x.js:1:2)}, the {@code ^} under the
 *       source line of an uncaught exception), a blank line, or the closing {@code Node.js v20.11.0}.
 *       An exception line ({@code TypeError: …}) opens an event: {@code console.error(err)} prints
 *       it after unrelated lines (so an uncaught exception's source excerpt is an event of its own);</li>
 *   <li>{@code dotnet}: an indented line ({@code    at Ns.C.M() in /src/F.cs:line 10},
 *       {@code  ---> System.Exception: inner}), {@code --- End of …}, or an exception line.</li>
 * </ul>
 * User rules ({@code {start, continue}}) use RE2/J (linear time) on lines up to
 * {@link #MAX_REGEX_LINE} bytes; a longer line neither starts nor continues by a user rule.
 *
 * <p>Thread-safety: immutable, thread-safe.
 */
public final class MultilineRules {
    public static final int MAX_REGEX_LINE = 16 * 1024;
    private static final byte[][] JAVA_STARTS = {AsciiBytes.ascii("Caused by: "), AsciiBytes.ascii("Suppressed: ")};
    private static final byte[][] PYTHON_STARTS = {AsciiBytes.ascii("Traceback (most recent call last):"),
            AsciiBytes.ascii("During handling of the above exception"), AsciiBytes.ascii("The above exception was the direct cause")};
    private static final byte[][] GO_STARTS = {AsciiBytes.ascii("goroutine "), AsciiBytes.ascii("created by "),
            AsciiBytes.ascii("[signal "), AsciiBytes.ascii("exit status ")};
    private static final byte[] END_OF = AsciiBytes.ascii("--- End of ");
    private static final byte[] NODE_VERSION = AsciiBytes.ascii("Node.js v");
    private static final byte[][] EXCEPTION_SUFFIXES = {AsciiBytes.ascii("Exception"), AsciiBytes.ascii("Error"),
            AsciiBytes.ascii("Throwable"), AsciiBytes.ascii("Exit"), AsciiBytes.ascii("Interrupt"), AsciiBytes.ascii("Warning"),
            AsciiBytes.ascii("ExceptionGroup")};
    private static final byte[] DOT = AsciiBytes.ascii(".");

    private final boolean java;
    private final boolean python;
    private final boolean go;
    private final boolean indented;
    private final boolean dotnet;
    private final boolean node;
    private final boolean anyLineStarts;
    private final Pattern[] starts;
    private final Pattern[] continues;

    public MultilineRules(MultilineSpec spec) {
        List<String> b = spec.rules().stream().map(MultilineSpec.Rule::builtIn).filter(Objects::nonNull).toList();
        java = b.contains("java");
        python = b.contains("python");
        go = b.contains("go");
        dotnet = b.contains("dotnet");
        node = b.contains("node");
        indented = java || python || dotnet || b.contains("node");
        List<MultilineSpec.Rule> user = spec.rules().stream().filter(r -> r.builtIn() == null).toList();
        anyLineStarts = !b.isEmpty() || user.stream().anyMatch(r -> r.startPattern() == null);
        starts = user.stream().filter(r -> r.startPattern() != null).map(r -> Pattern.compile(r.startPattern())).toArray(Pattern[]::new);
        continues = user.stream().map(r -> Pattern.compile(r.continuePattern())).toArray(Pattern[]::new);
    }

    /** True when {@code b[s, e)} may open an event. */
    public boolean starts(byte[] b, int s, int e) {
        return anyLineStarts || matchesAny(starts, b, s, e);
    }

    /** True when {@code b[s, e)} continues the event open on its stream. */
    public boolean continues(byte[] b, int s, int e) {
        if (e > s && (b[s] == ' ' || b[s] == '\t') && (indented || go && b[s] == '\t')) {
            return true;
        }
        if (java && (startsWithAny(b, s, e, JAVA_STARTS) || exceptionLine(b, s, e, true))) {
            return true;
        }
        if (python && (s == e || startsWithAny(b, s, e, PYTHON_STARTS) || exceptionLine(b, s, e, false) || classLine(b, s, e))) {
            return true;
        }
        if (node && (s == e || AsciiBytes.startsWith(b, s, e, NODE_VERSION))) {
            return true;
        }
        if (go && (s == e || startsWithAny(b, s, e, GO_STARTS) || callFrame(b, s, e))) {
            return true;
        }
        if (dotnet && (AsciiBytes.startsWith(b, s, e, END_OF) || exceptionLine(b, s, e, true))) {
            return true;
        }
        return matchesAny(continues, b, s, e);
    }

    /**
     * {@code Name: text} or {@code Name} alone, where Name is identifier characters and dots, ends in
     * an exception suffix and (when {@code dotted}) has a dot.
     */
    private static boolean exceptionLine(byte[] b, int s, int e, boolean dotted) {
        int p = s;
        boolean dot = false;
        while (p < e && p - s < 256) {
            byte c = b[p];
            if (c == '.') {
                dot = true;
            } else if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '$')) {
                break;
            }
            p++;
        }
        if (p == s || (p < e && b[p] != ':') || (dotted && !dot)) {
            return false;
        }
        for (byte[] suffix : EXCEPTION_SUFFIXES) {
            if (p - s >= suffix.length && AsciiBytes.startsWith(b, p - suffix.length, p, suffix)) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code pkg.mod.ClassName: text}: a dotted name whose last part starts with a capital, as
     * Python prints an exception class without an Error suffix
     * ({@code django.core.exceptions.ImproperlyConfigured: …}); a lower-case last part
     * ({@code app.db: connected}) is a logger name, not a class.
     */
    private static boolean classLine(byte[] b, int s, int e) {
        int p = s;
        int lastDot = -1;
        while (p < e && p - s < 256) {
            byte c = b[p];
            if (c == '.') {
                lastDot = p;
            } else if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_')) {
                break;
            }
            p++;
        }
        return lastDot > s && lastDot + 1 < p && p < e && b[p] == ':' && b[lastDot + 1] >= 'A' && b[lastDot + 1] <= 'Z';
    }

    /** A Go frame: {@code pkg.fn(args)} with no space before the parenthesis, ending in {@code )}. */
    private static boolean callFrame(byte[] b, int s, int e) {
        if (e - s < 3 || b[e - 1] != ')') {
            return false;
        }
        for (int i = s; i < e; i++) {
            if (b[i] == ' ') {
                return false;
            }
            if (b[i] == '(' && i > s) {
                return AsciiBytes.indexOf(b, s, i, DOT) >= 0;
            }
        }
        return false;
    }

    private static boolean startsWithAny(byte[] b, int s, int e, byte[][] prefixes) {
        for (byte[] p : prefixes) {
            if (AsciiBytes.startsWith(b, s, e, p)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matchesAny(Pattern[] patterns, byte[] b, int s, int e) {
        if (patterns.length == 0 || e - s > MAX_REGEX_LINE) {
            return false;
        }
        byte[] line = Arrays.copyOfRange(b, s, e);
        for (Pattern p : patterns) {
            if (p.matcher(line).find()) {
                return true;
            }
        }
        return false;
    }
}
