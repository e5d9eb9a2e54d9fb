package io.loglane.stream.local;

import io.loglane.stream.testkit.FillingDisk;
import static io.loglane.stream.local.LaneContents.bases;
import static io.loglane.stream.local.LaneContents.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loglane.core.config.Durability;
import io.loglane.core.ingest.IngestRejectedException;
import io.loglane.core.ingest.IngestRejectedException.Reason;
import io.loglane.core.telemetry.MetricNames;
import io.loglane.stream.testkit.Fixtures;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A lane on a disk that fills up ({@link FillingDisk}: real files, a shared free-space budget, the
 * OS's ENOSPC message), as in issue 10: one small append, the disk filled by someone else, appends
 * that must roll the segment, space freed again. The lane must refuse with {@code disk_full} while
 * the disk is full, show it in {@link LaneLog#lastAppendFailure()}, take appends again by itself
 * once space returns, and restart without a false quarantine.
 */
class FullDiskLaneTest {
    private static final long SEGMENT_BYTES = 4096;

    @TempDir Path tmp;
    private final FillingDisk disk = new FillingDisk();

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private LaneLog open(Durability durability) throws Exception {
        LaneLog log = new LaneLog(tmp.resolve("audit"), Lanes.spec("audit", durability), Lanes.settings(SEGMENT_BYTES, 1L << 30),
                registry, Lanes.fixed(), Runnable::run);
        log.storageHook(disk);
        log.start();
        return log;
    }

    /** Appends batch number {@code n} (5 records); returns its base offset. */
    private static long append(LaneLog log, long n) throws Exception {
        return log.append(Fixtures.request(5, n)).get(5, TimeUnit.SECONDS).baseOffset();
    }

    private static void assertRefused(LaneLog log, long n, Reason reason) {
        assertThatThrownBy(() -> append(log, n)).cause().isInstanceOf(IngestRejectedException.class)
                .satisfies(e -> assertThat(((IngestRejectedException) e).reason()).isEqualTo(reason));
    }

    /**
     * Appends copies of one batch until another would not fit the active segment, so the next
     * append must roll; returns the base offsets stored.
     */
    private static List<Long> fillActiveSegment(LaneLog log) throws Exception {
        List<Long> stored = new ArrayList<>();
        long batchBytes = 0;
        do {
            long before = log.segments().last().size();
            stored.add(append(log, 7));
            batchBytes = log.segments().last().size() - before;
        } while (log.segments().last().size() + batchBytes <= SEGMENT_BYTES);
        return stored;
    }

    @ParameterizedTest
    @EnumSource(value = Durability.class, names = {"SYNC", "DISK"})
    void aRollOnAFullDiskIsRefusedAsDiskFullAndTheLaneResumesByItselfOnceSpaceReturns(Durability durability) throws Exception {
        List<Long> stored = new ArrayList<>();
        long n = 1000;
        try (LaneLog log = open(durability)) {
            stored.add(append(log, 0));
            stored.addAll(fillActiveSegment(log));
            int segmentsBefore = log.segments().count();
            disk.fill();
            for (int i = 0; i < 5; i++) {
                assertRefused(log, 7, Reason.DISK_FULL); // each must roll the segment first
            }
            assertThat(log.lastAppendFailure()).as("a lane refusing every write shows it").hasValueSatisfying(f -> {
                assertThat(f.reason()).isEqualTo(Reason.DISK_FULL);
                assertThat(f.message()).contains(FillingDisk.ENOSPC);
                assertThat(f.since()).isEqualTo(Lanes.T0);
                assertThat(f.streak().failures()).as("every refused append in a row").isEqualTo(5);
            });
            assertThat(sealFailures()).as("the failed seal is counted (and logged at WARN)").isPositive();

            disk.free();
            for (int i = 0; i < 5; i++) {
                stored.add(append(log, n++));
            }
            assertThat(log.lastAppendFailure()).as("cleared by the next stored append").isEmpty();
            assertThat(log.segments().count()).as("the roll happened once space returned").isGreaterThan(segmentsBefore);
            assertThat(bases(readAll(log))).isEqualTo(stored);
        }
        try (LaneLog log = open(durability)) {
            assertThat(log.recoveryReport().quarantined()).as("no false quarantine").isEmpty();
            assertThat(log.recoveryReport().lossless()).isTrue();
            assertThat(bases(readAll(log))).as("every acknowledged batch, in order").isEqualTo(stored);
        }
    }

    private double sealFailures() {
        return registry.find(MetricNames.STREAM_SEAL_FAILURES).tag(MetricNames.LANE, "audit").counter().count();
    }

    /**
     * A failed fsync may have dropped the written bytes from the page cache while a later fsync
     * reports success: a sync lane must then ack nothing more, not even once fsyncs work again.
     */
    @Test
    void aFailedFsyncWhenSealingARolledSegmentFailsTheSyncLaneUntilARestart() throws Exception {
        List<Long> stored = new ArrayList<>();
        try (LaneLog log = open(Durability.SYNC)) {
            stored.addAll(fillActiveSegment(log));
            disk.failFsync = true;
            assertRefused(log, 7, Reason.STORAGE_ERROR);
            assertThat(sealFailures()).isEqualTo(1);
            disk.failFsync = false;
            assertRefused(log, 7, Reason.STORAGE_ERROR);
            assertThat(log.lastAppendFailure()).hasValueSatisfying(f -> assertThat(f.message()).contains("restart"));
        }
        try (LaneLog log = open(Durability.SYNC)) {
            assertThat(bases(readAll(log))).as("every acknowledged batch survives").isEqualTo(stored);
            stored.add(append(log, 8));
            assertThat(bases(readAll(log))).isEqualTo(stored);
        }
    }

    @Test
    void anEmptySegmentInsideTheOffsetsOfTheOneBeforeIsDeletedAtStartNotQuarantined() throws Exception {
        List<Long> stored = new ArrayList<>();
        try (LaneLog log = open(Durability.SYNC)) {
            for (int i = 0; i < 4; i++) stored.add(append(log, i));
        }
        // What an earlier version's failed roll left: the next segment's empty file, while the
        // segment before it took more appends.
        Path leftover = LaneFiles.logFile(tmp.resolve("audit"), 10);
        Files.createFile(leftover);
        try (LaneLog log = open(Durability.SYNC)) {
            assertThat(log.recoveryReport().quarantined()).isEmpty();
            assertThat(log.recoveryReport().lossless()).isTrue();
            assertThat(log.recoveryReport().tempFilesDeleted()).singleElement().asString().startsWith(leftover.getFileName().toString());
            assertThat(bases(readAll(log))).isEqualTo(stored);
        }
        assertThat(leftover).doesNotExist();
    }
}
