package io.loglane.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.loglane.bench.faults.ChildNode;
import io.loglane.bench.faults.AckingForwardClient;
import io.loglane.bench.faults.LaneBatches;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damages the newest segment file and the checkpoint files of a {@code disk} lane (activity) and a
 * {@code sync} lane (audit) while the node is down, then restarts it: recovery must keep every
 * intact batch, before and after the damaged one, drop only the damaged batch (quarantined) and the
 * torn tail, and say so in the log (files, byte ranges, offsets); the archive must hold each intact
 * event exactly once after a flush; new events must be delivered exactly once, also when an intact
 * checkpoint lies past the recovered end (no offset is reused); the lanes must pass
 * {@code stream check}, which lists the quarantined bytes and the offset gap.
 *
 * <p>Which batches are intact is known from {@link LaneInspector#dump} taken before the damage: the
 * test flips one byte in the payload of the middle batch of the newest segment (its CRC fails) and
 * cuts the file inside its last batch (a torn tail).
 */
class StreamCorruptionIT {
    private static final String OVERLAY = """
            archive:
              flush_rows: 200
              flush_age: 300ms
            """;
    private static final List<String> LANES = List.of("activity", "audit");
    /** Chunks (one batch each) per lane before the damage, however slow the machine. */
    private static final int MIN_CHUNKS = 12;

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
     * The activity checkpoint is left intact, so after recovery dropped the lane's torn tail it
     * points past the recovered end: the next offset must move up to it (no offset reused), and the
     * events appended after the restart must all be delivered.
     */
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
            activity.session(node.forwardPort, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500), MIN_CHUNKS);
            audit.session(node.forwardPort, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500), MIN_CHUNKS);
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
                if (checkpointDamaged(lane, checkpointDamage)) {
                    damageCheckpoints(laneDir, lane.equals("audit"));
                }
            }

            node.start();
            String recoveryLog = node.fullLog().substring(node.fullLog().lastIndexOf("===== start 2 ====="));
            for (Damage d : damages) {
                LaneBatches.Batch v = d.victim();
                LaneBatches.Batch last = d.last();
                assertThat(recoveryLog).as("recovery report of lane " + d.lane()).contains(
                        "recovered with loss: lane " + d.lane() + ":",
                        "DROPPED " + d.file() + " bytes [" + v.position() + ", " + v.end() + ") (" + v.bytes() + " bytes): CRC mismatch",
                        "readable: offsets [" + v.baseOffset() + ", " + v.nextOffset() + ") (" + v.count() + " records in 1 batch(es)); "
                                + "quarantined as " + d.file() + "@" + v.position() + ".quarantined",
                        "TORN TAIL " + d.file() + " bytes [" + last.position() + ", " + d.cutAt() + ") ("
                                + (d.cutAt() - last.position()) + " bytes, truncated)",
                        "NEW SEGMENTS [" + String.format("%020d", v.nextOffset()) + ".log with offsets [" + v.nextOffset() + ", "
                                + last.baseOffset() + ")");
            }
            assertThat(recoveryLog).as("the corrupt audit checkpoint is reported")
                    .containsPattern("lane audit: .*CORRUPT CHECKPOINTS \\(treated as absent\\)");
            if (checkpointDamage == CheckpointDamage.BOTH_LANES) {
                assertThat(recoveryLog).containsPattern("lane activity: .*CORRUPT CHECKPOINTS \\(treated as absent\\)");
            }

            node.flush();
            for (Damage d : damages) {
                AckingForwardClient client = d.lane().equals("activity") ? activity : audit;
                assertThat(d.last().nextOffset()).as(d.lane() + ": the lane held exactly the acked events").isEqualTo(client.ackedEvents());
                SeqStats s = seqStats(node, d.lane(), clientName(d.lane(), "damage"), d);
                assertThat(s.duplicates()).as(d.lane() + ": no event stored twice").isZero();
                // Each lane holds one client's events in order, so offset i holds seq i.
                assertThat(s.min()).isZero();
                assertThat(s.distinctIntact()).as(d.lane() + ": every intact event, before and after the damaged batch, is queryable")
                        .isEqualTo(d.intactEvents());
                if (checkpointDamaged(d.lane(), checkpointDamage)) {
                    // With the checkpoint gone the archive is rebuilt from the recovered stream alone.
                    assertThat(s.count()).as(d.lane() + ": the archive holds exactly the recovered stream").isEqualTo(d.intactEvents());
                } else {
                    // Delivered and committed before the damage: the archive keeps it, nothing is redelivered.
                    assertThat(s.count()).as(d.lane() + ": the archive keeps everything delivered before").isEqualTo(client.ackedEvents());
                }
            }

            // The node serves new data on both lanes after recovery; with offsets never reused, all of it is delivered.
            AckingForwardClient newActivity = new AckingForwardClient("later-a", "corrupt.activity", 10);
            AckingForwardClient newAudit = new AckingForwardClient("later-s", "corrupt.audit", 10);
            newActivity.session(node.forwardPort, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300), 3);
            newAudit.session(node.forwardPort, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300), 3);
            node.flush();
            for (AckingForwardClient c : List.of(newActivity, newAudit)) {
                String lane = c == newActivity ? "activity" : "audit";
                assertThat(c.ackedEvents()).isPositive();
                SeqStats s = seqStats(node, lane, clientName(lane, "later"), null);
                assertThat(s.count()).as(lane + ": every event acked after recovery is queryable exactly once").isEqualTo(c.ackedEvents());
                assertThat(s.duplicates()).isZero();
            }
            node.stop();

            for (Damage d : damages) {
                CheckReport report = LaneInspector.check(data.resolve("stream").resolve(d.lane()));
                assertThat(report.ok()).as(d.lane() + " passes stream check after recovery: " + report).isTrue();
                String dropped = "[" + d.victim().baseOffset() + ", " + d.victim().nextOffset() + ")";
                assertThat(report.quarantined()).as(d.lane() + ": stream check shows the quarantined batch").singleElement().asString()
                        .startsWith(d.file() + "@" + d.victim().position() + ".quarantined: " + d.victim().bytes() + " bytes")
                        .contains("offsets " + dropped);
                assertThat(report.gaps()).as(d.lane() + ": stream check shows the offset gap").anyMatch(g -> g.startsWith(dropped));
                assertThat(Main.run("stream", "check", "--data", data.toString(), "--lane", d.lane()))
                        .as("./loglane stream check --lane " + d.lane() + " exits 0").isZero();
            }
        }
    }

    private static boolean checkpointDamaged(String lane, CheckpointDamage damage) {
        return damage == CheckpointDamage.BOTH_LANES || lane.equals("audit");
    }

    private static String clientName(String lane, String prefix) {
        return prefix + (lane.equals("activity") ? "-a" : "-s");
    }

    /**
     * What the test did to one lane's newest segment, and therefore what recovery must report.
     *
     * @param victim the batch whose payload got a flipped byte
     * @param last   the last batch, cut in the middle at byte {@code cutAt}
     */
    private record Damage(String lane, String file, LaneBatches.Batch victim, LaneBatches.Batch last, long cutAt) {
        /** Events of the intact batches: all before the victim and between it and the torn last one. */
        long intactEvents() {
            return victim.baseOffset() + (last.baseOffset() - victim.nextOffset());
        }
    }

    /**
     * Flips a byte in the payload of the middle batch of the newest segment and truncates the file
     * in the middle of its last batch, leaving intact batches between the two.
     */
    private static Damage damageNewestSegment(String lane, Path laneDir) throws IOException {
        List<LaneBatches.Batch> all = LaneBatches.read(laneDir);
        try (var files = Files.list(laneDir)) {
            assertThat(all).as(lane + ": batches in " + files.map(f -> f.getFileName() + "=" + f.toFile().length()).toList()).isNotEmpty();
        }
        String newest = all.getLast().file();
        List<LaneBatches.Batch> batches = all.stream().filter(b -> b.file().equals(newest)).toList();
        assertThat(batches).as(lane + ": intact batches on both sides of the damaged middle one").hasSizeGreaterThanOrEqualTo(5);
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
        return new Damage(lane, newest, victim, last, newSize);
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

    /**
     * Seq numbers of one client in one lane: rows, distinct seqs, smallest seq, and distinct seqs of
     * the intact batches of a damage (0 without one).
     */
    private record SeqStats(long count, long distinct, long min, long distinctIntact) {
        long duplicates() { return count - distinct; }
    }

    private static SeqStats seqStats(ChildNode node, String lane, String client, Damage d) throws Exception {
        String seq = "CAST(attrs->>'seq' AS BIGINT)";
        String intact = d == null ? "false" : "(" + seq + " < " + d.victim().baseOffset() + " OR " + seq + " >= "
                + d.victim().nextOffset() + " AND " + seq + " < " + d.last().baseOffset() + ")";
        JsonNode row = node.sql("SELECT count(*), count(DISTINCT " + seq + "), coalesce(min(" + seq + "), -1), "
                + "count(DISTINCT " + seq + ") FILTER (WHERE " + intact + ") FROM \"" + lane + "\""
                + " WHERE attrs->>'client' = '" + client + "'").get("rows").get(0);
        return new SeqStats(row.get(0).asLong(), row.get(1).asLong(), row.get(2).asLong(), row.get(3).asLong());
    }
}
