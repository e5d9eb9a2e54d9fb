package io.loglane.app.cli;

import java.io.BufferedReader;
import java.io.IOException;

/**
 * Reads Server-Sent Events from a text stream: {@code id}, {@code event} and {@code data} lines up
 * to a blank line make one event (several {@code data} lines join with newlines; no {@code event}
 * means {@code message}); a comment line (a heartbeat) is returned as an event whose
 * {@code event} is null and whose {@code data} is the comment's text. Used by {@code ./loglane tail}
 * and by the tests that read the live tail as a client.
 *
 * <p>Thread-safety: not thread-safe.
 */
public final class SseEventReader {
    /** One event, or a comment ({@link #comment()}). */
    public record Event(String id, String event, String data) {
        public boolean comment() { return event == null; }
    }

    private final BufferedReader in;

    public SseEventReader(BufferedReader in) {
        this.in = in;
    }

    /** The next event or comment, or null at the end of the stream. */
    public Event next() throws IOException {
        String id = null;
        String event = null;
        StringBuilder data = null;
        for (String line; (line = in.readLine()) != null; ) {
            if (line.isEmpty()) {
                if (data != null) {
                    return new Event(id, event == null ? "message" : event, data.toString());
                }
                id = null;
                event = null;
            } else if (line.startsWith(":")) {
                return new Event(null, null, line.substring(1).trim());
            } else {
                int colon = line.indexOf(':');
                String field = colon < 0 ? line : line.substring(0, colon);
                String value = colon < 0 ? "" : line.substring(colon + 1);
                if (value.startsWith(" ")) {
                    value = value.substring(1);
                }
                switch (field) {
                    case "id" -> id = value;
                    case "event" -> event = value;
                    case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                    default -> { }
                }
            }
        }
        return null;
    }
}
