package io.loglane.stream;

import io.loglane.core.event.RecordBlock;

/**
 * A batch as read back from a lane.
 *
 * @param partition       the lane partition the batch is stored in ({@link Partitions}); its offsets
 *                        are offsets of that partition
 * @param baseOffset      offset of the first record
 * @param tag             tag shared by the records
 * @param receivedAtNanos when loglane received it
 * @param records         the events, in offset order
 * @param chunkId         producer chunk id, or null
 * @param sourcePosition  source position, or null
 */
public record StoredBatch(int partition, long baseOffset, String tag, long receivedAtNanos, RecordBlock records, String chunkId,
        byte[] sourcePosition) {
    /** A batch of partition {@link Partitions#SINGLE}, the one partition of local and memory lanes. */
    public StoredBatch(long baseOffset, String tag, long receivedAtNanos, RecordBlock records, String chunkId, byte[] sourcePosition) {
        this(Partitions.SINGLE, baseOffset, tag, receivedAtNanos, records, chunkId, sourcePosition);
    }

    /** Offset after the last record of this batch. */
    public long nextOffset() { return baseOffset + records.count(); }
}
