package io.loglane.app.cli;

/**
 * One request body of an import: whole lines of the input in {@code body[0, length)}, the first of
 * them starting at input offset {@code startOffset} (of the decompressed input). The offset with the
 * input's fingerprint and the body's checksum makes the batch's idempotency key.
 */
record ImportBatch(byte[] body, int length, long startOffset) {
    /** Lines in the body (counted when needed: the server's answer says it otherwise). */
    long lines() { return ImportBatcher.lines(body, length); }
}
