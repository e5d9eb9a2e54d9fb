package io.loglane.app.cli;

/**
 * Log text made safe to print as text: a line a client sent must not drive the reader's terminal
 * (recolour it, move the cursor, overwrite what is shown with a carriage return, set the window
 * title, or hide itself). Every control character becomes visible: ESC as {@code \e}, a carriage
 * return as {@code \r} (except the one of a CRLF line end, dropped), NUL as {@code \0}, the other C0
 * controls, DEL and the C1 controls as {@code \xNN}, and the bidirectional overrides and isolates as
 * {@code \u202E} and the like. Tabs stay; a line break stays but the next line is indented, so one
 * event's lines (a stack trace) stand apart from the next event.
 *
 * <p>Thread-safety: stateless.
 */
final class TerminalText {
    private static final String INDENT = "    ";

    private TerminalText() {}

    /** {@code s} with its control characters made visible (the same string when it has none). */
    static String safe(String s) {
        int i = 0;
        while (i < s.length() && !special(s.charAt(i))) {
            i++;
        }
        if (i == s.length()) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length() + 16).append(s, 0, i);
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!special(c)) {
                out.append(c);
            } else if (c == '\n') {
                out.append('\n').append(INDENT);
            } else if (c == '\r') {
                if (i + 1 >= s.length() || s.charAt(i + 1) != '\n') {
                    out.append("\\r");
                }
            } else if (c == 0x1b) {
                out.append("\\e");
            } else if (c == 0) {
                out.append("\\0");
            } else if (c < 0x100) {
                out.append(String.format("\\x%02x", (int) c));
            } else {
                out.append(String.format("\\u%04X", (int) c));
            }
        }
        return out.toString();
    }

    /** Whether {@code c} is shown other than as itself (tab is the one control that is not). */
    private static boolean special(char c) {
        return c < 0x20 && c != '\t' || c >= 0x7f && c <= 0x9f || c >= 0x202a && c <= 0x202e || c >= 0x2066 && c <= 0x2069;
    }

    /** Whether the process has a terminal (not redirected), ignoring colour settings. */
    static boolean isTerminal() {
        java.io.Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            // JDK 22+ returns a console even when the streams are redirected; isTerminal() (22+) tells them apart.
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true; // JDK 21: a console exists only on a terminal
        }
    }
}
