package io.loglane.inputs.cloudwatch;

import io.loglane.inputs.http.Refusal;

/**
 * Why the CloudWatch Logs API refused a request (or, for {@link #TOO_OLD} and {@link #TOO_NEW}, some
 * events of a {@code PutLogEvents}; for {@link #INVALID_UTF8}, why it repaired one) before the router
 * saw it; counted under its label.
 */
enum CloudWatchRefusal implements Refusal {
    /** The body is over {@code server.http_max_body}. */
    BODY_TOO_LARGE(413, "body_too_large"),
    /** Not JSON, or not the shape the action takes. */
    MALFORMED_JSON(400, "malformed_json"),
    /** No {@code X-Amz-Target}, or an action this API does not implement. */
    UNKNOWN_OPERATION(400, "unknown_operation"),
    /** A name, a limit or the order of events breaks AWS's rules ({@code InvalidParameterException}). */
    INVALID_PARAMETER(400, "invalid_parameter"),
    /** The log group or stream was never created ({@code ResourceNotFoundException}). */
    RESOURCE_NOT_FOUND(400, "resource_not_found"),
    /** Created already ({@code ResourceAlreadyExistsException}): a normal answer clients expect, counted all the same. */
    RESOURCE_ALREADY_EXISTS(400, "resource_already_exists"),
    /** Too many log groups or streams ({@code LimitExceededException}). */
    LIMIT_EXCEEDED(400, "limit_exceeded"),
    /** Events more than 14 days old: skipped, reported in {@code rejectedLogEventsInfo}; the request succeeds. */
    TOO_OLD(200, "too_old"),
    /** Events more than 2 hours ahead: skipped, reported in {@code rejectedLogEventsInfo}; the request succeeds. */
    TOO_NEW(200, "too_new"),
    /** A {@code PutLogEvents} body that is not UTF-8: stored with each bad byte replaced by U+FFFD; counted once per request, no event rejected. */
    INVALID_UTF8(200, "invalid_utf8");

    private final int status;
    private final String label;

    CloudWatchRefusal(int status, String label) {
        this.status = status;
        this.label = label;
    }

    @Override
    public int status() { return status; }

    @Override
    public String label() { return label; }
}
