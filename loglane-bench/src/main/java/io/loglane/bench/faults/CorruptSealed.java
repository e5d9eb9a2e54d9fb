package io.loglane.bench.faults;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Bit rot in sealed stream segments, found at a restart: once every lane has delivered sealed
 * segments (waiting at most 90 s), the node is killed, 16 bytes in the middle
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
    /** The longest the fault waits for every lane to have a delivered sealed segment. */
    private static final Duration WAIT = Duration.ofSeconds(90);

    @Override
    public String name() { return "corrupt delivered sealed segments"; }

    @Override
    public String inject(ChildNode node, Runnable beforeKill) throws Exception {
        // Wait (bounded) until every lane has delivered sealed segments to damage: a young lane has none.
        long until = System.nanoTime() + WAIT.toNanos();
        Map<String, List<String>> eligible = eligible(node);
        while (eligible.values().stream().anyMatch(List::isEmpty) && System.nanoTime() < until) {
            Thread.sleep(1000);
            eligible = eligible(node);
        }
        beforeKill.run();
        node.kill9();
        List<String> notes = new ArrayList<>();
        for (String lane : lanes) {
            Path dir = node.data().resolve("stream").resolve(lane);
            List<LaneBatches.Batch> batches = LaneBatches.readIntact(dir);
            List<String> candidates = eligible.get(lane);
            List<String> victims = new ArrayList<>();
            if (!candidates.isEmpty()) {
                victims.add(candidates.get(0));
                if (perLane > 1 && candidates.size() > 2) {
                    victims.add(candidates.get(candidates.size() / 2));
                }
            }
            for (String f : victims) {
                List<LaneBatches.Batch> in = batches.stream().filter(b -> b.file().equals(f)).toList();
                LaneBatches.Batch victim = in.get(in.size() / 2);
                flip(dir.resolve(f), victim.position() + victim.bytes() / 2, 16);
            }
            notes.add(lane + ": " + victims.size() + " of " + candidates.size() + " delivered sealed segments damaged");
        }
        node.launch(List.of()); // as Kill9: recovery is timed from the restart
        return String.join("; ", notes);
    }

    /**
     * Per lane, the sealed segments (not the newest file) whose every batch is below every store's
     * checkpoint, oldest first. Read while the node runs: a batch being written is left out.
     */
    private Map<String, List<String>> eligible(ChildNode node) throws Exception {
        Map<String, Long> delivered = new HashMap<>();
        for (JsonNode lane : ChildNode.JSON.readTree(node.get("/api/v1/lanes").body()).get("lanes")) {
            long min = Long.MAX_VALUE;
            for (JsonNode store : lane.get("stores")) {
                min = Math.min(min, store.get("committed").asLong());
            }
            delivered.put(lane.get("name").asText(), min == Long.MAX_VALUE ? 0 : min);
        }
        Map<String, List<String>> out = new HashMap<>();
        for (String lane : lanes) {
            List<LaneBatches.Batch> batches = LaneBatches.readIntact(node.data().resolve("stream").resolve(lane));
            List<String> files = batches.stream().map(LaneBatches.Batch::file).distinct().toList();
            List<String> ok = new ArrayList<>();
            for (String f : files.subList(0, Math.max(0, files.size() - 1))) {
                long end = batches.stream().filter(b -> b.file().equals(f)).mapToLong(LaneBatches.Batch::nextOffset).max().orElse(0);
                if (end <= delivered.getOrDefault(lane, 0L)) {
                    ok.add(f);
                }
            }
            out.put(lane, ok);
        }
        return out;
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
