package io.loglane.inputs.http;

import io.javalin.http.Context;
import java.io.IOException;

/**
 * Reads a request body up to a limit, for every input served on the HTTP port. A declared
 * Content-Length over the limit is refused unread; a chunked body is read until it passes the limit
 * (Javalin's own limit only looks at Content-Length).
 *
 * <p>Thread-safety: stateless.
 */
public final class RequestBodies {
    private RequestBodies() {}

    /**
     * A request body.
     *
     * @param bytes null when it is over the limit
     * @param size  what is known of its size: its length, or the declared or read length past the limit
     */
    public record Body(byte[] bytes, long size) {
        public boolean tooLarge() { return bytes == null; }
    }

    /** @param maxBody at most {@code Integer.MAX_VALUE - 16} */
    public static Body read(Context ctx, long maxBody) throws IOException {
        long declared = ctx.req().getContentLengthLong();
        if (declared > maxBody) {
            return new Body(null, declared);
        }
        byte[] b = ctx.bodyInputStream().readNBytes((int) maxBody + 1);
        return b.length > maxBody ? new Body(null, b.length) : new Body(b, b.length);
    }

    /** The largest body limit a byte array can hold, for a configured {@code server.http_max_body}. */
    public static long cap(long maxBody) {
        return Math.min(maxBody, Integer.MAX_VALUE - 16);
    }

    /** A client's text as it may appear in a log line: printable ASCII only (no forged lines), at most 100 characters. */
    public static String loggable(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder(Math.min(s.length(), 101));
        for (int i = 0; i < s.length() && i < 100; i++) {
            char c = s.charAt(i);
            b.append(c >= 0x20 && c < 0x7F ? c : '?');
        }
        return s.length() > 100 ? b.append('…').toString() : b.toString();
    }
}
