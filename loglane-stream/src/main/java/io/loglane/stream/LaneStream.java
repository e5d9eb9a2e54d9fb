package io.loglane.stream;

import io.loglane.core.config.Durability;
import io.loglane.core.lifecycle.Component;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;

/**
 * One lane's durable stream: an append-only sequence of record batches addressed by per-record
 * offsets (a batch of n records starting at base offset b holds offsets b … b+n-1).
 *
 * <p>Offsets only grow and are never reused, but they may have gaps: recovery of a local lane (at
 * start-up, or while running when a reader meets a corrupt batch in a sealed segment) skips the
 * offsets of records it had to drop, and start-up raises the next offset above every consumer
 * checkpoint (see the local stream's FORMAT.md). Readers skip gaps ({@link StreamReader}).
 *
 * <h2>Partitions</h2>
 * A lane is split into {@link #partitions()} partitions, numbered from 0, each its own offset
 * space with its own readers and consumer checkpoints ({@link Partitions}); a batch carries its
 * partition ({@link StoredBatch#partition()}). The local and memory lanes have one partition, 0,
 * and the partition-less methods ({@link #reader(long)}, {@link #startOffset()},
 * {@link #endOffset()}, {@link ConsumerCheckpoints#committed(String)}) are that partition's. A
 * backend with several partitions (Kafka) overrides the defaults below.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>{@link #append} assigns offsets in call order and returns a future that completes once the
 *       batch is as durable as {@link #durability()} demands. Every refusal comes through the
 *       future ({@link io.loglane.core.ingest.IngestRejectedException}: {@code INVALID} for an empty
 *       batch, {@code DISK_FULL} or {@code STORAGE_ERROR} when storing failed); {@code append}
 *       itself does not throw, and a refused append takes no offset. It fails with
 *       {@link io.loglane.core.ingest.IngestRejectedException} (reason {@code BACKPRESSURE}) when a
 *       disk/sync lane holds {@code maxLaneBytes} of data some consumer has not yet committed; it
 *       never deletes unconsumed data on such lanes. A memory lane instead drops its oldest batches
 *       and counts them.</li>
 *   <li>An append whose {@code chunkId} was stored within the dedup window completes with
 *       {@link AppendResult#duplicate()} true, the first copy's offsets, and stores nothing. Only a
 *       stored append records its id: after a refused one the resend is stored; a resend arriving
 *       while the first copy is still being stored waits for it and, if that copy fails, is stored
 *       itself. Lanes that keep their records across a restart (disk, sync) keep the window too.</li>
 *   <li>Offsets never repeat, also across restarts and crashes (a memory lane, which loses its
 *       records at a restart, continues above every offset it handed out).</li>
 *   <li>Readers see a batch only after its append is durable per the lane's durability.</li>
 *   <li>Retention removes whole segments older than the lane's age or beyond its size, but on
 *       disk/sync lanes never past the lowest committed checkpoint of a registered consumer.</li>
 * </ul>
 *
 * <p>Implementations: the local segmented log and a memory ring now; Kafka (topic per lane) later.
 * Each runs the contract suites {@code io.loglane.stream.testkit.LaneStreamContract} and
 * {@code StreamReaderContract} (this module's test-jar) through a small {@code LaneFixture}.
 * Thread-safety: safe for concurrent appenders and readers.
 */
public interface LaneStream extends Component {
    String lane();

    Durability durability();

    CompletableFuture<AppendResult> append(AppendRequest request);

    /**
     * Admission: whether the lane has room for an append of about {@code bytes} now, answered by the
     * lane from its own accounting. False exactly when a disk/sync lane's data not yet committed by
     * every registered consumer, plus {@code bytes}, exceeds {@code maxLaneBytes} ({@link #append}
     * would refuse with {@code BACKPRESSURE}); a memory lane always has room (it drops its oldest
     * batches instead). Callers pass the batch's uncompressed size, which bounds what it takes
     * stored. An answer, not a reservation: a concurrent append can take the room, and the append
     * itself decides. The router asks every target lane before appending any part of a request; a
     * request spanning lanes that loses such a race is still stored whole ({@link LaneStreams#appendAll}:
     * the part the lane refuses is deferred until it has room).
     * Cheap while a lane is far from its limit; safe to call concurrently with appends.
     */
    boolean hasRoomFor(long bytes);

    /** A reader of partition {@link Partitions#SINGLE} positioned at {@code offset} (clamped to {@link #startOffset()} if older). */
    StreamReader reader(long offset) throws IOException;

    /** Number of partitions, numbered from 0; always 1 for the local and memory lanes. */
    default int partitions() { return 1; }

    /**
     * A reader of {@code partition} positioned at {@code offset} of that partition.
     *
     * @throws IllegalArgumentException for a partition the lane does not have
     */
    default StreamReader reader(int partition, long offset) throws IOException {
        Partitions.requireSingle(partition);
        return reader(offset);
    }

    /** The oldest offset still held (of partition {@link Partitions#SINGLE}). */
    long startOffset();

    /** The offset the next appended record will get (in partition {@link Partitions#SINGLE}). */
    long endOffset();

    /**
     * The oldest offset {@code partition} still holds.
     *
     * @throws IllegalArgumentException for a partition the lane does not have
     */
    default long startOffset(int partition) {
        Partitions.requireSingle(partition);
        return startOffset();
    }

    /**
     * The offset the next record appended to {@code partition} will get.
     *
     * @throws IllegalArgumentException for a partition the lane does not have
     */
    default long endOffset(int partition) {
        Partitions.requireSingle(partition);
        return endOffset();
    }

    /** Bytes held on disk (or in memory for a memory lane). */
    long sizeBytes();

    /** Committed positions of this lane's consumers. */
    ConsumerCheckpoints checkpoints();

    /**
     * The last append the lane refused for a storage reason of its own (disk full, I/O error,
     * failed fsync) when no append has been stored since: present exactly while the lane refuses
     * writes (health checks read it). Back-pressure and invalid input do not count. Empty for lanes
     * that cannot fail that way (memory).
     */
    default java.util.Optional<AppendFailure> lastAppendFailure() {
        return java.util.Optional.empty();
    }
}
