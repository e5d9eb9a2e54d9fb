package io.loglane.stream;

import java.io.IOException;
import java.util.Map;

/**
 * Committed read positions of a lane's consumers (one per store instance, named by it: two
 * archives on one lane are two consumers). A checkpoint is the offset
 * after the last record the consumer has durably delivered. Commits are atomic (temp file,
 * fsync, rename, fsync of the directory); a torn or corrupt checkpoint file is reported and
 * treated as absent (redelivery from the start of the retained stream, which idempotent stores
 * absorb).
 *
 * <p>Thread-safety: safe for concurrent use.
 */
public interface ConsumerCheckpoints {
    /** Declares a consumer so retention keeps what it has not committed. */
    void register(String consumer) throws IOException;

    /** The committed offset, or the lane's start offset when nothing was committed yet. */
    long committed(String consumer);

    void commit(String consumer, long offset) throws IOException;

    /** Every registered consumer and its committed offset. */
    Map<String, Long> all();
}
