package io.loglane.stream.local;

/**
 * A batch encoded by {@link BatchCodec#encode}, CRC included, waiting for its base offset.
 * {@code bytes[0, length)} is the batch; the array may be longer.
 *
 * @param bytes           the buffer
 * @param length          batch length in bytes
 * @param recordCount     records in the batch
 * @param receivedAtNanos arrival time (kept for retention and the dedup window)
 *
 * <p>Thread-safety: owned by the appending thread until written; the base offset is patched in
 * place under the lane's append lock.
 */
public record EncodedBatch(byte[] bytes, int length, int recordCount, long receivedAtNanos) {}
