package io.loglane.core.config;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What an API token may do (issue 14 item 5). Scopes are independent: {@code admin} does not imply
 * {@code read} or {@code ingest}; a token lists every scope it needs, so what is configured is
 * exactly what is granted.
 */
public enum ApiScope {
    /** Sending events: the ingest route, the CloudWatch Logs API, OTLP. */
    INGEST,
    /** Reading: search, SQL, tail, lanes, fields, histogram, context, filter test, sources, metrics. */
    READ,
    /** Changing the node: flush, and every other mutating route. */
    ADMIN;

    /** The name as written in configuration. */
    public String label() { return name().toLowerCase(Locale.ROOT); }

    /** The scope named {@code label}. @throws IllegalArgumentException naming the known scopes */
    public static ApiScope of(String label) {
        for (ApiScope s : values()) {
            if (s.label().equals(label)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown scope \"" + label + "\" (known: " + String.join(", ", labels()) + ")");
    }

    static List<String> labels() { return Arrays.stream(values()).map(ApiScope::label).toList(); }
}
