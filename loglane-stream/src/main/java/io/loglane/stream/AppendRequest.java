package io.loglane.stream;

import io.loglane.core.event.RecordBlock;

/**
 * A batch to append to one lane.
 *
 * @param tag             tag shared by the records
 * @param records         the events (non-empty)
 * @param receivedAtNanos arrival time, nanoseconds since the epoch
 * @param chunkId         producer chunk id for de-duplication; null when absent
 * @param sourcePosition  opaque position in the source this batch ends at (a file tail's offset),
 *                        stored with the batch; null when not applicable
 */
public record AppendRequest(String tag, RecordBlock records, long receivedAtNanos, String chunkId, byte[] sourcePosition) {}
