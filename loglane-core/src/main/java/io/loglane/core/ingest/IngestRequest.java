package io.loglane.core.ingest;

import io.loglane.core.event.RecordBlock;

/**
 * One batch from an input.
 *
 * @param source   who sent it, for the completeness ledger (input type, peer, tag)
 * @param tag      the Fluentd-style tag every record carries
 * @param records  the events
 * @param chunkId  the Forward {@code chunk} option or an HTTP idempotency key in its input's
 *                 namespace ({@link ChunkIds}); null when absent. A request whose chunk id was
 *                 already stored within the dedup window is acknowledged without being stored again.
 * @param receivedAtNanos arrival time, nanoseconds since the epoch
 */
public record IngestRequest(Source source, String tag, RecordBlock records, String chunkId, long receivedAtNanos) {
    public IngestRequest {
        if (source == null || tag == null || records == null) {
            throw new IllegalArgumentException("source, tag and records are required");
        }
    }
}
