package io.loglane.stream;

import io.loglane.core.event.RecordBlock;
import io.loglane.core.ingest.SourceTally;

/**
 * A batch to append to one lane.
 *
 * @param tag             tag shared by the records
 * @param records         the events (non-empty)
 * @param receivedAtNanos arrival time, nanoseconds since the epoch
 * @param chunkId         producer chunk id for de-duplication; null when absent
 * @param sourcePosition  opaque position in the source this batch ends at (a file tail's offset),
 *                        stored with the batch; null when not applicable (Forward, HTTP)
 * @param source          the completeness-ledger entry of the source the batch came from, so a
 *                        memory lane can count what it drops per input ({@link #input()}) and per
 *                        source; not stored. Null for appends that come from no input (tools, tests).
 */
public record AppendRequest(String tag, RecordBlock records, long receivedAtNanos, String chunkId, byte[] sourcePosition,
                            SourceTally source) {
    /** {@link #input()} of appends that come from no input (tools, tests). */
    public static final String NO_INPUT = "none";

    /** An append from no input ({@link #NO_INPUT}). */
    public AppendRequest(String tag, RecordBlock records, long receivedAtNanos, String chunkId, byte[] sourcePosition) {
        this(tag, records, receivedAtNanos, chunkId, sourcePosition, null);
    }

    /** The input the batch came from (the {@code input} metric label), or {@link #NO_INPUT}. */
    public String input() {
        return source == null ? NO_INPUT : source.source().input();
    }
}
