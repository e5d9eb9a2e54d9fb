package io.loglane.stream.local;

import static io.loglane.stream.local.LaneContents.readAll;
import static org.assertj.core.api.Assertions.assertThat;

import io.loglane.core.config.Durability;
import io.loglane.core.ingest.IngestRejectedException;
import io.loglane.core.ingest.IngestRejectedException.Reason;
import io.loglane.stream.AppendRequest;
import io.loglane.stream.AppendResult;
import io.loglane.stream.LanePart;
import io.loglane.stream.StoredBatch;
import io.loglane.stream.io.ChannelOpener;
import io.loglane.stream.journal.AtomicAppender;
import io.loglane.stream.testkit.FillingDisk;
import io.loglane.stream.testkit.Fixtures;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A request spanning two real lanes ({@link AtomicAppender} over {@link LaneLog}s) when storing
 * fails: the journal's disk is full (refused whole: no lane holds a part), the second lane's disk
 * is full or the lane is closed after the request was journaled (stored whole once the lane takes
 * its part again, also across a restart), and the race in which another request fills the second
 * lane after the router's admission check.
 */
class MultiLaneAppendTest {
    @TempDir Path tmp;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final FillingDisk journalDisk = new FillingDisk();
    private final FillingDisk auditDisk = new FillingDisk();
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private LaneLog lane(String name, Durability d, FillingDisk disk, long maxLaneBytes) throws Exception {
        LaneLog log = new LaneLog(tmp.resolve(name), Lanes.spec(name, d), Lanes.settings(4096, maxLaneBytes), registry, Lanes.fixed(),
                Runnable::run);
        if (disk != null) {
            log.storageHook(disk);
        }
        log.start();
        open.add(log);
        return log;
    }

    private AtomicAppender appender(Map<String, LaneLog> lanes, ChannelOpener journalOpener) throws Exception {
        AtomicAppender a = new AtomicAppender(tmp, name -> {
            LaneLog l = lanes.get(name);
            if (l == null) {
                throw new IllegalArgumentException("unknown lane: " + name);
            }
            return l;
        }, registry, AtomicAppender.DEFAULT_ROLL_BYTES, journalOpener);
        a.start();
        open.add(a);
        return a;
    }

    private static List<LanePart> request(LaneLog access, LaneLog audit, long n) {
        AppendRequest r = Fixtures.request(3, n);
        return List.of(new LanePart(access, r), new LanePart(audit, new AppendRequest(r.tag(), Fixtures.block(2, n + 500),
                r.receivedAtNanos(), null, null)));
    }

    private static List<AppendResult> await(List<CompletableFuture<AppendResult>> fs) throws Exception {
        List<AppendResult> out = new ArrayList<>();
        for (CompletableFuture<AppendResult> f : fs) {
            out.add(f.get(10, TimeUnit.SECONDS));
        }
        return out;
    }

    private static Reason reasonOf(CompletableFuture<AppendResult> f) throws Exception {
        try {
            f.get(10, TimeUnit.SECONDS);
            throw new AssertionError("not refused");
        } catch (ExecutionException e) {
            return ((IngestRejectedException) e.getCause()).reason();
        }
    }

    private static int records(List<StoredBatch> batches) {
        return batches.stream().mapToInt(b -> b.records().count()).sum();
    }

    /** Reads {@code log} until it holds {@code count} records (a deferred part is appended by a background retry). */
    private static List<StoredBatch> awaitRecords(LaneLog log, int count) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        List<StoredBatch> all = readAll(log);
        while (records(all) < count && System.nanoTime() < deadline) {
            Thread.sleep(20);
            all = readAll(log);
        }
        return all;
    }

    @Test
    void aJournalThatCannotBeWrittenRefusesTheWholeRequestAndNoLaneHoldsAPart() throws Exception {
        LaneLog access = lane("access", Durability.DISK, null, 1L << 30);
        LaneLog audit = lane("audit", Durability.SYNC, null, 1L << 30);
        AtomicAppender atomic = appender(Map.of("access", access, "audit", audit), journalDisk);
        journalDisk.fill();
        List<CompletableFuture<AppendResult>> refused = atomic.append(request(access, audit, 1));
        assertThat(reasonOf(refused.get(0))).isEqualTo(Reason.DISK_FULL);
        assertThat(reasonOf(refused.get(1))).isEqualTo(Reason.DISK_FULL);
        assertThat(readAll(access)).as("no consumer of the first lane can ever see its part").isEmpty();
        assertThat(readAll(audit)).isEmpty();

        journalDisk.free();
        List<AppendResult> stored = await(atomic.append(request(access, audit, 2)));
        assertThat(stored).noneMatch(AppendResult::deferred);
        assertThat(records(readAll(access))).isEqualTo(3);
        assertThat(records(readAll(audit))).isEqualTo(2);
        assertThat(atomic.unappliedParts()).isZero();
    }

    @ParameterizedTest
    @EnumSource(value = Durability.class, names = {"SYNC", "DISK"})
    void aSecondLaneOnAFullDiskGetsItsPartOnceSpaceReturnsAndRefusesFurtherRequestsWholeMeanwhile(Durability d) throws Exception {
        LaneLog access = lane("access", Durability.DISK, null, 1L << 30);
        LaneLog audit = lane("audit", d, auditDisk, 1L << 30);
        AtomicAppender atomic = appender(Map.of("access", access, "audit", audit), ChannelOpener.DEFAULT);
        auditDisk.fill();
        List<AppendResult> first = await(atomic.append(request(access, audit, 1)));
        assertThat(first.get(0).deferred()).isFalse();
        assertThat(first.get(1).deferred()).as("journaled, so stored whole: the audit part follows").isTrue();
        assertThat(readAll(audit)).isEmpty();
        assertThat(atomic.deferredParts()).isEqualTo(1);

        List<CompletableFuture<AppendResult>> second = atomic.append(request(access, audit, 2));
        assertThat(reasonOf(second.get(0))).isEqualTo(Reason.BACKPRESSURE);
        assertThat(reasonOf(second.get(1))).isEqualTo(Reason.BACKPRESSURE);
        assertThat(records(readAll(access))).as("only the first request's part").isEqualTo(3);

        auditDisk.free();
        List<StoredBatch> auditBatches = awaitRecords(audit, 2);
        assertThat(records(auditBatches)).isEqualTo(2);
        assertThat(new String(auditBatches.getFirst().records().toByteArray(), java.nio.charset.StandardCharsets.ISO_8859_1))
                .contains("\"batch\":501,");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (atomic.deferredParts() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(atomic.deferredParts()).isZero();
        assertThat(atomic.unappliedParts()).isZero();
        assertThat(await(atomic.append(request(access, audit, 3)))).noneMatch(AppendResult::deferred);
        assertThat(records(readAll(access))).isEqualTo(6);
        assertThat(records(readAll(audit))).isEqualTo(4);
    }

    @Test
    void aPartAClosedLaneRefusedIsAppendedByTheNextStartAndNoPartIsStoredTwice() throws Exception {
        LaneLog access = lane("access", Durability.SYNC, null, 1L << 30);
        LaneLog audit = lane("audit", Durability.SYNC, null, 1L << 30);
        AtomicAppender atomic = appender(Map.of("access", access, "audit", audit), ChannelOpener.DEFAULT);
        audit.close(); // a failed lane: it refuses every append
        List<AppendResult> r = await(atomic.append(request(access, audit, 1)));
        assertThat(r.get(1).deferred()).isTrue();
        atomic.close(); // stops the retries; the journal keeps the part owed
        access.close();
        open.clear();
        assertThat(atomic.journalFiles()).isEqualTo(1);

        LaneLog access2 = lane("access", Durability.SYNC, null, 1L << 30);
        LaneLog audit2 = lane("audit", Durability.SYNC, null, 1L << 30);
        AtomicAppender restarted = appender(Map.of("access", access2, "audit", audit2), ChannelOpener.DEFAULT);
        assertThat(records(readAll(audit2))).as("the next start appended the owed part").isEqualTo(2);
        assertThat(records(readAll(access2))).as("the stored part is not stored again").isEqualTo(3);
        assertThat(restarted.unappliedParts()).isZero();
        assertThat(restarted.journalFiles()).as("only the new, empty active file").isEqualTo(1);
    }

    @Test
    void aRestartReappendsPartsWhoseAppliedRecordsAreMissingAndEachLaneDeduplicatesThem() throws Exception {
        LaneLog access = lane("access", Durability.DISK, null, 1L << 30);
        LaneLog audit = lane("audit", Durability.DISK, null, 1L << 30);
        AtomicAppender atomic = appender(Map.of("access", access, "audit", audit), ChannelOpener.DEFAULT);
        long now = Lanes.T0.getEpochSecond() * 1_000_000_000L; // within the lanes' dedup window
        AppendRequest r = Fixtures.request(3, 1);
        await(atomic.append(List.of(new LanePart(access, new AppendRequest(r.tag(), r.records(), now, null, null)),
                new LanePart(audit, new AppendRequest(r.tag(), Fixtures.block(2, 501), now, null, null)))));
        // killed after both appends, before the two applied records reached the file: cut them off
        Path journal;
        try (var files = java.nio.file.Files.list(tmp.resolve(AtomicAppender.DIRECTORY))) {
            journal = files.findFirst().orElseThrow();
        }
        long appliedRecordBytes = 15 + 10;
        LaneContents.cut(journal, java.nio.file.Files.size(journal) - 2 * appliedRecordBytes);
        open.remove(atomic); // no clean close: it would delete the file
        access.close();
        audit.close();
        open.clear();

        LaneLog access2 = lane("access", Durability.DISK, null, 1L << 30);
        LaneLog audit2 = lane("audit", Durability.DISK, null, 1L << 30);
        AtomicAppender restarted = appender(Map.of("access", access2, "audit", audit2), ChannelOpener.DEFAULT);
        assertThat(records(readAll(access2))).as("re-appended, found a duplicate by its chunk id").isEqualTo(3);
        assertThat(records(readAll(audit2))).isEqualTo(2);
        assertThat(restarted.unappliedParts()).isZero();
    }

    @Test
    void anotherRequestFillingTheSecondLaneAfterTheAdmissionCheckDefersThePartUntilAConsumerMakesRoom() throws Exception {
        LaneLog access = lane("access", Durability.DISK, null, 1L << 30);
        LaneLog audit = lane("audit", Durability.DISK, null, 8 * 1024);
        audit.checkpoints().register("archive");
        AtomicAppender atomic = appender(Map.of("access", access, "audit", audit), ChannelOpener.DEFAULT);
        List<LanePart> parts = request(access, audit, 1);
        assertThat(audit.hasRoomFor(parts.get(1).request().records().length())).as("the router's check passes").isTrue();
        // the race: single-lane requests fill the audit lane before this request's parts are appended
        long n = 100;
        while (true) {
            try {
                audit.append(Fixtures.request(5, n++)).get(5, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                assertThat(((IngestRejectedException) e.getCause()).reason()).isEqualTo(Reason.BACKPRESSURE);
                break;
            }
        }
        int filled = records(readAll(audit));
        List<AppendResult> r = await(atomic.append(parts));
        assertThat(r.get(1).deferred()).isTrue();
        assertThat(records(readAll(audit))).isEqualTo(filled);

        audit.checkpoints().commit("archive", audit.endOffset()); // the consumer delivered everything
        assertThat(records(awaitRecords(audit, filled + 2))).isEqualTo(filled + 2);
        assertThat(records(readAll(access))).isEqualTo(3);
    }
}
