package io.loglane.stream;

/**
 * Partition ids of a lane's stream. A lane's offsets, readers and consumer checkpoints belong to
 * one partition each: a backend with several partitions per lane (Kafka: a topic per lane with
 * partitions) keeps one offset space per partition, so an offset alone does not name a record.
 * The local and memory lanes have exactly one partition, {@link #SINGLE} (0).
 *
 * <p>Thread-safety: stateless.
 */
public final class Partitions {
    /** The one partition of a single-partition lane (local, memory). */
    public static final int SINGLE = 0;

    private Partitions() {}

    /**
     * Checks that {@code partition} names a partition of a single-partition lane.
     *
     * @throws IllegalArgumentException for any partition but {@link #SINGLE}
     */
    public static void requireSingle(int partition) {
        if (partition != SINGLE) {
            throw new IllegalArgumentException("partition " + partition + " does not exist: the lane has one partition, " + SINGLE);
        }
    }
}
