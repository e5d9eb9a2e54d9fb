package io.loglane.bench.faults;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import io.loglane.bench.ingest.IngestBench;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./loglane bench faults}: issue 14's loss table. Runs each scenario on a fresh child
 * loglane (from the jar, as {@code ./loglane up} runs it) under steady Forward and HTTP load into
 * a memory, a disk and a sync lane ({@link FaultHarness}) and prints one markdown row per scenario
 * and lane. Exits 1 when a disk or sync lane lost or duplicated an acknowledged event, a memory
 * lane lost more than its ledger counted, or ingest or delivery did not resume by itself.
 */
@Command(name = "bench-faults", mixinStandardHelpOptions = true, description = "Loss under faults: kill -9, store outages, disk full, stalls, corruption.")
public final class FaultsBench implements Callable<Integer> {
    @Option(names = "--jar", description = "loglane jar (default ${DEFAULT-VALUE}).", defaultValue = "loglane-app/target/loglane.jar")
    Path jar;

    @Option(names = "--minutes", description = "Rough length of the load phases over all scenarios, fault durations and restarts come on top (default ${DEFAULT-VALUE}).",
            defaultValue = "10")
    double minutes;

    @Option(names = "--rate", description = "Events per second of each client; each lane has a Forward and an HTTP client (default ${DEFAULT-VALUE}).",
            defaultValue = "200")
    double rate;

    @Option(names = "--only", description = "Run only scenarios whose name contains this (e.g. kill, down, disk).")
    String only;

    @Option(names = "--keep", description = "Keep the work directory (data and logs of every scenario) and print where it is.")
    boolean keep;

    @Option(names = "--heap", defaultValue = "512m")
    String heap;

    public static void main(String[] args) {
        System.exit(new CommandLine(new FaultsBench()).execute(args));
    }

    /** Every scenario of the table: name and faults. */
    static List<Scenario> scenarios() {
        List<String> stores = List.of("archive", "index");
        return List.of(
                new Scenario("kill -9 + restart, 3 times", List.of(new Kill9(), new Kill9(), new Kill9())),
                new Scenario("archive+index down 1s", List.of(new StoreOutage(stores, Duration.ofSeconds(1)))),
                new Scenario("archive+index down 10s", List.of(new StoreOutage(stores, Duration.ofSeconds(10)))),
                new Scenario("archive+index down 60s", List.of(new StoreOutage(stores, Duration.ofSeconds(60)))),
                new Scenario("disk full 10s", List.of(new DiskFull(192, Duration.ofSeconds(10)))),
                new Scenario("SIGSTOP 10s", List.of(new Freeze(Duration.ofSeconds(10)))),
                new Scenario("stalled tail client 20s", List.of(new StalledTail("fdisk", Duration.ofSeconds(20)))),
                new Scenario("corrupt delivered sealed segments", List.of(new CorruptSealed(List.of("fdisk", "fsync"), 2))));
    }

    /** A named list of faults run on one node. */
    record Scenario(String name, List<Fault> faults) {}

    @Override
    public Integer call() throws Exception {
        if (minutes <= 0 || rate <= 0) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--minutes and --rate must be > 0");
        }
        PrintStream out = System.out;
        List<Scenario> chosen = scenarios().stream().filter(s -> only == null || s.name().contains(only)).toList();
        // warm-up and the gap after each fault share the time: about a third of a scenario's share each
        long phase = Math.clamp((long) (minutes * 60_000 / Math.max(1, chosen.size()) / 3), 3_000, 120_000);
        FaultHarness.Settings settings = new FaultHarness.Settings(rate, 10, Duration.ofMillis(phase), Duration.ofMillis(phase),
                Duration.ofMinutes(3), "");
        Path work = Files.createTempDirectory("loglane-faults");
        out.printf("loglane fault harness: %s, %d scenario(s), %.0f events/s per client (6 clients), %d s warm-up and gaps; %s; load: %s%n",
                Instant.now(), chosen.size(), rate, phase / 1000, Runtime.getRuntime().availableProcessors() + " cores", Soak.loadAverage());
        List<LaneRow> rows = new ArrayList<>();
        try {
            FaultHarness harness = new FaultHarness(work, (d, c, l) -> ChildNode.fromJar(jar.toAbsolutePath(), heap, d, c, l), settings, out);
            for (Scenario s : chosen) {
                rows.addAll(harness.run(s.name(), s.faults()));
            }
        } finally {
            if (keep) {
                out.println("work directory kept: " + work);
            } else {
                IngestBench.deleteTree(work);
            }
        }
        out.println();
        out.print(LossTable.markdown(rows));
        out.printf("%nload at the end: %s%n", Soak.loadAverage());
        List<String> broken = LossTable.violations(rows);
        broken.forEach(b -> out.println("REQUIREMENT BROKEN: " + b));
        return broken.isEmpty() ? 0 : 1;
    }
}
