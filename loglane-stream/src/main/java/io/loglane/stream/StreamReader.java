package io.loglane.stream;

import java.io.IOException;
import java.time.Duration;

/**
 * Sequential reader of a lane. Returns whole batches: when positioned inside a batch it returns
 * that batch and the caller skips records below {@link #position()} it asked for.
 *
 * <p>Offsets increase but need not be contiguous: crash recovery can leave a gap (offsets that
 * hold no records and are never handed out again). A reader positioned in a gap skips it: it
 * returns the first batch after the gap (whose base offset is then above the position it was
 * at), or, when nothing follows the gap yet, moves {@link #position()} to the gap's end and waits
 * there. It neither fails nor spins on a gap.
 *
 * <p>Thread-safety: one thread per reader.
 */
public interface StreamReader extends AutoCloseable {
    /**
     * The next batch at or after the position (past any gap), waiting up to {@code wait} for one
     * to be appended.
     *
     * @return the batch, or null when none arrived in time
     * @throws IOException on an unreadable segment
     */
    StoredBatch poll(Duration wait) throws IOException, InterruptedException;

    /**
     * The offset the next {@link #poll} starts from. Nothing is stored between the end of the last
     * batch returned and it (it moves past gaps), so a consumer that has delivered everything
     * returned so far may commit it.
     */
    long position();

    /**
     * The partition this reader reads ({@link Partitions}): {@link #position()} and the offsets of
     * the batches it returns are offsets of that partition, and each batch carries it.
     */
    default int partition() { return Partitions.SINGLE; }

    /** Moves to {@code offset} (clamped to the lane's start offset). */
    void seek(long offset) throws IOException;

    /**
     * Records skipped because retention or a memory lane's overflow removed them before this
     * reader got to them (0 on disk/sync lanes, which never delete unconsumed data). Gaps do not
     * count: they never held records.
     */
    long skipped();

    @Override
    void close() throws IOException;
}
