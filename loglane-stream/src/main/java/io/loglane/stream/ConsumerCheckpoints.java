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
 * <p>A checkpoint is per lane partition ({@link Partitions}): the partition-less methods are those
 * of partition {@link Partitions#SINGLE}, the only one of local and memory lanes, which implement
 * them alone; the partition methods then accept only that partition. Registration covers every
 * partition.
 *
 * <p>Thread-safety: safe for concurrent use.
 */
public interface ConsumerCheckpoints {
    /** Declares a consumer so retention keeps what it has not committed. */
    void register(String consumer) throws IOException;

    /**
     * Declares a consumer as {@link #register(String)}, and says what its store holds durably. Only
     * a lane that counts what a crash lost per store reads it ({@code memory} lanes: the events of
     * the previous run past the consumer's last commit that the store nonetheless holds are not
     * counted as dropped for it); the default ignores it.
     */
    default void register(String consumer, StoreHoldings holdings) throws IOException {
        register(consumer);
    }

    /** The committed offset, or the lane's start offset when nothing was committed yet. */
    long committed(String consumer);

    void commit(String consumer, long offset) throws IOException;

    /** Every registered consumer and its committed offset (of partition {@link Partitions#SINGLE}). */
    Map<String, Long> all();

    /**
     * The committed offset of {@code consumer} in {@code partition}, or that partition's start
     * offset when nothing was committed yet.
     *
     * @throws IllegalArgumentException for a partition the lane does not have
     */
    default long committed(String consumer, int partition) {
        Partitions.requireSingle(partition);
        return committed(consumer);
    }

    /**
     * Commits {@code offset} of {@code partition} for {@code consumer}.
     *
     * @throws IllegalArgumentException for a partition the lane does not have
     */
    default void commit(String consumer, int partition, long offset) throws IOException {
        Partitions.requireSingle(partition);
        commit(consumer, offset);
    }
}
