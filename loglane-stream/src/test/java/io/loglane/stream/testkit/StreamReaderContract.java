package io.loglane.stream.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loglane.stream.LaneStream;
import io.loglane.stream.StoredBatch;
import io.loglane.stream.StreamReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@link StreamReader} contract as its Javadoc states it, for every lane implementation (a
 * subclass supplies the {@link LaneFixture}). Gaps are implementation-made (crash recovery) and
 * tested beside each implementation.
 *
 * <p>Thread-safety: JUnit runs each test on a fresh instance.
 */
@Timeout(60)
public abstract class StreamReaderContract {
    @TempDir protected Path dir;
    private final List<AutoCloseable> opened = new ArrayList<>();

    /** The implementation under test. */
    protected abstract LaneFixture fixture();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
    }

    private LaneStream open() throws Exception {
        LaneStream lane = fixture().open(dir, new FillingDisk());
        opened.add(lane);
        return lane;
    }

    private StreamReader reader(LaneStream lane, long offset) throws Exception {
        StreamReader r = lane.reader(offset);
        opened.add(r);
        return r;
    }

    @Test
    void aPollWithNothingNewReturnsNullAndKeepsThePosition() throws Exception {
        LaneStream lane = open();
        LaneStreamContract.append(lane, Fixtures.request(3, 0));
        StreamReader r = reader(lane, lane.endOffset());
        assertThat(r.poll(Duration.ofMillis(20))).isNull();
        assertThat(r.position()).isEqualTo(lane.endOffset());
    }

    @Test
    void aWaitingPollReturnsTheBatchAppendedMeanwhile() throws Exception {
        LaneStream lane = open();
        StreamReader r = reader(lane, lane.endOffset());
        CompletableFuture<StoredBatch> polled = CompletableFuture.supplyAsync(() -> {
            try {
                return r.poll(Duration.ofSeconds(20));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        long base = LaneStreamContract.append(lane, Fixtures.request(4, 0)).baseOffset();
        StoredBatch b = polled.get(20, TimeUnit.SECONDS);
        assertThat(b).isNotNull();
        assertThat(b.baseOffset()).isEqualTo(base);
        assertThat(r.position()).isEqualTo(base + 4);
    }

    @Test
    void positionMovesPastEachBatchReturnedAndSeekRepositions() throws Exception {
        LaneStream lane = open();
        long base = LaneStreamContract.append(lane, Fixtures.request(10, 0)).baseOffset();
        LaneStreamContract.append(lane, Fixtures.request(10, 1));
        StreamReader r = reader(lane, base);
        assertThat(r.poll(Duration.ZERO).baseOffset()).isEqualTo(base);
        assertThat(r.position()).isEqualTo(base + 10);
        r.seek(base + 15);
        assertThat(r.poll(Duration.ZERO).baseOffset()).as("the whole batch holding the position").isEqualTo(base + 10);
        r.seek(base);
        assertThat(r.poll(Duration.ZERO).baseOffset()).isEqualTo(base);
        r.seek(0);
        assertThat(r.position()).as("clamped to the lane's start").isEqualTo(lane.startOffset());
        assertThat(r.skipped()).as("nothing was removed before the reader got to it").isZero();
    }

    @Test
    void aReaderOfAPartitionReturnsThatPartitionsBatchesAndNoPartitionBeyondTheLanesExists() throws Exception {
        LaneStream lane = open();
        long base = LaneStreamContract.append(lane, Fixtures.request(6, 0)).baseOffset();
        assertThat(lane.partitions()).isPositive();
        int found = 0;
        for (int p = 0; p < lane.partitions(); p++) {
            StreamReader r = lane.reader(p, 0);
            opened.add(r);
            assertThat(r.partition()).isEqualTo(p);
            for (StoredBatch b = r.poll(Duration.ZERO); b != null; b = r.poll(Duration.ZERO)) {
                assertThat(b.partition()).as("a batch carries the partition it was read from").isEqualTo(p);
                assertThat(b.baseOffset()).isEqualTo(base);
                found++;
            }
        }
        assertThat(found).as("the batch is in exactly one partition").isEqualTo(1);
        long ends = 0;
        for (int p = 0; p < lane.partitions(); p++) {
            assertThat(lane.startOffset(p)).isLessThanOrEqualTo(lane.endOffset(p));
            ends += lane.endOffset(p) - lane.startOffset(p);
        }
        assertThat(ends).as("the partitions' offsets hold the batch").isGreaterThanOrEqualTo(6);
        assertThatThrownBy(() -> lane.endOffset(lane.partitions())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> lane.reader(lane.partitions(), 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> lane.reader(-1, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void readersAreIndependent() throws Exception {
        LaneStream lane = open();
        long base = LaneStreamContract.append(lane, Fixtures.request(5, 0)).baseOffset();
        StreamReader a = reader(lane, base);
        StreamReader b = reader(lane, base);
        assertThat(a.poll(Duration.ZERO).baseOffset()).isEqualTo(base);
        assertThat(a.poll(Duration.ZERO)).isNull();
        assertThat(b.poll(Duration.ZERO).baseOffset()).as("a's progress does not move b").isEqualTo(base);
    }
}
