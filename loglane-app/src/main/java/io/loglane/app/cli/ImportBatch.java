package io.loglane.app.cli;

/**
 * One request body of an import: {@code lines} NDJSON records in {@code body[0, length)}, made
 * from the input's (decompressed) bytes starting at {@code startOffset}. The offset with the
 * input's fingerprint makes the batch's idempotency key.
 */
record ImportBatch(byte[] body, int length, int lines, long startOffset) {}
