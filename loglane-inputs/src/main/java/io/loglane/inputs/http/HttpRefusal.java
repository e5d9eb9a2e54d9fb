package io.loglane.inputs.http;

/**
 * Why the HTTP ingest route ({@code POST /api/v1/ingest/{tag}}) refused a request before handing it
 * to the router ({@link Refusal}). Refusals by the router (rate limit, full stream, …) keep the
 * router's reasons.
 */
enum HttpRefusal implements Refusal {
    /** The body is over {@code server.http_max_body}. */
    BODY_TOO_LARGE(413, "body_too_large"),
    /** The path's tag breaks the tag rule. */
    BAD_TAG(400, "bad_tag"),
    /** The {@code Idempotency-Key} header is empty, too long, not printable ASCII or repeated. */
    BAD_IDEMPOTENCY_KEY(400, "bad_idempotency_key"),
    /** A JSON body is not NDJSON or a JSON array of objects. */
    MALFORMED_JSON(400, "malformed_json"),
    /** The body holds no event. */
    EMPTY_BODY(400, "empty_body"),
    /** The Content-Type is none of the body types ({@link BodyType}). */
    UNSUPPORTED_MEDIA_TYPE(415, "unsupported_media_type"),
    /** A query parameter is malformed, or given for a body type it does not apply to ({@link TextParameters}). */
    BAD_PARAMETER(400, "bad_parameter");

    private final int status;
    private final String label;

    HttpRefusal(int status, String label) {
        this.status = status;
        this.label = label;
    }

    @Override
    public int status() { return status; }

    @Override
    public String label() { return label; }
}
