package io.loglane.search.filter;

/**
 * Splits a message into the fields a space-delimited pattern matches: runs of whitespace separate
 * fields (ambiguity 10: several spaces are one separator); a field that starts with {@code "}
 * runs to the next {@code "}, one that starts with {@code [} to the next {@code ]}, and its value
 * is what lies between them (S1: {@code $request = GET /index.html HTTP/1.0}). An unclosed quote
 * or bracket runs to the end of the message. Positions only: no copy.
 *
 * <p>Thread-safety: not thread-safe; one per matcher, refilled per message.
 */
final class MessageFields extends Ranges {

    MessageFields split(byte[] b, int off, int len) {
        count = 0;
        int i = off;
        int stop = off + len;
        while (true) {
            while (i < stop && space(b[i])) {
                i++;
            }
            if (i >= stop) {
                return this;
            }
            byte open = b[i];
            byte close = open == '"' ? (byte) '"' : open == '[' ? (byte) ']' : 0;
            if (close != 0) {
                int from = ++i;
                while (i < stop && b[i] != close) {
                    i++;
                }
                add(from, i);
                i = Math.min(i + 1, stop);
            } else {
                int from = i;
                while (i < stop && !space(b[i])) {
                    i++;
                }
                add(from, i);
            }
        }
    }

    private static boolean space(byte c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }
}
