package io.loglane.stream;

import io.loglane.core.event.RecordBlock;
import io.loglane.core.ingest.Source;

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
 * @param source          the completeness-ledger source the events were counted under when they
 *                        arrived ({@link io.loglane.core.ingest.SourceTally#source()}: input and peer,
 *                        {@code other} beyond the ledger's cap), or null when unknown (appends from no
 *                        input, batches stored before sources were)
 * @param chainPrev       on a lane with an audit hash chain ({@code audit_chain}): the chain hash of
 *                        the record before this batch's first (32 bytes, zeros for the chain's first
 *                        record), from which a reader recomputes each record's hash
 *                        ({@link io.loglane.core.audit.AuditChain}); null on other lanes
 */
public record StoredBatch(int partition, long baseOffset, String tag, long receivedAtNanos, RecordBlock records, String chunkId,
        byte[] sourcePosition, Source source, byte[] chainPrev) {
    /** A batch of a lane without a hash chain. */
    public StoredBatch(int partition, long baseOffset, String tag, long receivedAtNanos, RecordBlock records, String chunkId,
            byte[] sourcePosition, Source source) {
        this(partition, baseOffset, tag, receivedAtNanos, records, chunkId, sourcePosition, source, null);
    }

    /** A batch of partition {@link Partitions#SINGLE}, the one partition of local and memory lanes, from no known source. */
    public StoredBatch(long baseOffset, String tag, long receivedAtNanos, RecordBlock records, String chunkId, byte[] sourcePosition) {
        this(Partitions.SINGLE, baseOffset, tag, receivedAtNanos, records, chunkId, sourcePosition, null);
    }

    /** Offset after the last record of this batch. */
    public long nextOffset() { return baseOffset + records.count(); }
}
