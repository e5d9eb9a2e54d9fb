package io.loglane.inputs.http;

import io.javalin.http.Context;
import java.util.regex.Pattern;

/**
 * The query parameters of a {@code text/plain} ingest request:
 * {@code log_type} (set on every record: the router's field rules route by it first; the bundled
 * config names lanes so) and {@code max_line} (bytes; a longer line is cut there and marked
 * truncated; default {@value #DEFAULT_MAX_LINE}, at most the body limit).
 *
 * @param logType      null when not given
 * @param maxLineBytes the longest line stored whole
 */
record TextParameters(String logType, int maxLineBytes) {
    static final String LOG_TYPE = "log_type";
    static final String MAX_LINE = "max_line";
    /** As the tail input's {@code max_line_bytes} and {@code ./loglane import --max-line}. */
    static final int DEFAULT_MAX_LINE = 1 << 20;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._\\-]{0,255}");

    /**
     * @param maxBody the body limit, the largest {@code max_line}
     * @throws IllegalArgumentException naming the bad parameter
     */
    static TextParameters of(String logType, String maxLine, long maxBody) {
        if (logType != null && !NAME.matcher(logType).matches()) {
            throw new IllegalArgumentException("bad " + LOG_TYPE + ": use 1-256 characters of letters, digits, '.', '_' and '-'");
        }
        int max = DEFAULT_MAX_LINE;
        if (maxLine != null) {
            long v;
            try {
                v = Long.parseLong(maxLine);
            } catch (NumberFormatException e) {
                v = -1;
            }
            if (v < 1 || v > maxBody) {
                throw new IllegalArgumentException("bad " + MAX_LINE + " '" + RequestBodies.loggable(maxLine)
                        + "': a number of bytes from 1 to " + maxBody + " (server.http_max_body)");
            }
            max = (int) v;
        }
        return new TextParameters(logType, max);
    }

    /** The first text-only parameter the request has, or null. */
    static String present(Context ctx) {
        return ctx.queryParam(LOG_TYPE) != null ? LOG_TYPE : ctx.queryParam(MAX_LINE) != null ? MAX_LINE : null;
    }
}
