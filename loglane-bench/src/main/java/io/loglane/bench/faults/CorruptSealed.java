package io.loglane.bench.faults;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Bit rot in sealed stream segments, found at a restart: the node is killed, 16 bytes in the middle
 * of a batch are inverted in up to {@code perLane} sealed segments of each lane (the oldest and one
 * further on, never only the newest), and the node is started again.
 *
 * <p>The honest rule: only segments every store of the lane has already <em>delivered</em> are
 * damaged, so the loss row stays meaningful (stored events must stay stored exactly once, nothing
 * may be delivered twice, the node must start and go on). Damage to segments not yet delivered
 * necessarily loses those batches' events; that case is CorruptSealedSegmentIT's (it checks that
 * the loss is counted exactly in {@code loglane_stream_records_lost_total}).
 *
 * @param lanes   disk or sync lanes whose segments are damaged
 * @param perLane most segments damaged per lane
 */
public record CorruptSealed(List<String> lanes, int perLane) implements Fault {
    @Override
    public String name() { return "corrupt delivered sealed segments"; }

    @Override
    public String inject(ChildNode node, Runnable beforeKill) throws Exception {
        Map<String, Long> delivered = new HashMap<>();
        for (JsonNode lane : ChildNode.JSON.readTree(node.get("/api/v1/lanes").body()).get("lanes")) {
            long min = Long.MAX_VALUE;
            for (JsonNode store : lane.get("stores")) {
                min = Math.min(min, store.get("committed").asLong());
            }
            delivered.put(lane.get("name").asText(), min == Long.MAX_VALUE ? 0 : min);
        }
        beforeKill.run();
        node.kill9();
        List<String> notes = new ArrayList<>();
        for (String lane : lanes) {
            Path dir = node.data().resolve("stream").resolve(lane);
            List<LaneBatches.Batch> batches = LaneBatches.readIntact(dir);
            List<String> files = batches.stream().map(LaneBatches.Batch::file).distinct().toList();
            // sealed (not the last file) and wholly below every store's checkpoint
            List<String> eligible = new ArrayList<>();
            for (String f : files.subList(0, Math.max(0, files.size() - 1))) {
                long end = batches.stream().filter(b -> b.file().equals(f)).mapToLong(LaneBatches.Batch::nextOffset).max().orElse(0);
                if (end <= delivered.getOrDefault(lane, 0L)) {
                    eligible.add(f);
                }
            }
            List<String> victims = new ArrayList<>();
            if (!eligible.isEmpty()) {
                victims.add(eligible.get(0));
                if (perLane > 1 && eligible.size() > 2) {
                    victims.add(eligible.get(eligible.size() / 2));
                }
            }
            for (String f : victims) {
                List<LaneBatches.Batch> in = batches.stream().filter(b -> b.file().equals(f)).toList();
                LaneBatches.Batch victim = in.get(in.size() / 2);
                flip(dir.resolve(f), victim.position() + victim.bytes() / 2, 16);
            }
            notes.add(lane + ": " + victims.size() + " of " + eligible.size() + " delivered sealed segments damaged");
        }
        node.launch(List.of()); // as Kill9: recovery is timed from the restart
        return String.join("; ", notes);
    }

    private static void flip(Path file, long at, int n) throws Exception {
        if (!Files.exists(file)) {
            return;
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            byte[] b = new byte[n];
            raf.seek(at);
            raf.readFully(b);
            for (int i = 0; i < n; i++) {
                b[i] ^= (byte) 0xA5;
            }
            raf.seek(at);
            raf.write(b);
        }
    }
}
