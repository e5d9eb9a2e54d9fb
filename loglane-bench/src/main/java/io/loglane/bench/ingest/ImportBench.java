package io.loglane.bench.ingest;

import io.loglane.bench.search.AccessCorpus;
import io.loglane.core.config.Sizes;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./loglane bench import}: what {@code ./loglane import --lane access FILE} achieves against a
 * server started as {@code ./loglane up} starts it (the bundled config: the access lane is a
 * {@code disk} lane parsed by {@code nginx_combined} into the archive and the index).
 *
 * <p>The file is {@code --size} of nginx combined lines from {@link AccessCorpus} (the search
 * benchmark's distinct lines), written once per timestamp shape: {@code year}, event times spread
 * over the 365 days ending now, as a backfill of old files has them; {@code today}, spread over
 * today (UTC) up to now. Each shape gets a fresh server and data directory.
 *
 * <p>Reported per shape:
 * <ul>
 *   <li><b>import rate</b>: input bytes over the wall time of the import CLI's child JVM, from its
 *       start until it exits, by which time the server has acknowledged every batch (202: durable
 *       in the lane's disk stream);</li>
 *   <li><b>queryable</b>: the time from the CLI's start until {@code POST /api/v1/flush} has
 *       returned and SQL counts every line in {@code access} (the archive); and the server's index
 *       counters then (documents indexed, events past the index's retention not indexed);</li>
 *   <li>CPU: the server's and the CLI's user+system seconds over the import, also per GB with the
 *       rate that CPU would allow on the machine's cores if nothing else ran (the server's delivery
 *       threads, busy during the import too, included); and the machine's load average before and
 *       after, since other work on the machine shifts the wall times.</li>
 * </ul>
 * Not a timed test: a benchmark, printed, never asserted.
 */
@Command(name = "bench-import", mixinStandardHelpOptions = true, description = "./loglane import benchmark against a child loglane.")
public final class ImportBench implements Callable<Integer> {
    /** The JVM options the launcher ({@code ./loglane import}) gives the import CLI. */
    static final List<String> CLI_JVM_OPTIONS = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

    @Option(names = "--jar", description = "loglane jar (default ${DEFAULT-VALUE}).", defaultValue = "loglane-app/target/loglane.jar")
    Path jar;

    @Option(names = "--home", description = "Repository root (for config/loglane.yaml; default ${DEFAULT-VALUE}).", defaultValue = ".")
    Path home;

    @Option(names = "--size", description = "Size of the generated access log (default ${DEFAULT-VALUE}).", defaultValue = "1GB")
    String size;

    @Option(names = "--timestamps", split = ",", description = "Event-time shapes to run, in order: year (365 days ending now), today (default ${DEFAULT-VALUE}).",
            defaultValue = "year,today")
    List<String> shapes;

    @Option(names = "--heap", description = "Server heap, as ./loglane up (default ${DEFAULT-VALUE}).", defaultValue = "512m")
    String heap;

    @Option(names = "--jvm-opt", description = "Extra flag for the server JVM, repeatable; '{shape}' is replaced by the shape's name, "
            + "e.g. --jvm-opt=-XX:StartFlightRecording=filename=/tmp/import-{shape}.jfr")
    List<String> jvmOptions = new ArrayList<>();

    @Option(names = "--cli-opt", description = "Extra flag for the import CLI's JVM, repeatable; '{shape}' as for --jvm-opt.")
    List<String> cliOptions = new ArrayList<>();

    @Option(names = "--import-opt", description = "Extra option for ./loglane import, repeatable (e.g. --import-opt=--in-flight=4).")
    List<String> importOptions = new ArrayList<>();

    @Option(names = "--config", description = "A config layer over config/loglane.yaml, repeatable (e.g. one setting lanes.access.index_retention).")
    List<Path> overlays = new ArrayList<>();

    @Option(names = "--keep", description = "Keep the work directory (generated logs, server data and logs).")
    boolean keep;

    @Option(names = "--warmup", defaultValue = "0", description = "First import this much of the file's beginning under another tag "
            + "and wait until it is delivered, so the measured import meets a server whose JIT has compiled the ingest path, "
            + "as a long-running one has (default ${DEFAULT-VALUE}: a fresh server).")
    String warmup;

    private static final int HTTP_PORT = 18_791;
    private static final int FORWARD_PORT = 18_792;

    @Override
    public Integer call() throws Exception {
        long bytes = Sizes.parse(size);
        Path work = Files.createTempDirectory("loglane-bench-import");
        int failed = 0;
        try {
            for (String shape : shapes) {
                Instant now = Instant.now();
                long to = now.toEpochMilli();
                long from = switch (shape) {
                    case "year" -> now.minus(Duration.ofDays(365)).toEpochMilli();
                    case "today" -> Math.min(LocalDate.ofInstant(now, ZoneOffset.UTC).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli(),
                            to - Duration.ofHours(1).toMillis());
                    default -> throw new CommandLine.ParameterException(new CommandLine(this), "unknown --timestamps shape: " + shape);
                };
                Path dir = Files.createDirectories(work.resolve(shape));
                Path log = dir.resolve("access.log");
                long t = System.nanoTime();
                long lines = generate(log, bytes, from, to);
                System.out.printf(Locale.ROOT, "%s: generated %d lines, %.1f MB, event times %s .. %s, in %.1f s%n", shape, lines,
                        Files.size(log) / 1e6, Instant.ofEpochMilli(from), Instant.ofEpochMilli(to), (System.nanoTime() - t) / 1e9);
                failed += run(shape, dir, log, lines) ? 0 : 1;
                if (!keep) {
                    Files.deleteIfExists(log);
                }
            }
            return failed == 0 ? 0 : 1;
        } finally {
            if (keep) {
                System.out.println("kept " + work);
            } else {
                try (Stream<Path> s = Files.walk(work)) {
                    s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    /**
     * Imports the first {@code bytes} of {@code log} (whole lines) under the tag {@code warmup} (its
     * idempotency keys then differ from the measured import's) and flushes, so its delivery is over
     * before the measured import starts.
     */
    private void warm(ServerProcess server, List<String> cliCommand, Path dir, Path log, long bytes, String shape) throws Exception {
        Path part = dir.resolve("warmup.log");
        try (var in = Files.newInputStream(log); var out = Files.newOutputStream(part)) {
            byte[] head = in.readNBytes((int) Math.min(bytes, Integer.MAX_VALUE - 16));
            int end = head.length;
            while (end > 0 && head[end - 1] != '\n') {
                end--;
            }
            out.write(head, 0, end);
        }
        List<String> cmd = new ArrayList<>(cliCommand);
        cmd.add(cmd.size() - 1, "--tag");
        cmd.add(cmd.size() - 1, "warmup");
        cmd.set(cmd.size() - 1, part.toString());
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("warmup.out").toFile()).start();
        if (p.waitFor() != 0) {
            throw new IOException("warm-up import failed: " + Files.readString(dir.resolve("warmup.out")).strip());
        }
        server.post("/api/v1/flush", Map.of());
        System.out.printf(Locale.ROOT, "%s: warm-up import of %.1f MB (tag warmup) and its delivery took %.1f s%n", shape,
                Files.size(part) / 1e6, (System.nanoTime() - t0) / 1e9);
        Files.delete(part);
    }

    /** Writes lines of the corpus until {@code bytes}; returns how many. */
    private static long generate(Path log, long bytes, long fromMillis, long toMillis) throws IOException {
        // The corpus spreads its times over the lines it is told it has: estimate them from a sample
        // (2 % over, so the file ends just before toMillis rather than past it).
        AccessCorpus sample = new AccessCorpus(13, 2_000, fromMillis, toMillis);
        long sampled = 0;
        for (int k = 0; k < 2_000; k++) {
            sampled += sample.line(k).length() + 1;
        }
        long estimate = (long) (bytes / (sampled / 2_000.0) * 1.02) + 10;
        AccessCorpus corpus = new AccessCorpus(13, estimate, fromMillis, toMillis);
        long written = 0;
        long i = 0;
        try (BufferedWriter w = new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(log), StandardCharsets.UTF_8), 1 << 20)) {
            while (written < bytes) {
                String line = corpus.line(i);
                w.write(line);
                w.write('\n');
                written += line.length() + 1;
                i++;
            }
        }
        return i;
    }

    private boolean run(String shape, Path dir, Path log, long lines) throws Exception {
        List<String> serverOpts = jvmOptions.stream().map(o -> o.replace("{shape}", shape)).toList();
        try (ServerProcess server = new ServerProcess(jar.toAbsolutePath(), home.toAbsolutePath(), dir.resolve("data"),
                configs(), HTTP_PORT, FORWARD_PORT, heap, serverOpts,
                dir.resolve("server.log"))) {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED", "-Xmx512m"));
            cmd.addAll(CLI_JVM_OPTIONS);
            cliOptions.forEach(o -> cmd.add(o.replace("{shape}", shape)));
            cmd.addAll(List.of("-jar", jar.toAbsolutePath().toString(), "import", "--server", "http://127.0.0.1:" + HTTP_PORT, "--lane", "access"));
            cmd.addAll(importOptions);
            cmd.add(log.toString());
            long warmBytes = Sizes.parse(warmup);
            if (warmBytes > 0) {
                warm(server, cmd, dir, log, warmBytes, shape);
            }
            double load0 = loadAverage();
            double serverCpu0 = server.cpuSeconds();
            long t0 = System.nanoTime();
            Process cli = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("import.out").toFile()).start();
            double cliCpu = 0;
            while (!cli.waitFor(100, TimeUnit.MILLISECONDS)) {
                cliCpu = ServerProcess.cpuSecondsOf(cli.pid(), cliCpu); // the last reading before it exits
            }
            long t1 = System.nanoTime();
            double serverCpu1 = server.cpuSeconds();
            double load1 = loadAverage();
            String out = Files.readString(dir.resolve("import.out"));
            String summary = out.lines().filter(l -> l.startsWith("imported ")).findFirst().orElse(out.strip());
            if (cli.exitValue() != 0) {
                System.out.printf("%s: import failed (exit %d): %s%n", shape, cli.exitValue(), out.strip());
                return false;
            }
            double secs = (t1 - t0) / 1e9;
            double mb = Files.size(log) / 1e6;
            System.out.printf(Locale.ROOT, "%s: %s%n", shape, summary);
            System.out.printf(Locale.ROOT, "%s: import %.1f MB in %.2f s = %.1f MB/s, %.0f lines/s (every line acknowledged);"
                            + " server CPU %.1f s (%.2f cores), CLI CPU ≥ %.1f s; load %.1f → %.1f%n",
                    shape, mb, secs, mb / secs, lines / secs, serverCpu1 - serverCpu0, (serverCpu1 - serverCpu0) / secs, cliCpu, load0, load1);
            double serverPerGb = (serverCpu1 - serverCpu0) / (mb / 1000);
            double cliPerGb = cliCpu / (mb / 1000);
            // what the same CPU would give on this machine's cores with nothing else running (the
            // server's delivery threads, which work during the import too, included)
            int cores = Runtime.getRuntime().availableProcessors();
            System.out.printf(Locale.ROOT, "%s: CPU per GB during the import: server %.1f s, CLI ≥ %.1f s; on %d idle cores that CPU takes %.1f s per GB = %.0f MB/s%n",
                    shape, serverPerGb, cliPerGb, cores, (serverPerGb + cliPerGb) / cores, 1000 / ((serverPerGb + cliPerGb) / cores));
            while (server.get("/healthz").statusCode() == 200) { // a flush answers 504 after its timeout while the stores still work
                try {
                    server.post("/api/v1/flush", Map.of());
                    break;
                } catch (IOException e) {
                    System.out.printf("%s: %s%n", shape, e.getMessage().lines().findFirst().orElse(""));
                }
            }
            long stored = server.sqlLong("SELECT count(*) FROM access WHERE tag <> 'warmup'"); // the warm-up's lines are not the import's
            long t2 = System.nanoTime();
            double serverCpu2 = server.cpuSeconds();
            System.out.printf(Locale.ROOT, "%s: queryable in SQL (flush + count = %d of %d lines) %.2f s after the start = %.1f MB/s;"
                            + " server CPU %.1f s in all; index: %.0f documents (a warm-up's included), %.0f past its retention not indexed; peak RSS %.0f MiB%n",
                    shape, stored, lines, (t2 - t0) / 1e9, mb / ((t2 - t0) / 1e9), serverCpu2 - serverCpu0,
                    server.metric("loglane_index_documents_total"), server.metric("loglane_index_skipped_total"), server.peakRssMiB());
            return stored == lines;
        }
    }

    private List<Path> configs() {
        List<Path> all = new ArrayList<>(List.of(home.resolve("config/loglane.yaml").toAbsolutePath()));
        overlays.forEach(o -> all.add(o.toAbsolutePath()));
        return all;
    }

    private static double loadAverage() throws IOException {
        return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new ImportBench()).execute(args));
    }
}
