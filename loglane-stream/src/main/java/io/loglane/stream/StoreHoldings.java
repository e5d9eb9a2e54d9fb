package io.loglane.stream;

/**
 * What a store holds durably of one lane partition, as the store itself tells it when its delivery
 * consumer registers (before it delivers anything in this run). A lane that cannot redeliver what
 * a crash lost (a {@code memory} lane) asks it to count exactly what the crash cost that store: an
 * event the store had made durable whose checkpoint commit the crash pre-empted is stored, not lost.
 *
 * <p>Offsets are the lane partition's; a store answers from its own durable state only (files
 * renamed into place, a committed index), never from what it buffered.
 *
 * <p>Thread-safety: called once, on the thread that registers the consumer, before the store's
 * delivery starts.
 */
@FunctionalInterface
public interface StoreHoldings {
    /** A store that cannot tell: the lane counts by the consumer's checkpoint alone. */
    StoreHoldings UNKNOWN = (from, to) -> -1;

    /**
     * The number of events with offsets in {@code [from, to)} the store holds durably, each counted
     * once, or -1 when it cannot tell (an exception means the same).
     */
    long durablyStored(long from, long to) throws Exception;
}
