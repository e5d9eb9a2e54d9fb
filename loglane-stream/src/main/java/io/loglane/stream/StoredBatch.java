package io.loglane.stream;

import io.loglane.core.event.RecordBlock;

/**
 * A batch as read back from a lane.
 *
 * @param baseOffset      offset of the first record
 * @param tag             tag shared by the records
 * @param receivedAtNanos when loglane received it
 * @param records         the events, in offset order
 * @param chunkId         producer chunk id, or null
 * @param sourcePosition  source position, or null
 */
public record StoredBatch(long baseOffset, String tag, long receivedAtNanos, RecordBlock records, String chunkId, byte[] sourcePosition) {
    /** Offset after the last record of this batch. */
    public long nextOffset() { return baseOffset + records.count(); }
}
