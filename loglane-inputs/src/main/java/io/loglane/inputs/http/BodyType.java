package io.loglane.inputs.http;

import java.util.Locale;

/**
 * The body types of {@code POST /api/v1/ingest/{tag}}, told apart by the request's
 * {@code Content-Type} (its media type; parameters other than a {@code charset} of a text body are
 * ignored).
 *
 * <ul>
 *   <li>{@link #JSON}: NDJSON or a JSON array ({@link JsonBodyDecoder}), for {@code application/x-ndjson},
 *       {@code application/ndjson}, {@code application/jsonl}, {@code application/json}, any
 *       {@code application/*+json}, no Content-Type at all, and {@code application/x-www-form-urlencoded}
 *       (what {@code curl --data-binary} sends unless told otherwise: the JSON clients of before the text
 *       type keep working);</li>
 *   <li>{@link #TEXT}: raw lines ({@link TextBodyDecoder}), for {@code text/plain} in UTF-8 (or US-ASCII,
 *       or no charset);</li>
 *   <li>anything else: none ({@code null}), answered 415.</li>
 * </ul>
 *
 * <p>Thread-safety: immutable.
 */
enum BodyType {
    JSON, TEXT;

    /** For the 415's error text. */
    static final String ACCEPTED = "application/x-ndjson or application/json (NDJSON or a JSON array of objects), "
            + "or text/plain; charset=utf-8 (one log line per line)";

    /** The body type of a request with this Content-Type header (null when absent), or null when none fits. */
    static BodyType of(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            return JSON;
        }
        String[] parts = contentType.split(";");
        String media = parts[0].strip().toLowerCase(Locale.ROOT);
        switch (media) {
            case "application/x-ndjson", "application/ndjson", "application/jsonl", "application/x-jsonlines", "application/json",
                 "application/x-www-form-urlencoded" -> {
                return JSON;
            }
            case "text/plain" -> {
                for (int i = 1; i < parts.length; i++) {
                    String[] kv = parts[i].split("=", 2);
                    if (kv[0].strip().equalsIgnoreCase("charset")) {
                        String cs = kv.length < 2 ? "" : kv[1].strip().replace("\"", "").toLowerCase(Locale.ROOT);
                        if (!cs.equals("utf-8") && !cs.equals("utf8") && !cs.equals("us-ascii")) {
                            return null;
                        }
                    }
                }
                return TEXT;
            }
            default -> {
                return media.startsWith("application/") && media.endsWith("+json") ? JSON : null;
            }
        }
    }
}
