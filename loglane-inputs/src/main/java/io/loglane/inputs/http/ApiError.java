package io.loglane.inputs.http;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The body of every error response of the HTTP port (ingest and the API routes):
 * {@code {"error": "...", ...details}}.
 *
 * <p>Thread-safety: stateless.
 */
public final class ApiError {
    private ApiError() {}

    /** {@code details} are key, value pairs, in the order they are to appear after {@code error}. */
    public static Map<String, Object> of(String message, Object... details) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("error", message);
        for (int i = 0; i + 1 < details.length; i += 2) {
            m.put(String.valueOf(details[i]), details[i + 1]);
        }
        return m;
    }
}
