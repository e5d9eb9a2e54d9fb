package io.loglane.bench.faults;

import io.loglane.bench.ingest.IngestBench;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./loglane bench soak}: sustained load on the fault harness's three lanes for
 * {@code --minutes}, with a kill -9 and restart at evenly spaced moments, sampling the node's heap,
 * RSS, open files and threads every {@code --sample-seconds}; prints the samples, a flat/GROWS
 * verdict per measure (first third against last third) and the loss table of the run. Exits 1 when
 * a measure grows or the loss table breaks a requirement.
 */
@Command(name = "bench-soak", mixinStandardHelpOptions = true, description = "Sustained load with periodic restarts: resources over time and the loss table.")
public final class SoakBench implements Callable<Integer> {
    /**
     * The product's default segment size again (the fault harness uses 64 KiB so sealed segments
     * exist early): every retained segment keeps a file open, so tiny segments would make the open
     * files grow with the data, which is not what a soak is after.
     */
    private static final String SEGMENTS = """
            stream:
              segment_size: 64MiB
            """;

    @Option(names = "--dedup-window", description = "The node's stream.dedup_window (default: the server's, 1h). The window "
            + "holds every chunk id and idempotency key it covers (at most stream.dedup_max_entries), rebuilt from the stream at each "
            + "start, so the heap grows while it fills; a short window fills within the warm-up.")
    String dedupWindow;

    @Option(names = "--jar", description = "loglane jar (default ${DEFAULT-VALUE}).", defaultValue = "loglane-app/target/loglane.jar")
    Path jar;

    @Option(names = "--minutes", description = "Length of the load (default ${DEFAULT-VALUE}).", defaultValue = "10")
    double minutes;

    @Option(names = "--rate", description = "Events per second of each of the 6 clients (default ${DEFAULT-VALUE}).", defaultValue = "500")
    double rate;

    @Option(names = "--restarts", description = "kill -9 + restarts during the run, evenly spaced (default ${DEFAULT-VALUE}).", defaultValue = "2")
    int restarts;

    @Option(names = "--sample-seconds", description = "Seconds between samples (default ${DEFAULT-VALUE}).", defaultValue = "10")
    int sampleSeconds;

    @Option(names = "--heap", defaultValue = "512m")
    String heap;

    public static void main(String[] args) {
        System.exit(new CommandLine(new SoakBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (minutes <= 0 || rate <= 0 || restarts < 0 || sampleSeconds < 1) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--minutes and --rate must be > 0, --restarts >= 0, --sample-seconds >= 1");
        }
        PrintStream out = System.out;
        long phase = (long) (minutes * 60_000 / (restarts + 1));
        List<Fault> faults = new ArrayList<>();
        for (int i = 0; i < restarts; i++) {
            faults.add(new Kill9());
        }
        // with no restart, the whole run is the warm-up: the load runs the full length, the count follows
        FaultHarness.Settings settings = new FaultHarness.Settings(rate, 50, Duration.ofMillis(phase), Duration.ofMillis(phase),
                Duration.ofMinutes(3), dedupWindow == null ? SEGMENTS : SEGMENTS + "  dedup_window: " + dedupWindow + "\n");
        // the node inherits this environment: glibc's arena count shapes its native memory (README, Soak)
        String arenas = System.getenv("MALLOC_ARENA_MAX");
        out.printf("loglane soak: %s, %.1f min, %.0f events/s per client (6 clients), %d kill -9 restarts, server heap %s, stream.dedup_window %s, "
                        + "MALLOC_ARENA_MAX %s; load: %s%n", Instant.now(), minutes, rate, restarts, heap, dedupWindow == null ? "1h (default)" : dedupWindow,
                arenas == null ? "unset (glibc: 8 per core)" : arenas, Soak.loadAverage());
        Soak soak = new Soak();
        Path work = Files.createTempDirectory("loglane-soak");
        List<LaneRow> rows;
        Thread sampler = null;
        try {
            FaultHarness harness = new FaultHarness(work, (d, c, l) -> ChildNode.fromJar(jar.toAbsolutePath(), heap, d, c, l), settings, out);
            Thread[] holder = new Thread[1];
            rows = harness.run("soak " + minutes + " min, " + restarts + " kill -9", faults, node -> holder[0] = Thread.ofPlatform().daemon()
                    .name("soak-sampler").start(() -> {
                        while (!Thread.currentThread().isInterrupted()) {
                            if (node.alive()) {
                                soak.sample(node);
                            }
                            try {
                                Thread.sleep(sampleSeconds * 1000L);
                            } catch (InterruptedException e) {
                                return;
                            }
                        }
                    }));
            sampler = holder[0];
        } finally {
            if (sampler != null) {
                sampler.interrupt();
            }
            IngestBench.deleteTree(work);
        }
        out.println();
        out.print(soak.table());
        out.println();
        List<String> growth = soak.growth();
        growth.forEach(out::println);
        out.println();
        out.print(LossTable.markdown(rows));
        out.printf("%nload at the end: %s%n", Soak.loadAverage());
        List<String> broken = new ArrayList<>(LossTable.violations(rows));
        growth.stream().filter(g -> g.endsWith("GROWS")).forEach(broken::add);
        broken.forEach(b -> out.println("REQUIREMENT BROKEN: " + b));
        return broken.isEmpty() ? 0 : 1;
    }
}
