package io.loglane.stream.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loglane.core.event.RecordBlock;
import io.loglane.core.ingest.IngestRejectedException;
import io.loglane.core.ingest.IngestRejectedException.Reason;
import io.loglane.stream.AppendRequest;
import io.loglane.stream.AppendResult;
import io.loglane.stream.LaneStream;
import io.loglane.stream.StoredBatch;
import io.loglane.stream.StreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@link LaneStream} contract as its Javadoc states it, for every implementation: a subclass
 * supplies a {@link LaneFixture} (a few lines) and inherits every test. Storage faults are real:
 * the lane writes through a {@link FillingDisk} that the tests fill or hold; they strike the lane's
 * first append (a memory lane writes its offset reservation then, a disk lane its segment).
 *
 * <p>Thread-safety: JUnit runs each test on a fresh instance.
 */
@Timeout(60)
public abstract class LaneStreamContract {
    private static final long WAIT_SECONDS = 10;

    @TempDir protected Path dir;
    protected final FillingDisk disk = new FillingDisk();
    private final List<LaneStream> opened = new ArrayList<>();

    /** The implementation under test. */
    protected abstract LaneFixture fixture();

    @AfterEach
    void closeLanes() throws Exception {
        for (LaneStream l : opened) {
            l.close();
        }
    }

    protected LaneStream open() throws Exception {
        LaneStream lane = fixture().open(dir, disk);
        opened.add(lane);
        return lane;
    }

    static AppendResult append(LaneStream lane, AppendRequest r) throws Exception {
        return lane.append(r).get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    static List<StoredBatch> readAll(LaneStream lane, long from) throws Exception {
        List<StoredBatch> out = new ArrayList<>();
        try (StreamReader r = lane.reader(from)) {
            for (StoredBatch b = r.poll(Duration.ZERO); b != null; b = r.poll(Duration.ZERO)) {
                out.add(b);
            }
        }
        return out;
    }

    /** The reason the future failed with; fails the test if it did not fail with an {@link IngestRejectedException}. */
    static Reason refusal(CompletableFuture<AppendResult> f) throws Exception {
        try {
            f.get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(IngestRejectedException.class);
            return ((IngestRejectedException) e.getCause()).reason();
        }
        throw new AssertionError("the append was stored, not refused");
    }

    private static Reason refusalOrNull(CompletableFuture<AppendResult> f) throws Exception {
        try {
            f.get(WAIT_SECONDS, TimeUnit.SECONDS);
            return null;
        } catch (ExecutionException e) {
            return ((IngestRejectedException) e.getCause()).reason();
        }
    }

    /** Appends without throwing: a refusal must come through the future (the router counts it there). */
    static CompletableFuture<AppendResult> appendAsync(LaneStream lane, AppendRequest r) {
        AtomicReference<CompletableFuture<AppendResult>> f = new AtomicReference<>();
        assertThatCode(() -> f.set(lane.append(r))).as("append reports failures through its future, never by throwing")
                .doesNotThrowAnyException();
        return f.get();
    }

    @Test
    void appendsGetConsecutiveOffsetsInCallOrderAndReadBackWithEveryField() throws Exception {
        LaneStream lane = open();
        long start = lane.endOffset();
        AppendResult a = append(lane, Fixtures.request(10, 0, 5L, "c0"));
        AppendResult b = append(lane, Fixtures.request(7, 1));
        assertThat(a).isEqualTo(new AppendResult(start, 10, false));
        assertThat(b).isEqualTo(new AppendResult(start + 10, 7, false));
        assertThat(lane.endOffset()).isEqualTo(start + 17);

        List<StoredBatch> read = readAll(lane, start);
        assertThat(read).hasSize(2);
        StoredBatch first = read.get(0);
        assertThat(first.baseOffset()).isEqualTo(start);
        assertThat(first.tag()).isEqualTo("app.access");
        assertThat(first.receivedAtNanos()).isEqualTo(5L);
        assertThat(first.chunkId()).isEqualTo("c0");
        assertThat(new String(first.sourcePosition(), StandardCharsets.UTF_8)).isEqualTo("pos-0");
        assertThat(first.source()).as("the ledger source the events were counted under").isEqualTo(Fixtures.SOURCE);
        assertThat(first.records().toByteArray()).isEqualTo(Fixtures.block(10, 0).toByteArray());
        assertThat(read.get(1).baseOffset()).isEqualTo(start + 10);
        assertThat(read.get(1).chunkId()).isNull();
        assertThat(read.get(1).source()).as("an append from no input").isNull();
        assertThat(read.get(1).nextOffset()).isEqualTo(lane.endOffset());
    }

    @Test
    void aReaderPositionedInsideABatchGetsTheWholeBatch() throws Exception {
        LaneStream lane = open();
        long start = lane.endOffset();
        append(lane, Fixtures.request(10, 0));
        append(lane, Fixtures.request(10, 1));
        assertThat(readAll(lane, start + 13)).extracting(StoredBatch::baseOffset).containsExactly(start + 10);
    }

    @Test
    void admissionAnswersFromTheLanesOwnCountAndACommitFreesRoom() throws Exception {
        LaneStream lane = open();
        lane.checkpoints().register("slow");
        AppendRequest r = Fixtures.request(10, 0);
        long size = r.records().length();
        assertThat(lane.hasRoomFor(size)).isTrue();
        int appended = 0;
        int limit = (int) (4 * LaneFixture.MAX_LANE_BYTES / size); // bounded: the lane is full long before
        while (lane.hasRoomFor(size) && appended < limit) {
            append(lane, Fixtures.request(10, appended)); // room means the append is taken
            appended++;
        }
        if (!fixture().pushesBack()) {
            assertThat(appended).as("a lane that drops its oldest always has room").isEqualTo(limit);
            return;
        }
        assertThat(lane.hasRoomFor(size)).as("full before %d appends", limit).isFalse();
        // The caller passes the uncompressed size, an upper bound: a few more stored batches may still fit.
        Reason refused = null;
        for (int i = 0; i < limit && refused == null; i++) {
            CompletableFuture<AppendResult> f = appendAsync(lane, Fixtures.request(10, appended + i));
            refused = refusalOrNull(f);
        }
        assertThat(refused).isEqualTo(Reason.BACKPRESSURE);
        assertThat(lane.hasRoomFor(size)).isFalse();
        lane.checkpoints().commit("slow", lane.endOffset());
        assertThat(lane.hasRoomFor(size)).as("committed data no longer counts").isTrue();
        append(lane, Fixtures.request(10, 0));
    }

    @Test
    void anEmptyBatchIsRefusedAsInvalidAndTakesNoOffset() throws Exception {
        LaneStream lane = open();
        long end = lane.endOffset();
        assertThat(refusal(appendAsync(lane, new AppendRequest("t", RecordBlock.EMPTY, 1L, null, null)))).isEqualTo(Reason.INVALID);
        assertThat(lane.endOffset()).isEqualTo(end);
    }

    @Test
    void aResentChunkIsStoredOnceAndAnsweredWithTheFirstCopysOffsets() throws Exception {
        LaneStream lane = open();
        AppendResult stored = append(lane, Fixtures.request(5, 0, 1L, "chunk-1"));
        long end = lane.endOffset();
        AppendResult again = append(lane, Fixtures.request(5, 0, 2L, "chunk-1"));
        assertThat(again).isEqualTo(new AppendResult(stored.baseOffset(), 5, true));
        assertThat(lane.endOffset()).as("nothing stored").isEqualTo(end);
        assertThat(readAll(lane, stored.baseOffset())).hasSize(1);
    }

    @Test
    void offsetsNeverRepeatAcrossARestart() throws Exception {
        LaneStream lane = open();
        long now = System.currentTimeMillis() * 1_000_000L; // within the dedup window of a lane on the system clock
        long first = append(lane, Fixtures.request(5, 0, now, "before-restart")).baseOffset();
        append(lane, Fixtures.request(5, 1));
        long end = lane.endOffset();
        lane.close();

        LaneStream again = open();
        assertThat(again.endOffset()).isGreaterThanOrEqualTo(end);
        assertThat(again.startOffset()).isLessThanOrEqualTo(again.endOffset());
        assertThat(append(again, Fixtures.request(5, 2)).baseOffset()).isGreaterThanOrEqualTo(end);
        List<StoredBatch> read = readAll(again, 0);
        if (fixture().keepsRecordsAcrossRestart()) {
            assertThat(read).extracting(StoredBatch::baseOffset).startsWith(first, first + 5);
            assertThat(append(again, Fixtures.request(5, 0, now, "before-restart")).duplicate())
                    .as("the dedup window survives with the records").isTrue();
        } else {
            assertThat(read).allSatisfy(b -> assertThat(b.baseOffset()).isGreaterThanOrEqualTo(end));
        }
    }

    @Test
    void checkpointsStartAtTheLaneStartAndMoveOnCommit() throws Exception {
        LaneStream lane = open();
        lane.checkpoints().register("store-a");
        assertThat(lane.checkpoints().committed("store-a")).isEqualTo(lane.startOffset());
        long base = append(lane, Fixtures.request(10, 0)).baseOffset();
        lane.checkpoints().commit("store-a", base + 4);
        assertThat(lane.checkpoints().committed("store-a")).isEqualTo(base + 4);
        assertThat(lane.checkpoints().all()).containsEntry("store-a", base + 4);
        lane.close();

        LaneStream again = open();
        again.checkpoints().register("store-a");
        long expected = fixture().keepsRecordsAcrossRestart() ? base + 4 : again.startOffset();
        assertThat(again.checkpoints().committed("store-a")).isEqualTo(expected);
    }

    @Test
    void checkpointsArePerPartitionAndThePartitionLessOnesArePartitionZeros() throws Exception {
        LaneStream lane = open();
        lane.checkpoints().register("store-a");
        long base = append(lane, Fixtures.request(10, 0)).baseOffset();
        lane.checkpoints().commit("store-a", 0, base + 3);
        assertThat(lane.checkpoints().committed("store-a", 0)).isEqualTo(base + 3);
        assertThat(lane.checkpoints().committed("store-a")).isEqualTo(base + 3);
        lane.checkpoints().commit("store-a", base + 5);
        assertThat(lane.checkpoints().committed("store-a", 0)).isEqualTo(base + 5);
        int beyond = lane.partitions();
        assertThatThrownBy(() -> lane.checkpoints().commit("store-a", beyond, base)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> lane.checkpoints().committed("store-a", beyond)).isInstanceOf(IllegalArgumentException.class);
        lane.close();

        LaneStream again = open();
        again.checkpoints().register("store-a");
        long expected = fixture().keepsRecordsAcrossRestart() ? base + 5 : again.startOffset();
        assertThat(again.checkpoints().committed("store-a", 0)).as("the partition's checkpoint survives a restart").isEqualTo(expected);
    }

    @Test
    void anAppendTheStorageRefusesFailsItsFutureAndTakesNoOffset() throws Exception {
        LaneStream lane = open();
        long end = lane.endOffset();
        disk.fill();
        assertThat(refusal(appendAsync(lane, Fixtures.request(5, 0)))).isIn(Reason.DISK_FULL, Reason.STORAGE_ERROR);
        assertThat(lane.endOffset()).isEqualTo(end);
        disk.free();
        assertThat(append(lane, Fixtures.request(5, 1)).baseOffset()).as("the lane takes appends again once space returns")
                .isEqualTo(end);
    }

    @Test
    void aFailedAppendDoesNotRecordItsChunkIdSoItsResendIsStored() throws Exception {
        LaneStream lane = open();
        disk.fill();
        assertThat(refusal(appendAsync(lane, Fixtures.request(5, 0, 1L, "c1")))).isIn(Reason.DISK_FULL, Reason.STORAGE_ERROR);
        disk.free();
        AppendResult resent = append(lane, Fixtures.request(5, 0, 2L, "c1"));
        assertThat(resent.duplicate()).as("the first copy was never stored").isFalse();
        assertThat(append(lane, Fixtures.request(5, 0, 3L, "c1")).duplicate()).isTrue();
        assertThat(readAll(lane, 0)).extracting(StoredBatch::chunkId).containsExactly("c1");
    }

    @Test
    void aResendWaitingOnAFirstCopyThatFailsIsStoredInsteadOfFailing() throws Exception {
        LaneStream lane = open();
        FillingDisk.Hold hold = disk.holdNextWrite();
        ExecutorService appender = Executors.newSingleThreadExecutor();
        try {
            Future<CompletableFuture<AppendResult>> first = appender.submit(() -> lane.append(Fixtures.request(5, 0, 1L, "c1")));
            assertThat(hold.reached().await(WAIT_SECONDS, TimeUnit.SECONDS)).as("the first copy is being written").isTrue();
            CompletableFuture<AppendResult> resend = appendAsync(lane, Fixtures.request(5, 0, 2L, "c1"));
            hold.release();
            assertThat(refusal(first.get(WAIT_SECONDS, TimeUnit.SECONDS))).isIn(Reason.DISK_FULL, Reason.STORAGE_ERROR);
            AppendResult r = resend.get(WAIT_SECONDS, TimeUnit.SECONDS);
            assertThat(r.duplicate()).as("nothing was stored before it: the resend is the copy that counts").isFalse();
            assertThat(readAll(lane, 0)).extracting(StoredBatch::chunkId).containsExactly("c1");
        } finally {
            hold.release();
            appender.shutdownNow();
        }
    }
}
