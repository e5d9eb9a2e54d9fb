package io.loglane.stream;

import java.io.IOException;
import java.time.Duration;

/**
 * Sequential reader of a lane. Returns whole batches: when positioned inside a batch it returns
 * that batch and the caller skips records below {@link #position()} it asked for.
 *
 * <p>Thread-safety: one thread per reader.
 */
public interface StreamReader extends AutoCloseable {
    /**
     * The next batch at or after the position, waiting up to {@code wait} for one to be appended.
     *
     * @return the batch, or null when none arrived in time
     * @throws IOException on an unreadable segment
     */
    StoredBatch poll(Duration wait) throws IOException, InterruptedException;

    /** The offset the next {@link #poll} starts from. */
    long position();

    /** Moves to {@code offset} (clamped to the lane's start offset). */
    void seek(long offset) throws IOException;

    /**
     * Records skipped because retention or a memory lane's overflow removed them before this
     * reader got to them (0 on disk/sync lanes, which never delete unconsumed data).
     */
    long skipped();

    @Override
    void close() throws IOException;
}
