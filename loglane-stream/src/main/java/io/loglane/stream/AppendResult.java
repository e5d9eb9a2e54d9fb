package io.loglane.stream;

/**
 * Outcome of an append.
 *
 * @param baseOffset offset of the first record (of the earlier copy when duplicate; -1 if unknown,
 *                   as for a deferred part)
 * @param count      records in the batch
 * @param duplicate  true when the chunk id was already stored and nothing was written
 * @param deferred   true for a part of a multi-lane request ({@link LaneStreams#appendAll}) that
 *                   its lane refused after the request was journaled: the request is stored whole
 *                   (the journal holds the part), and the part is appended again until its lane
 *                   takes it, also after a restart
 */
public record AppendResult(long baseOffset, int count, boolean duplicate, boolean deferred) {
    /** A part stored now (or found to be a duplicate). */
    public AppendResult(long baseOffset, int count, boolean duplicate) {
        this(baseOffset, count, duplicate, false);
    }
}
