package io.loglane.core.ingest;

import io.loglane.core.event.RecordBlock;

/**
 * One batch from an input.
 *
 * @param source   who sent it ({@link Source}: input and peer host; with {@code tag} the key of the
 *                 completeness ledger, {@link SourceLedger})
 * @param tag      the Fluentd-style tag every record carries
 * @param records  the events
 * @param chunkId  the Forward {@code chunk} option or an HTTP idempotency key in its input's
 *                 namespace ({@link ChunkIds}); null when absent. A request whose chunk id was
 *                 already stored within the dedup window is acknowledged without being stored again.
 * @param receivedAtNanos arrival time, nanoseconds since the epoch
 * @param sourcePosition where in its source this batch ends, stored with each lane's part of it (the
 *                 stream batch's {@code sourcePosition} slot) so an input that reads a resumable
 *                 source (a file tail: inode and offset) can restart from what the stream holds.
 *                 Opaque to everything but the input that wrote it. Null when the source has no
 *                 position: a Forward connection and an HTTP request have nothing the sender could
 *                 be resumed from (a resent batch is recognised by its chunk id instead), so they
 *                 leave the slot empty. Not copied: the input must not change the array afterwards.
 */
public record IngestRequest(Source source, String tag, RecordBlock records, String chunkId, long receivedAtNanos,
                            byte[] sourcePosition) {
    public IngestRequest {
        if (source == null || tag == null || records == null) {
            throw new IllegalArgumentException("source, tag and records are required");
        }
    }
}
