package io.loglane.bench.ingest;

import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./loglane bench ingest}: the ingest benchmark. Starts loglane in a child JVM (as
 * {@code ./loglane up} would, heap capped at 512 MiB), drives it over real Forward connections from
 * this JVM on the same machine, and prints, per scenario, events/s, MB/s, ack latency p50/p99,
 * server CPU (cores) and peak RSS; then the end-to-end rate until events are queryable in SQL,
 * the archive's size against the same events as NDJSON, and a warm GROUP BY.
 *
 * <p>Scenarios: PackedForward and CompressedPackedForward (gzip), with and without {@code chunk}
 * acks, into a {@code disk} lane and a {@code sync} lane that deliver nowhere (so the figure is
 * ingest alone, as Fluent Bit's "accepted into its filesystem buffer" is), then the {@code access}
 * lane delivering to the Parquet archive for the end-to-end figure.
 */
@Command(name = "bench-ingest", mixinStandardHelpOptions = true, description = "Forward ingest benchmark against a child loglane.")
public final class IngestBench implements Callable<Integer> {
    @Option(names = "--jar", description = "loglane jar (default ${DEFAULT-VALUE}).", defaultValue = "loglane-app/target/loglane.jar")
    Path jar;

    @Option(names = "--home", description = "Repository root (for config/loglane.yaml; default ${DEFAULT-VALUE}).", defaultValue = ".")
    Path home;

    @Option(names = "--seconds", description = "Duration of each ingest scenario (default ${DEFAULT-VALUE}).", defaultValue = "10")
    double seconds;

    @Option(names = "--connections", defaultValue = "4")
    int connections;

    @Option(names = "--frame-events", description = "Events per Forward frame (default ${DEFAULT-VALUE}).", defaultValue = "1000")
    int frameEvents;

    @Option(names = "--window", description = "Unacked frames in flight per connection (default ${DEFAULT-VALUE}: like Fluent Bit, which waits for each chunk's ack on a connection before it sends the next).", defaultValue = "1")
    int window;

    @Option(names = "--rate", description = "Offered events/s over all connections in the ingest scenarios, evenly paced; "
            + "0 (default) sends as fast as acks allow. With a rate, ack latency is measured at that load, e.g. --rate 500000 --only sync.",
            defaultValue = "0")
    long rate;

    @Option(names = "--distinct-frames", description = "Different frames the generator cycles through (default ${DEFAULT-VALUE}); "
            + "each holds --frame-events random events, so this many x frame-events events are distinct. Raise it "
            + "(e.g. 400) for an archive size that repetition does not flatter.", defaultValue = "16")
    int distinctFrames;

    @Option(names = "--e2e-events", description = "Events for the end-to-end run (default ${DEFAULT-VALUE}).", defaultValue = "10000000")
    long e2eEvents;

    @Option(names = "--heap", defaultValue = "512m")
    String heap;

    @Option(names = "--jvm-opt", description = "Extra flag for the server JVM, repeatable; '{scenario}' is replaced by the "
            + "scenario's name, e.g. --jvm-opt=-XX:StartFlightRecording=filename=/tmp/{scenario}.jfr or --jvm-opt=-XX:+UseParallelGC.")
    List<String> jvmOptions = new ArrayList<>();

    @Option(names = "--only", description = "Run only scenarios whose name contains this (e.g. sync, e2e).")
    String only;

    public static void main(String[] args) {
        System.exit(new CommandLine(new IngestBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (distinctFrames < 1 || connections < 1 || frameEvents < 1 || window < 1 || rate < 0 || seconds <= 0) {
            throw new CommandLine.ParameterException(new CommandLine(this),
                    "--distinct-frames, --connections, --frame-events and --window must be >= 1, --rate >= 0, --seconds > 0");
        }
        PrintStream out = System.out;
        Path work = Files.createTempDirectory("loglane-bench");
        Path overlay = work.resolve("bench.yaml");
        Files.writeString(overlay, BenchConfig.OVERLAY);
        out.printf(Locale.ROOT, "loglane ingest benchmark: %d connections, %d events/frame, window %d, %.0f s per scenario, server heap %s, %s%n",
                connections, frameEvents, window, seconds, heap, rate > 0 ? "offered " + rate + " events/s" : "as fast as acks allow");
        out.printf(Locale.ROOT, "%-36s %12s %9s %9s %9s %10s %10s%n", "scenario", "events/s", "MB/s", "ack p50", "ack p99", "server CPU", "peak RSS");
        try {
            for (Scenario sc : Scenario.ALL) {
                if (only != null && !sc.name().contains(only)) continue;
                runIngest(sc, work, overlay, out);
            }
            if (only == null || "e2e".contains(only) || only.contains("e2e")) {
                runEndToEnd(work, overlay, out);
            }
        } finally {
            deleteTree(work);
        }
        return 0;
    }

    record Scenario(String name, String tag, boolean compressed, boolean acks) {
        static final List<Scenario> ALL = List.of(
                new Scenario("disk  packed      acks", "bench.benchdisk", false, true),
                new Scenario("disk  compressed  acks", "bench.benchdisk", true, true),
                new Scenario("disk  packed      no-acks", "bench.benchdisk", false, false),
                new Scenario("disk  compressed  no-acks", "bench.benchdisk", true, false),
                new Scenario("sync  packed      acks", "bench.benchsync", false, true),
                new Scenario("sync  compressed  acks", "bench.benchsync", true, true));
    }

    private void runIngest(Scenario sc, Path work, Path overlay, PrintStream out) throws Exception {
        Path data = work.resolve("data-" + Math.abs(sc.name().hashCode()));
        int httpPort = freePort();
        int fwdPort = freePort();
        List<FrameFactory.Frame> frames = frames(sc.tag(), sc.compressed(), sc.acks(), distinctFrames);
        try (ServerProcess server = new ServerProcess(jar.toAbsolutePath(), home.toAbsolutePath(), data, List.of(overlay),
                httpPort, fwdPort, heap, jvmOptions(sc.name()), work.resolve("server-" + Math.abs(sc.name().hashCode()) + ".log"))) {
            ForwardLoad load = new ForwardLoad("127.0.0.1", fwdPort, frames, connections, sc.acks() ? window : 0, rate);
            load.run(Math.min(2, seconds / 4), Long.MAX_VALUE, "wu"); // warm-up: JIT, page cache
            double accepted0 = server.metric("loglane_events_accepted_total");
            double cpu0 = server.cpuSeconds();
            long t0 = System.nanoTime();
            ForwardLoad.Result r = load.run(seconds, Long.MAX_VALUE, "r" + Integer.toString((int) (Math.random() * 1000), 36) + "x");
            long events = r.events();
            if (!sc.acks()) {
                // without acks, count what the server actually accepted (bounded wait for the tail)
                long until = System.nanoTime() + 30_000_000_000L;
                double acc;
                do {
                    acc = server.metric("loglane_events_accepted_total") - accepted0;
                    if (acc >= r.events()) break;
                    Thread.sleep(100);
                } while (System.nanoTime() < until);
                events = (long) acc;
            }
            double elapsed = (System.nanoTime() - t0) / 1e9;
            double cores = (server.cpuSeconds() - cpu0) / elapsed;
            out.printf(Locale.ROOT, "%-36s %12.0f %9.1f %9s %9s %10.2f %8.0f MiB%n", sc.name(), events / elapsed,
                    r.bytes() / elapsed / 1e6, ms(r.percentileMillis(50)), ms(r.percentileMillis(99)), cores, server.peakRssMiB());
        }
        deleteTree(data);
    }

    private void runEndToEnd(Path work, Path overlay, PrintStream out) throws Exception {
        Path data = work.resolve("data-e2e");
        int httpPort = freePort();
        int fwdPort = freePort();
        List<FrameFactory.Frame> frames = frames("bench.access", false, true, distinctFrames);
        try (ServerProcess server = new ServerProcess(jar.toAbsolutePath(), home.toAbsolutePath(), data, List.of(overlay),
                httpPort, fwdPort, heap, jvmOptions("e2e"), work.resolve("server-e2e.log"))) {
            ForwardLoad load = new ForwardLoad("127.0.0.1", fwdPort, frames, connections, window);
            double cpu0 = server.cpuSeconds();
            long t0 = System.nanoTime();
            ForwardLoad.Result r = load.run(3600, e2eEvents, "e2e");
            double acked = (System.nanoTime() - t0) / 1e9;
            server.post("/api/v1/flush", java.util.Map.of());
            long count = server.sqlLong("SELECT count(*) FROM access");
            double total = (System.nanoTime() - t0) / 1e9;
            double cores = (server.cpuSeconds() - cpu0) / total;
            out.printf(Locale.ROOT, "%-36s %12.0f %9.1f %9s %9s %10.2f %8.0f MiB%n", "e2e access → Parquet (queryable)",
                    count / total, r.bytes() / total / 1e6, ms(r.percentileMillis(50)), ms(r.percentileMillis(99)), cores, server.peakRssMiB());
            out.printf(Locale.ROOT, "  acked %d events in %.1f s; all %d queryable after %.1f s%s%n", r.events(), acked, count, total,
                    count == r.events() ? "" : "  (MISMATCH: acked " + r.events() + ")");
            // CPU time per event does not depend on what else the machine runs (events/s does)
            out.printf(Locale.ROOT, "  server CPU %.2f µs per event (%.1f CPU-s in all)%n", cores * total * 1e6 / count, cores * total);
            long archive = sizeOf(data.resolve("archive").resolve("lane=access"));
            double perEventNdjson = frames.stream().mapToLong(FrameFactory.Frame::ndjsonBytes).sum()
                    / (double) frames.stream().mapToInt(FrameFactory.Frame::events).sum();
            double ndjson = perEventNdjson * count;
            out.printf(Locale.ROOT, "  archive %.1f MB for %d events; the same as NDJSON %.1f MB: %.1fx smaller%n",
                    archive / 1e6, count, ndjson / 1e6, ndjson / archive);
            String q = "SELECT status, count(*) FROM access GROUP BY 1";
            List<Double> times = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                long q0 = System.nanoTime();
                server.post("/api/v1/sql", java.util.Map.of("sql", q));
                times.add((System.nanoTime() - q0) / 1e6);
            }
            List<Double> warm = times.subList(1, times.size()).stream().sorted().toList();
            out.printf(Locale.ROOT, "  %s over %d rows: warm median %.1f ms (min %.1f, cold %.1f), measured over HTTP%n",
                    q, count, warm.get(warm.size() / 2), warm.getFirst(), times.getFirst());
        }
    }

    private List<String> jvmOptions(String scenario) {
        String slug = scenario.trim().replaceAll("\\s+", "-");
        return jvmOptions.stream().map(o -> o.replace("{scenario}", slug)).toList();
    }

    private List<FrameFactory.Frame> frames(String tag, boolean compressed, boolean acks, int n) throws IOException {
        List<FrameFactory.Frame> frames = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            frames.add(FrameFactory.build(tag, frameEvents, compressed, acks, 42 + i));
        }
        return frames;
    }

    private static String ms(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.1f ms", v);
    }

    /** A port free on 127.0.0.1 now. */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Bytes of the regular files under {@code dir} (0 when it does not exist). */
    public static long sizeOf(Path dir) throws IOException {
        if (!Files.exists(dir)) return 0;
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    /** Deletes {@code dir} and everything under it, if it exists. */
    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
