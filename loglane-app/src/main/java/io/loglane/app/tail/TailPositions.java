package io.loglane.app.tail;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The text form of a live tail's position, used as the Server-Sent Event {@code id}:
 * {@code lane:offset[,lane:offset…]}, one entry per tailed lane, each the offset of the last record
 * of that lane the client was given or told it missed. A reconnect sends it back as
 * {@code Last-Event-ID} and each lane resumes at its offset + 1: no gap, no duplicate. With one
 * lane the id is simply the event's own stream offset ({@code access:1234}).
 *
 * <p>Thread-safety: stateless.
 */
public final class TailPositions {
    private TailPositions() {}

    /**
     * Parses {@code lane:offset[,lane:offset…]}.
     *
     * @throws IllegalArgumentException naming the bad entry
     */
    public static Map<String, Long> parse(String text) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String entry : text.split(",", -1)) {
            int colon = entry.lastIndexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("'" + entry + "' is not lane:offset");
            }
            try {
                out.put(entry.substring(0, colon).trim(), Long.parseLong(entry.substring(colon + 1).trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + entry + "' is not lane:offset (the offset is not a number)");
            }
        }
        return out;
    }

    /** Appends {@code lane:offset} entries for {@code lanes} and {@code offsets} (same order) to {@code out}. */
    static StringBuilder format(String[] lanes, long[] offsets, StringBuilder out) {
        for (int i = 0; i < lanes.length; i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(lanes[i]).append(':').append(offsets[i]);
        }
        return out;
    }
}
