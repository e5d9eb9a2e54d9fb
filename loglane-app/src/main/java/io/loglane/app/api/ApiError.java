package io.loglane.app.api;

import java.util.LinkedHashMap;
import java.util.Map;

/** The body of every error response: {@code {"error": "...", ...details}}. */
final class ApiError {
    private ApiError() {}

    static Map<String, Object> of(String message, Object... details) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("error", message);
        for (int i = 0; i + 1 < details.length; i += 2) {
            m.put(String.valueOf(details[i]), details[i + 1]);
        }
        return m;
    }
}
