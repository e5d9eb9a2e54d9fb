package io.loglane.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.loglane.bench.faults.ChildNode;
import io.loglane.bench.faults.CorruptSealed;
import io.loglane.bench.faults.FaultHarness;
import io.loglane.bench.faults.Kill9;
import io.loglane.bench.faults.LaneRow;
import io.loglane.bench.faults.LossTable;
import io.loglane.bench.faults.StoreOutage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14's fault harness, short: Forward (chunk acks) and HTTP clients load a memory, a disk and
 * a sync lane of a child loglane while it is killed with SIGKILL and restarted, its archive and
 * index fail for 2 s, and delivered sealed segments of the disk and sync lanes are damaged (at a
 * second kill). Then, from the archive by SQL: the disk and sync lanes lost and duplicated
 * nothing acknowledged; the memory lane (delivered to the archive only) counted, for the archive,
 * every event the archive misses (across the crashes, whose loss the next start counts per store);
 * ingest and delivery resumed by themselves after each fault.
 *
 * <p>How exact the memory lane's count is: never below what the archive misses (asserted), and
 * above it only by events a kill cut off the acknowledgement of: the lane had accepted them (and
 * counted them lost at the next start) and the client resent them. The archive itself no longer
 * adds to it: the lane asks it, at the restart, what it holds past its last commit, so a flush
 * made durable just before the kill counts nothing. Which in-flight events the killed lane had
 * accepted no client can see, so the excess is asserted within what can be seen: the in-flight
 * events whose resend the archive holds, plus those lost again after their resend
 * ({@link LaneRow#overCountBound}).
 * {@code ./loglane bench faults} runs the long form.
 */
class FaultHarnessIT {
    /**
     * A short run needs sealed, delivered segments early: 32 KiB segments, and an index that commits
     * (so its checkpoint moves) every second, not every 10 s.
     */
    private static final String SHORT = """
            stream:
              segment_size: 32KiB
            index:
              commit_interval: 1s
            """;

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void diskAndSyncLoseNothingAcknowledgedAndMemoryCountsItsLossThroughKillOutageAndCorruption(@TempDir Path dir) throws Exception {
        // -Dfaults.keep=DIR keeps the data and the child's log for a look after a failure
        Path work = System.getProperty("faults.keep") == null ? dir : java.nio.file.Files.createDirectories(Path.of(System.getProperty("faults.keep")));
        FaultHarness harness = new FaultHarness(work, ChildNode::new,
                new FaultHarness.Settings(150, 10, Duration.ofSeconds(3), Duration.ofSeconds(2), Duration.ofSeconds(60), SHORT), System.out);
        List<LaneRow> rows = harness.run("kill, outage, corruption", List.of(new Kill9(),
                new StoreOutage(List.of("archive", "index"), Duration.ofSeconds(2)), new CorruptSealed(List.of("fdisk", "fsync"), 2)));
        System.out.print(LossTable.markdown(rows));

        assertThat(rows).extracting(LaneRow::lane).containsExactly("fmem", "fdisk", "fsync");
        assertThat(rows).allSatisfy(r -> assertThat(r.acked()).as(r.lane() + " acknowledged events").isPositive());
        assertThat(LossTable.violations(rows)).as(LossTable.markdown(rows)).isEmpty();
        for (LaneRow r : rows) {
            if (r.durability().equals("memory")) {
                assertThat(r.archiveDropped()).as("every event the archive misses is counted dropped for it").isGreaterThanOrEqualTo(r.lost());
                assertThat(r.ledgerDropped()).as("the lane's count covers the archive's (the only store)").isEqualTo(r.archiveDropped());
                assertThat(r.overCount()).as("over-count: only in-flight events resent after a kill")
                        .isBetween(0L, r.overCountBound());
            } else {
                assertThat(r.lost()).as(r.lane()).isZero();
                assertThat(r.duplicated()).as(r.lane()).isZero();
                assertThat(r.stored()).isEqualTo(r.acked());
            }
        }
        assertThat(rows.get(1).note()).as("delivered sealed segments of the disk lane were damaged")
                .containsPattern("fdisk: [1-9]\\d* of");
    }
}
