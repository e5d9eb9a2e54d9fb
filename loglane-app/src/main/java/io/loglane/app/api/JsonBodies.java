package io.loglane.app.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.loglane.inputs.http.ApiError;
import io.loglane.inputs.http.RequestBodies;
import java.io.IOException;

/**
 * Reads the JSON body of an API route within {@code server.http_max_body}, declared or chunked
 * ({@link RequestBodies}; Javalin's own check sees only a declared Content-Length), answering the
 * request itself when the body is too large (413) or not JSON (400).
 *
 * <p>Thread-safety: stateless.
 */
final class JsonBodies {
    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonBodies() {}

    /**
     * @param expected the body's shape, for the 400 message
     * @return the body, or null after answering 413 or 400
     */
    static JsonNode read(Context ctx, long maxBody, String expected) throws IOException {
        RequestBodies.Body body = RequestBodies.read(ctx, RequestBodies.cap(maxBody));
        if (body.tooLarge()) {
            ctx.status(413).json(ApiError.of("request body exceeds " + maxBody + " bytes (server.http_max_body)"));
            return null;
        }
        try {
            JsonNode n = JSON.readTree(body.bytes());
            if (n != null && !n.isMissingNode()) {
                return n;
            }
        } catch (IOException e) {
            // not JSON: answered below
        }
        ctx.status(400).json(ApiError.of("body must be JSON " + expected));
        return null;
    }
}
