package io.loglane.delivery.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loglane.delivery.Sink;
import io.loglane.stream.StoredBatch;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@link Sink} protocol as its Javadoc states it, for every store: idempotence by offset,
 * {@code flush} returning the durable offset, and {@code open(from)} discarding everything past
 * {@code from} so redelivery from there is exact. A subclass says how to build its sink, a valid
 * batch of its records, and how to read back which offsets the store holds (from the store itself,
 * not the sink instance).
 *
 * <p>Thread-safety: JUnit runs each test on a fresh instance; a sink is used from the test thread.
 */
@Timeout(120)
public abstract class SinkContract {
    @TempDir protected Path dir;
    private final List<Sink> sinks = new ArrayList<>();

    /**
     * A new sink delivering {@code partition} of one lane kept under {@code dir}; a second one of the
     * same partition over the same {@code dir} is a restart, one of another partition runs beside it.
     */
    protected abstract Sink newSink(Path dir, int partition) throws Exception;

    /** {@code n} records of {@code partition} at offsets {@code baseOffset …}, valid for this store and telling their partition apart. */
    protected abstract StoredBatch batch(int partition, long baseOffset, int n);

    /** The offsets of every record of {@code partition} the store holds durably, with repeats, in any order. */
    protected abstract List<Long> storedOffsets(Path dir, int partition) throws Exception;

    private StoredBatch batch(long baseOffset, int n) {
        return batch(0, baseOffset, n);
    }

    private List<Long> storedOffsets(Path dir) throws Exception {
        return storedOffsets(dir, 0);
    }

    @AfterEach
    void closeSinks() throws Exception {
        for (Sink s : sinks) {
            s.close();
        }
    }

    private Sink sink() throws Exception {
        return sink(0);
    }

    private Sink sink(int partition) throws Exception {
        Sink s = newSink(dir, partition);
        sinks.add(s);
        return s;
    }

    private static List<Long> range(long from, long to) {
        return LongStream.range(from, to).boxed().toList();
    }

    @Test
    void aForcedFlushMakesEverythingWrittenDurableAndReturnsTheOffsetAfterIt() throws Exception {
        Sink s = sink();
        s.open(0);
        s.write(batch(0, 10));
        s.write(batch(10, 5));
        assertThat(s.flush(true)).isEqualTo(15);
        assertThat(storedOffsets(dir)).containsExactlyInAnyOrderElementsOf(range(0, 15));
    }

    @Test
    void aFlushNeverReturnsLessThanTheCommittedOffset() throws Exception {
        Sink s = sink();
        s.open(0);
        s.write(batch(0, 10));
        assertThat(s.flush(true)).isEqualTo(10);
        s.open(10);
        assertThat(s.flush(false)).isGreaterThanOrEqualTo(10);
        assertThat(s.flush(true)).isEqualTo(10);
    }

    @Test
    void redeliveryFromTheCommittedOffsetLeavesOneCopy() throws Exception {
        Sink s = sink();
        s.open(0);
        s.write(batch(0, 10));
        s.write(batch(10, 10));
        assertThat(s.flush(true)).isEqualTo(20);
        s.open(10); // the engine committed only 10 (it failed before committing 20) and redelivers
        s.write(batch(10, 10));
        assertThat(s.flush(true)).isEqualTo(20);
        assertThat(storedOffsets(dir)).containsExactlyInAnyOrderElementsOf(range(0, 20));
    }

    @Test
    void openDiscardsWhatWasWrittenButNotFlushed() throws Exception {
        Sink s = sink();
        s.open(0);
        s.write(batch(0, 10));
        assertThat(s.flush(true)).isEqualTo(10);
        s.write(batch(10, 10)); // buffered, never forced
        s.open(10);
        assertThat(s.flush(true)).isEqualTo(10);
        assertThat(storedOffsets(dir)).containsExactlyInAnyOrderElementsOf(range(0, 10));
    }

    @Test
    void aRestartedSinkTakesWhatLiesPastTheCheckpointAgainOnce() throws Exception {
        Sink before = sink();
        before.open(0);
        before.write(batch(0, 10));
        before.write(batch(10, 10));
        assertThat(before.flush(true)).isEqualTo(20);
        before.close();
        sinks.remove(before);

        Sink after = sink(); // crashed before the checkpoint moved past 10
        after.open(10);
        after.write(batch(10, 10));
        assertThat(after.flush(true)).isEqualTo(20);
        assertThat(storedOffsets(dir)).containsExactlyInAnyOrderElementsOf(range(0, 20));
    }

    @Test
    void aLostCheckpointRedeliversEverythingWithoutDuplicates() throws Exception {
        Sink s = sink();
        s.open(0);
        s.write(batch(0, 10));
        assertThat(s.flush(true)).isEqualTo(10);
        s.open(0); // the checkpoint was lost: delivery restarts at the lane's start
        s.write(batch(0, 10));
        s.write(batch(10, 5));
        assertThat(s.flush(true)).isEqualTo(15);
        assertThat(storedOffsets(dir)).containsExactlyInAnyOrderElementsOf(range(0, 15));
    }

    @Test
    void eachPartitionIsItsOwnOffsetSpaceAndRecoveringOneLeavesTheOthersRecords() throws Exception {
        Sink p1 = sink(1);
        assertThat(p1.partition()).isEqualTo(1);
        p1.open(0);
        p1.write(batch(1, 0, 10));
        assertThat(p1.flush(true)).isEqualTo(10);

        Sink p0 = sink(0);
        p0.open(0); // the same offsets in another partition are other records
        p0.write(batch(0, 0, 6));
        assertThat(p0.flush(true)).isEqualTo(6);
        p0.open(0); // partition 0's checkpoint was lost: its redelivery must not touch partition 1
        p0.write(batch(0, 0, 6));
        assertThat(p0.flush(true)).isEqualTo(6);
        p1.open(5); // partition 1 redelivers past its own checkpoint only
        p1.write(batch(1, 5, 5));
        assertThat(p1.flush(true)).isEqualTo(10);

        assertThat(storedOffsets(dir, 0)).containsExactlyInAnyOrderElementsOf(range(0, 6));
        assertThat(storedOffsets(dir, 1)).containsExactlyInAnyOrderElementsOf(range(0, 10));
    }

    @Test
    void aBatchOfAnotherPartitionIsRefusedAndNothingOfItStored() throws Exception {
        Sink s = sink(0);
        s.open(0);
        assertThatThrownBy(() -> s.write(batch(1, 0, 3))).isInstanceOf(IllegalArgumentException.class);
        assertThat(s.flush(true)).isZero();
        assertThat(storedOffsets(dir, 0)).isEmpty();
        assertThat(storedOffsets(dir, 1)).isEmpty();
    }
}
