package io.loglane.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.loglane.app.cli.Main;
import io.loglane.stream.local.CheckReport;
import io.loglane.stream.local.LaneInspector;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damages the newest segment file and the checkpoint files of a {@code disk} lane (activity) and a
 * {@code sync} lane (audit) while the node is down, then restarts it: recovery must keep every batch
 * before the first damaged byte, report in the log what it cut off (file, byte, bytes and batches),
 * the archive must hold each intact event exactly once after a flush, the lanes must pass
 * {@code stream check}, and the node must take and serve new data.
 *
 * <p>Which batches are intact is known from {@link LaneInspector#dump} taken before the damage: the
 * test flips one byte in the payload of the middle batch (its CRC fails) and cuts the file inside
 * the last batch (a torn tail), so recovery must truncate at the middle batch's first byte.
 */
class StreamCorruptionIT {
    private static final String OVERLAY = """
            archive:
              flush_rows: 200
              flush_age: 300ms
            """;
    private static final List<String> LANES = List.of("activity", "audit");

    private enum Stop { SIGTERM, SIGKILL }

    private enum CheckpointDamage { BOTH_LANES, AUDIT_ONLY }

    @Test
    void afterSigtermRecoveryKeepsEveryIntactBatchOfDamagedSegmentsAndCheckpointsAndReportsWhatItDropped(@TempDir Path dir)
            throws Exception {
        damageRestartAndVerify(dir, Stop.SIGTERM, CheckpointDamage.BOTH_LANES);
    }

    @Test
    void afterKill9RecoveryKeepsEveryIntactBatchOfDamagedSegmentsAndCheckpointsAndReportsWhatItDropped(@TempDir Path dir)
            throws Exception {
        damageRestartAndVerify(dir, Stop.SIGKILL, CheckpointDamage.BOTH_LANES);
    }

    /**
     * The activity checkpoint is left intact, so after the truncation it points past the lane's new
     * end: the events appended after the restart reuse the lost offsets and must still be delivered.
     */
    @Disabled("bug: LocalCheckpoints.committed (loglane-stream LocalCheckpoints.java:70) never clamps a loaded checkpoint "
            + "to the recovered endOffset (LaneLoader pass 6 loads checkpoints after truncating), so DeliveryConsumer.openAtCheckpoint "
            + "reads from past the end and the new events appended at [end, old checkpoint) are never delivered")
    @Test
    void anIntactCheckpointPastTheTruncatedEndDoesNotMakeDeliverySkipNewEvents(@TempDir Path dir) throws Exception {
        damageRestartAndVerify(dir, Stop.SIGKILL, CheckpointDamage.AUDIT_ONLY);
    }

    private void damageRestartAndVerify(Path dir, Stop stop, CheckpointDamage checkpointDamage) throws Exception {
        Path overlay = dir.resolve("overlay.yaml");
        Files.writeString(overlay, OVERLAY);
        Path data = dir.resolve("data");
        AckingForwardClient activity = new AckingForwardClient("damage-a", "corrupt.activity", 20);
        AckingForwardClient audit = new AckingForwardClient("damage-s", "corrupt.audit", 20);
        try (ChildNode node = new ChildNode(data, List.of(overlay), dir.resolve("loglane.log"))) {
            node.start();
            activity.session(node.forwardPort, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500), true);
            audit.session(node.forwardPort, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500), true);
            // Delivery has committed everything: the checkpoints sit at the lanes' ends.
            node.flush();
            if (stop == Stop.SIGTERM) {
                node.stop();
            } else {
                node.kill9();
            }

            List<Damage> damages = new ArrayList<>();
            for (String lane : LANES) {
                Path laneDir = data.resolve("stream").resolve(lane);
                damages.add(damageNewestSegment(lane, laneDir));
                boolean damageCheckpoint = checkpointDamage == CheckpointDamage.BOTH_LANES || lane.equals("audit");
                if (damageCheckpoint) {
                    damageCheckpoints(laneDir, lane.equals("audit"));
                }
            }

            node.start();
            String recoveryLog = node.fullLog().substring(node.fullLog().lastIndexOf("===== start 2 ====="));
            for (Damage d : damages) {
                assertThat(recoveryLog).as("recovery report of lane " + d.lane()).contains(
                        "recovered with loss: lane " + d.lane() + ":",
                        "TRUNCATED " + d.file() + " at byte " + d.cutAt() + ": dropped " + d.bytesDropped() + " bytes, "
                                + d.batchesFramedAfterCut() + " batch(es) from offset " + d.firstLostOffset());
            }
            assertThat(recoveryLog).as("the corrupt audit checkpoint is reported")
                    .containsPattern("lane audit: .*CORRUPT CHECKPOINTS \\(treated as absent\\)");
            if (checkpointDamage == CheckpointDamage.BOTH_LANES) {
                assertThat(recoveryLog).containsPattern("lane activity: .*CORRUPT CHECKPOINTS \\(treated as absent\\)");
            }

            node.flush();
            for (Damage d : damages) {
                AckingForwardClient client = d.lane().equals("activity") ? activity : audit;
                assertThat(d.firstLostOffset()).as("the damage leaves some batches intact and drops some acked ones")
                        .isPositive().isLessThan(client.ackedEvents());
                SeqStats s = seqStats(node, d.lane(), clientName(d.lane(), "damage"), d.firstLostOffset());
                assertThat(s.duplicates()).as(d.lane() + ": no event stored twice").isZero();
                // Each lane holds one client's events in order, so offset i holds seq i: the intact
                // batches are exactly seqs 0 .. firstLostOffset-1.
                assertThat(s.min()).isZero();
                assertThat(s.distinctBelowLimit()).as(d.lane() + ": every intact event is queryable")
                        .isEqualTo(d.firstLostOffset());
                if (checkpointDamage == CheckpointDamage.BOTH_LANES) {
                    // With the checkpoint gone the archive is rebuilt from the recovered stream alone.
                    assertThat(s.count()).as(d.lane() + ": the archive holds exactly the recovered stream").isEqualTo(d.firstLostOffset());
                }
            }

            // The node serves new data on both lanes after recovery.
            AckingForwardClient newActivity = new AckingForwardClient("later-a", "corrupt.activity", 10);
            AckingForwardClient newAudit = new AckingForwardClient("later-s", "corrupt.audit", 10);
            newActivity.session(node.forwardPort, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300), true);
            newAudit.session(node.forwardPort, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300), true);
            node.flush();
            for (AckingForwardClient c : List.of(newActivity, newAudit)) {
                String lane = c == newActivity ? "activity" : "audit";
                assertThat(c.ackedEvents()).isPositive();
                SeqStats s = seqStats(node, lane, clientName(lane, "later"), Long.MAX_VALUE);
                assertThat(s.count()).as(lane + ": every event acked after recovery is queryable exactly once").isEqualTo(c.ackedEvents());
                assertThat(s.duplicates()).isZero();
            }
            node.stop();

            for (String lane : LANES) {
                CheckReport report = LaneInspector.check(data.resolve("stream").resolve(lane));
                assertThat(report.ok()).as(lane + " passes stream check after recovery: " + report).isTrue();
                assertThat(Main.run("stream", "check", "--data", data.toString(), "--lane", lane))
                        .as("./loglane stream check --lane " + lane + " exits 0").isZero();
            }
        }
    }

    private static String clientName(String lane, String prefix) {
        return prefix + (lane.equals("activity") ? "-a" : "-s");
    }

    /** What the test did to one lane's newest segment, and therefore what recovery must report. */
    private record Damage(String lane, String file, long cutAt, long bytesDropped, int batchesFramedAfterCut, long firstLostOffset) {}

    /**
     * Flips a byte in the payload of the middle batch of the newest segment and truncates the file
     * in the middle of its last batch.
     */
    private static Damage damageNewestSegment(String lane, Path laneDir) throws IOException {
        List<LaneBatches.Batch> all = LaneBatches.read(laneDir);
        try (var files = Files.list(laneDir)) {
            assertThat(all).as(lane + ": batches in " + files.map(f -> f.getFileName() + "=" + f.toFile().length()).toList()).isNotEmpty();
        }
        String newest = all.getLast().file();
        List<LaneBatches.Batch> batches = all.stream().filter(b -> b.file().equals(newest)).toList();
        assertThat(batches).as(lane + ": enough batches in the newest segment to damage the middle one").hasSizeGreaterThanOrEqualTo(4);
        assertThat(batches).as(lane + ": every batch is intact before the damage").allMatch(LaneBatches.Batch::crcOk);
        LaneBatches.Batch victim = batches.get(batches.size() / 2);
        LaneBatches.Batch last = batches.getLast();
        Path file = laneDir.resolve(newest);
        long newSize = last.position() + last.bytes() / 2;
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            long at = victim.position() + victim.bytes() - 3; // inside the (compressed) payload, covered by the CRC
            raf.seek(at);
            int b = raf.read();
            raf.seek(at);
            raf.write(b ^ 0x5A);
            raf.setLength(newSize);
        }
        // Recovery counts the damaged batch plus the whole batches still framed after it; the torn last one is not framed.
        int framed = batches.size() - 1 - batches.indexOf(victim);
        return new Damage(lane, newest, victim.position(), newSize - victim.position(), framed, victim.baseOffset());
    }

    /** Flips a byte of one checkpoint file, or truncates it: either way its CRC no longer matches. */
    private static void damageCheckpoints(Path laneDir, boolean truncate) throws IOException {
        int damaged = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(laneDir.resolve("checkpoints"), "*.ckpt")) {
            for (Path f : files) {
                if (truncate) {
                    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
                        ch.truncate(ch.size() - 3);
                    }
                } else {
                    byte[] b = Files.readAllBytes(f);
                    b[10] ^= 0x01; // inside the offset field
                    Files.write(f, b);
                }
                damaged++;
            }
        }
        assertThat(damaged).as("checkpoint files found in " + laneDir).isPositive();
    }

    /** Seq numbers of one client in one lane: rows, distinct seqs, smallest seq, distinct seqs below a limit. */
    private record SeqStats(long count, long distinct, long min, long distinctBelowLimit) {
        long duplicates() { return count - distinct; }
    }

    private static SeqStats seqStats(ChildNode node, String lane, String client, long limit) throws Exception {
        String seq = "CAST(attrs->>'seq' AS BIGINT)";
        JsonNode row = node.sql("SELECT count(*), count(DISTINCT " + seq + "), coalesce(min(" + seq + "), -1), "
                + "count(DISTINCT " + seq + ") FILTER (WHERE " + seq + " < " + limit + ") FROM \"" + lane + "\""
                + " WHERE attrs->>'client' = '" + client + "'").get("rows").get(0);
        return new SeqStats(row.get(0).asLong(), row.get(1).asLong(), row.get(2).asLong(), row.get(3).asLong());
    }
}
