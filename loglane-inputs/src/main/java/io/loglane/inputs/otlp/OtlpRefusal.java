package io.loglane.inputs.otlp;

import io.loglane.inputs.http.Refusal;

/** Why the OTLP logs route refused a request, or some of its records, before the router saw them; counted under its label. */
enum OtlpRefusal implements Refusal {
    /** The body, or its gzip-decompressed content, is over its limit. */
    BODY_TOO_LARGE(413, "body_too_large"),
    /** Neither {@code application/x-protobuf} nor {@code application/json}, or an encoding other than gzip. */
    UNSUPPORTED_MEDIA_TYPE(415, "unsupported_media_type"),
    /** Not an {@code ExportLogsServiceRequest} in the declared encoding, or a broken gzip stream. */
    MALFORMED(400, "malformed_otlp"),
    /** Records with a trace or span id of the wrong length: refused, reported in {@code partial_success}; the rest is stored. */
    INVALID_RECORD(200, "invalid_record");

    private final int status;
    private final String label;

    OtlpRefusal(int status, String label) {
        this.status = status;
        this.label = label;
    }

    @Override
    public int status() { return status; }

    @Override
    public String label() { return label; }
}
