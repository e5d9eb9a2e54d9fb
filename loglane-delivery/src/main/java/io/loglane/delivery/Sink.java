package io.loglane.delivery;

import io.loglane.stream.StoredBatch;

/**
 * A store's writer for one lane, driven by one delivery consumer. Sinks classify failures; the
 * delivery engine owns retries, backoff and checkpoints (sinks never loop on errors themselves).
 *
 * <h2>Protocol</h2>
 * <ol>
 *   <li>{@link #open(long)} with the committed checkpoint: the sink discards what it buffered and
 *       makes redelivery from there exact: records past the checkpoint that the store already holds
 *       (flushed but never committed, or left by a crash) are either removed now or skipped when
 *       they are delivered again, so each offset is stored once.</li>
 *   <li>{@link #write} for each batch in offset order; the sink may buffer.</li>
 *   <li>{@link #flush(boolean)} after each poll: the sink makes due data durable in the store and
 *       returns the offset through which everything is durable there; the engine commits it.</li>
 * </ol>
 * Writes must be idempotent by offset: delivering the same offsets twice leaves one copy, also
 * when a lost checkpoint makes the engine start over below what the store holds. {@link #flush}
 * never returns less than the offset passed to {@link #open}. On any exception the engine backs
 * off and starts over at step 1 with the last commit.
 *
 * <p>Every store runs the contract suite {@code io.loglane.delivery.testkit.SinkContract} (this
 * module's test-jar).
 *
 * <p>Thread-safety: called from one delivery thread only.
 */
public interface Sink extends AutoCloseable {
    /** The store's kind as used in a lane's {@code to:} list, e.g. {@code archive}. */
    String store();

    /**
     * The store instance this sink writes the lane to: unique among the lane's consumers, it names
     * the consumer's checkpoint (and its metrics), so two stores of one kind on one lane (two
     * archives) each keep their own. The default instance of a kind is named after the kind, which
     * keeps the checkpoints written before instances existed (named by kind) valid with no
     * migration. Must be a valid checkpoint name (letters, digits, {@code _.-}).
     */
    default String instance() { return store(); }

    /**
     * The lane partition this sink delivers ({@code io.loglane.stream.Partitions}): one sink, and one
     * consumer with its own checkpoint, per partition. Its offsets are that partition's, and the
     * store must keep what it holds of each partition apart (the archive names files
     * {@code p<partition>-…}), so that recovery of one partition never touches another's records.
     * {@link #write} takes only batches of this partition. Local and memory lanes have partition 0.
     */
    default int partition() { return io.loglane.stream.Partitions.SINGLE; }

    void open(long committedOffset) throws Exception;

    /**
     * How many events of this sink's partition with offsets in {@code [from, to)} the store holds
     * durably, each counted once, read from the store itself (its files, its commit), not from
     * anything buffered; -1 when it cannot tell (the default). The engine asks once, when the
     * consumer registers, before {@link #open}; a {@code memory} lane uses it to count exactly
     * what a crash of the previous run cost this store ({@code io.loglane.stream.StoreHoldings}).
     * Idempotence by offset is what makes the count exact: a store holds each offset once.
     */
    default long durablyStored(long from, long to) throws Exception {
        return -1;
    }

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
