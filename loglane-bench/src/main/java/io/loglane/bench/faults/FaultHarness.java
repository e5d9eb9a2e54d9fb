package io.loglane.bench.faults;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Issue 14's fault harness: a child loglane with a {@code memory}, a {@code disk} and a
 * {@code sync} lane ({@link #OVERLAY}), Forward (with {@code chunk} acks) and HTTP clients sending
 * into each at a steady rate (every event with a unique client and sequence number), a list of
 * faults injected one after another while the load runs, then, once delivery has caught up, the
 * count per lane from the archive by SQL: acknowledged, stored, lost, duplicated, the ledger's
 * dropped count, the largest delivery lag and the recovery times. Loopback only; every wait is
 * bounded.
 *
 * <p>Thread-safety: one scenario at a time, from one thread.
 */
public final class FaultHarness {
    /** The lanes under test and their durability, in table order. */
    public static final Map<String, String> LANES = lanes();
    /** Layered over the bundled configuration: the three lanes, small segments (so sealed ones exist), a 1 s archive flush. */
    public static final String OVERLAY = """
            stream:
              segment_size: 64KiB
            archive:
              flush_age: 1s
            lanes:
              fmem:
                match:
                  - tag_suffix: [fmem]
                parser: none
                durability: memory
                to: [archive]
              fdisk:
                match:
                  - tag_suffix: [fdisk]
                parser: none
                durability: disk
                to: [archive, index]
              fsync:
                match:
                  - tag_suffix: [fsync]
                parser: none
                durability: sync
                to: [archive, index]
            """;

    /** Creates the node of a scenario (from the jar, or on a test's classpath). */
    @FunctionalInterface
    public interface NodeFactory {
        ChildNode create(Path data, List<Path> configs, Path log) throws IOException;
    }

    /**
     * How hard and how long.
     *
     * @param eventsPerSecond rate of each client (two per lane: Forward and HTTP)
     * @param eventsPerBatch  events per Forward chunk and per HTTP request
     * @param warmup          load before the first fault
     * @param gap             load after each fault (recovery is measured within it or beyond)
     * @param catchUpLimit    the longest the harness waits for recovery and, at the end, for delivery
     * @param extraConfig     YAML layered over {@link #OVERLAY} (e.g. a shorter index commit interval for a short test); empty for none
     */
    public record Settings(double eventsPerSecond, int eventsPerBatch, Duration warmup, Duration gap, Duration catchUpLimit,
                           String extraConfig) {}

    private final Path root;
    private final NodeFactory nodes;
    private final Settings settings;
    private final PrintStream log;

    public FaultHarness(Path root, NodeFactory nodes, Settings settings, PrintStream log) {
        this.root = root;
        this.nodes = nodes;
        this.settings = settings;
        this.log = log;
    }

    private static Map<String, String> lanes() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("fmem", "memory");
        m.put("fdisk", "disk");
        m.put("fsync", "sync");
        return java.util.Collections.unmodifiableMap(m);
    }

    /** Runs one scenario on a fresh node and data directory: load, the faults in order, catch-up, count. */
    public List<LaneRow> run(String scenario, List<Fault> faults) throws Exception {
        return run(scenario, faults, node -> {});
    }

    /** As {@link #run(String, List)}, handing the node to {@code started} once it first serves (the soak samples it). */
    public List<LaneRow> run(String scenario, List<Fault> faults, java.util.function.Consumer<ChildNode> started) throws Exception {
        for (Fault f : faults) {
            if (f.unavailable() != null) {
                return skipped(scenario, f.unavailable());
            }
        }
        Path work = Files.createDirectories(root.resolve(scenario.replaceAll("[^A-Za-z0-9]+", "-")));
        Path data = work.resolve("data");
        List<Fault> prepared = new ArrayList<>();
        try {
            for (Fault f : faults) {
                Path d = f.dataDir(work);
                prepared.add(f);
                if (!d.equals(work.resolve("data"))) {
                    data = d;
                }
            }
        } catch (IOException e) {
            prepared.forEach(f -> f.release(work));
            return skipped(scenario, e.getMessage());
        }
        Path overlay = work.resolve("faults.yaml");
        Files.writeString(overlay, OVERLAY);
        List<Path> configs = new ArrayList<>(List.of(overlay));
        if (!settings.extraConfig().isBlank()) {
            configs.add(Files.writeString(work.resolve("extra.yaml"), settings.extraConfig()));
        }
        ChildNode node = nodes.create(data, configs, work.resolve("loglane.log"));
        try {
            node.start();
            started.accept(node);
            return load(scenario, faults, node);
        } finally {
            node.stop();
            prepared.forEach(f -> f.release(work));
        }
    }

    private List<LaneRow> skipped(String scenario, String why) {
        log.println(scenario + ": " + why);
        return LANES.entrySet().stream().map(e -> LaneRow.skipped(scenario, e.getKey(), e.getValue(), why)).toList();
    }

    private List<LaneRow> load(String scenario, List<Fault> faults, ChildNode node) throws Exception {
        List<Sender> senders = new ArrayList<>();
        for (String lane : LANES.keySet()) {
            String shortName = lane.substring(1);
            senders.add(new Sender("f-" + shortName, lane, Sender.Protocol.FORWARD, node, settings.eventsPerBatch(), settings.eventsPerSecond()));
            senders.add(new Sender("h-" + shortName, lane, Sender.Protocol.HTTP, node, settings.eventsPerBatch(), settings.eventsPerSecond()));
        }
        List<Thread> threads = senders.stream().map(s -> Thread.ofPlatform().name("sender-" + s.client()).start(s)).toList();
        Map<String, Long> maxLag = new ConcurrentHashMap<>();
        Map<String, Long> droppedEarlierRuns = new HashMap<>();
        Map<String, Long> archiveDroppedEarlierRuns = new HashMap<>();
        Map<String, Long> inFlightAtKills = new HashMap<>();
        List<InFlight> inFlight = new ArrayList<>();
        Map<String, Long> ingestMs = new HashMap<>();
        Map<String, Long> deliveryMs = new HashMap<>();
        List<String> notes = new ArrayList<>();
        Thread monitor = Thread.ofPlatform().daemon().name("lane-probe").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                LaneProbe.read(node).forEach((lane, st) -> maxLag.merge(lane, st.maxLag(), Math::max));
                try {
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        try {
            Thread.sleep(settings.warmup().toMillis());
            for (Fault fault : faults) {
                log.printf("%s: %s%n", scenario, fault.name());
                String note = fault.inject(node, () -> {
                    LaneProbe.read(node).forEach((lane, st) -> {
                        droppedEarlierRuns.merge(lane, st.dropped(), Long::sum);
                        archiveDroppedEarlierRuns.merge(lane, st.archiveDropped(), Long::sum);
                    });
                    // Last, right before the kill: what each client has not had acknowledged, plus the
                    // one batch it may start before the kill lands (one at a time, paced at 10+ ms).
                    long killMicros = Math.multiplyExact(System.currentTimeMillis(), 1000L);
                    for (Sender s : senders) {
                        long from = s.ackedNow();
                        long to = s.createdNow() + s.eventsPerBatch();
                        inFlight.add(new InFlight(s, from, to, killMicros));
                        inFlightAtKills.merge(s.lane(), to - from, Long::sum);
                    }
                });
                long end = System.nanoTime();
                if (!note.isEmpty()) {
                    notes.add(note);
                }
                senders.forEach(s -> s.mark(end));
                awaitRecovery(node, end, senders, ingestMs, deliveryMs);
                if (!node.alive()) {
                    throw new IOException(scenario + ": loglane died after " + fault.name() + ":\n" + node.tailOfLog());
                }
                Thread.sleep(settings.gap().toMillis());
            }
        } finally {
            senders.forEach(Sender::stop);
            for (Thread t : threads) {
                t.join(TimeUnit.SECONDS.toMillis(90));
            }
            monitor.interrupt();
        }
        long drainUntil = System.nanoTime() + settings.catchUpLimit().toNanos();
        for (Sender s : senders) {
            if (!s.drain(drainUntil)) {
                notes.add(s.client() + " still had unacknowledged events at the end");
            }
        }
        node.flush();
        Map<String, LaneProbe.LaneState> now = LaneProbe.read(node);
        List<LaneRow> rows = new ArrayList<>();
        for (Map.Entry<String, String> lane : LANES.entrySet()) {
            long acked = 0;
            long stored = 0;
            long copies = 0;
            long distinct = 0;
            for (Sender s : senders) {
                if (!s.lane().equals(lane.getKey())) {
                    continue;
                }
                long a = s.acked();
                JsonNode row = node.sql("SELECT count(*), count(DISTINCT seq), count(DISTINCT seq) FILTER (WHERE seq < " + a + ") FROM "
                        + "(SELECT CAST(attrs->>'seq' AS BIGINT) AS seq FROM \"" + lane.getKey() + "\" WHERE attrs->>'client' = '"
                        + s.client() + "')").get("rows").get(0);
                acked += a;
                copies += row.get(0).asLong();
                distinct += row.get(1).asLong();
                stored += row.get(2).asLong();
            }
            long dropped = droppedEarlierRuns.getOrDefault(lane.getKey(), 0L)
                    + (now.containsKey(lane.getKey()) ? now.get(lane.getKey()).dropped() : 0);
            long archiveDropped = archiveDroppedEarlierRuns.getOrDefault(lane.getKey(), 0L)
                    + (now.containsKey(lane.getKey()) ? now.get(lane.getKey()).archiveDropped() : 0);
            long resentStored = 0;
            long inFlightMissing = 0;
            for (InFlight w : inFlight) {
                if (w.sender().lane().equals(lane.getKey())) {
                    JsonNode row = node.sql(w.countSql(lane.getKey())).get("rows").get(0);
                    resentStored += row.get(0).asLong();
                    inFlightMissing += Math.max(0, Math.min(w.toSeq(), w.sender().acked()) - w.fromSeq()) - row.get(1).asLong();
                }
            }
            rows.add(new LaneRow(scenario, lane.getKey(), lane.getValue(), acked, stored, acked - stored, copies - distinct, dropped,
                    archiveDropped, inFlightAtKills.getOrDefault(lane.getKey(), 0L), resentStored, inFlightMissing,
                    maxLag.getOrDefault(lane.getKey(), 0L), ingestMs.getOrDefault(lane.getKey(), -1L),
                    deliveryMs.getOrDefault(lane.getKey(), -1L), String.join("; ", notes)));
        }
        return rows;
    }

    /**
     * What one client had in flight at one kill: sequence numbers {@code [fromSeq, toSeq)} (its
     * unacknowledged events and the batch it may start before the kill lands), and when the kill
     * came (wall clock, µs, the clock the node stamps {@code received_at} with: same machine).
     */
    private record InFlight(Sender sender, long fromSeq, long toSeq, long killMicros) {
        /**
         * One row: how many of them the archive holds from a send received after the kill (a
         * resend), and how many acknowledged ones of them it holds at all.
         */
        String countSql(String lane) {
            String window = "seq >= " + fromSeq + " AND seq < " + Math.min(toSeq, sender.acked());
            return "SELECT count(DISTINCT seq) FILTER (WHERE " + window + " AND epoch_us(received_at) > " + killMicros + "), "
                    + "count(DISTINCT seq) FILTER (WHERE " + window + ") FROM (SELECT CAST(attrs->>'seq' AS BIGINT) AS seq, received_at FROM \""
                    + lane + "\" WHERE attrs->>'client' = '" + sender.client() + "')";
        }
    }

    /**
     * Waits (at most the catch-up limit) until every lane has acknowledged something on every client
     * since {@code end} and every store has delivered what the lane held when the node first answered
     * after {@code end}; keeps the longest time per lane in {@code ingestMs} and {@code deliveryMs}
     * (-1 for never).
     */
    private void awaitRecovery(ChildNode node, long end, List<Sender> senders, Map<String, Long> ingestMs, Map<String, Long> deliveryMs)
            throws InterruptedException {
        Map<String, Long> target = new HashMap<>();
        Map<String, Long> ingest = new HashMap<>();
        Map<String, Long> delivery = new HashMap<>();
        long deadline = end + settings.catchUpLimit().toNanos();
        while (System.nanoTime() < deadline && (ingest.size() < LANES.size() || delivery.size() < LANES.size())) {
            Map<String, LaneProbe.LaneState> states = LaneProbe.read(node);
            long t = System.nanoTime();
            for (String lane : LANES.keySet()) {
                LaneProbe.LaneState st = states.get(lane);
                if (st != null) {
                    long goal = target.computeIfAbsent(lane, l -> st.streamEnd());
                    if (st.minCommitted() >= goal) {
                        delivery.putIfAbsent(lane, TimeUnit.NANOSECONDS.toMillis(t - end));
                    }
                }
                long first = 0;
                boolean all = true;
                for (Sender s : senders) {
                    if (s.lane().equals(lane)) {
                        all &= s.firstAckAfterMark() != 0;
                        first = Math.max(first, s.firstAckAfterMark());
                    }
                }
                if (all) {
                    ingest.putIfAbsent(lane, TimeUnit.NANOSECONDS.toMillis(first - end));
                }
            }
            Thread.sleep(100);
        }
        log.printf("  recovery per lane (ms, -1 never): ingest %s, delivery %s%n", ingest, delivery);
        for (String lane : LANES.keySet()) {
            ingestMs.merge(lane, ingest.getOrDefault(lane, -1L), FaultHarness::worse);
            deliveryMs.merge(lane, delivery.getOrDefault(lane, -1L), FaultHarness::worse);
        }
    }

    /** The longer of two recovery times, where -1 (never) is the longest. */
    private static long worse(long a, long b) {
        return a < 0 || b < 0 ? -1 : Math.max(a, b);
    }
}
