package io.loglane.delivery;

import io.loglane.stream.StoredBatch;

/**
 * A store's writer for one lane, driven by one delivery consumer. Sinks classify failures; the
 * delivery engine owns retries, backoff and checkpoints (sinks never loop on errors themselves).
 *
 * <h2>Protocol</h2>
 * <ol>
 *   <li>{@link #open(long)} with the committed checkpoint: the sink discards any state past it
 *       (buffered rows, or files a crash left behind) so redelivery from there is exact.</li>
 *   <li>{@link #write} for each batch in offset order; the sink may buffer.</li>
 *   <li>{@link #flush(boolean)} after each poll: the sink makes due data durable in the store and
 *       returns the offset through which everything is durable there; the engine commits it.</li>
 * </ol>
 * Writes must be idempotent by offset: delivering the same offsets twice leaves one copy.
 * On any exception the engine backs off and starts over at step 1 with the last commit.
 *
 * <p>Thread-safety: called from one delivery thread only.
 */
public interface Sink extends AutoCloseable {
    /** Store name as used in a lane's {@code to:} list, e.g. {@code archive}. */
    String store();

    void open(long committedOffset) throws Exception;

    /**
     * @throws SinkException with {@code retriable} false for a record the store rejects as invalid
     *     forever (it goes to the dead-letter path, never silently away)
     */
    void write(StoredBatch batch) throws Exception;

    /**
     * @param force make everything written so far durable now ({@code POST /api/v1/flush}, shutdown)
     * @return offset after the last durable record; never less than the committed offset passed to open
     */
    long flush(boolean force) throws Exception;

    @Override
    void close() throws Exception;
}
