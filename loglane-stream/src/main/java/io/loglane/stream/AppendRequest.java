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
 * @param input           the input the batch came from (the {@code input} metric label), so a memory
 *                        lane can count what it drops per input; not stored
 */
public record AppendRequest(String tag, RecordBlock records, long receivedAtNanos, String chunkId, byte[] sourcePosition,
                            String input) {
    /** {@link #input} of appends that come from no input (tools, tests). */
    public static final String NO_INPUT = "none";

    public AppendRequest {
        java.util.Objects.requireNonNull(input, "input (use NO_INPUT)");
    }

    /** An append from no input ({@link #NO_INPUT}). */
    public AppendRequest(String tag, RecordBlock records, long receivedAtNanos, String chunkId, byte[] sourcePosition) {
        this(tag, records, receivedAtNanos, chunkId, sourcePosition, NO_INPUT);
    }
}
