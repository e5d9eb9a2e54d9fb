package io.loglane.bench.ingest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.io.BufferedWriter;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./loglane bench files}: the file tail input's throughput. Writes {@code --lines} nginx
 * combined access lines (the generator's {@link FrameFactory#accessRecord}) to a file, starts
 * loglane in a child JVM with a {@code type: tail} input on an empty directory and a {@code disk}
 * lane that parses them ({@code nginx_combined}: typed fields and the line's own time) and
 * delivers nowhere, so the figure is tail → parse → durable append alone; then renames the file
 * into the directory and waits until the ledger counts every line accepted. Prints lines/s (from
 * the first accepted line to the last), MB/s, and the server's CPU time per line, which a busy
 * machine distorts less than wall time.
 *
 * <p>With {@code --files N} it measures instead what tailing many small files costs ({@link ManyFiles}):
 * N files of {@code --lines-per-file} lines are moved into the directory, and once every line is
 * accepted (and again after one more line was appended to every file) it reports the server's
 * live heap after a full GC, RSS, open file descriptors and threads.
 *
 * <p>With {@code --fluent-bit PATH} the same file is then tailed by Fluent Bit ({@link FluentBitTail}:
 * {@code in_tail} with its stock nginx parser into {@code null}) in the same run, and both rates,
 * the CPU per line and the ratios are printed; without a binary it prints why it skipped.
 */
@Command(name = "bench-files", mixinStandardHelpOptions = true, description = "File tail input benchmark against a child loglane.")
public final class FileTailBench implements Callable<Integer> {
    @Option(names = "--jar", defaultValue = "loglane-app/target/loglane.jar")
    Path jar;

    @Option(names = "--home", defaultValue = ".")
    Path home;

    @Option(names = "--lines", description = "Lines in the tailed file (default ${DEFAULT-VALUE}).", defaultValue = "3000000")
    int lines;

    @Option(names = "--block", description = "The tail's read_block_bytes (default ${DEFAULT-VALUE}).", defaultValue = "4MiB")
    String block;

    @Option(names = "--files", description = "Tail this many small files and report memory, file descriptors and threads instead (default ${DEFAULT-VALUE}: off).",
            defaultValue = "0")
    int files;

    @Option(names = "--lines-per-file", description = "Lines in each file with --files (default ${DEFAULT-VALUE}).", defaultValue = "20")
    int linesPerFile;

    @Option(names = "--fluent-bit", description = "Also run this Fluent Bit binary's in_tail + nginx parser → null on the same file, "
            + "after loglane, and print both rates and the ratio (default: skipped).")
    Path fluentBit;

    @Option(names = "--fluent-bit-parsers", description = "Fluent Bit's parsers.conf (default: found beside the build, see FluentBitTail).")
    Path fluentBitParsers;

    static final String OVERLAY = """
            stream:
              max_lane_size: 64GiB
            inputs:
              - type: tail
                name: files
                paths: ["%s/*.log"]
                tag: web.benchtail
                scan_interval: 100ms
                read_block_bytes: %s
            lanes:
              benchtail:
                match:
                  - tag_suffix: [benchtail]
                parser: nginx_combined
                durability: disk
                retention: {age: 1h, size: 8GiB}
                to: []
            """;

    @Override
    public Integer call() throws Exception {
        Path work = Files.createTempDirectory("loglane-bench-files");
        try {
            if (files > 0) {
                return new ManyFiles(jar, home, files, linesPerFile, block).run(work);
            }
            Path logs = Files.createDirectories(work.resolve("logs"));
            Path staged = work.resolve("access.log");
            long bytes = 0;
            SplittableRandom rnd = new SplittableRandom(42);
            try (BufferedWriter w = Files.newBufferedWriter(staged)) {
                for (int i = 0; i < lines; i++) {
                    String line = FrameFactory.accessRecord(rnd).get("log");
                    w.write(line);
                    w.write('\n');
                    bytes += line.length() + 1;
                }
            }
            Path config = work.resolve("bench.yaml");
            double loglaneRate;
            double loglaneCpu;
            Files.writeString(config, OVERLAY.formatted(logs, block));
            try (ServerProcess server = new ServerProcess(jar.toAbsolutePath(), home.toAbsolutePath(), work.resolve("data"),
                    List.of(home.resolve("config/loglane.yaml").toAbsolutePath(), config), 18_781, 18_782, "512m", List.of(),
                    work.resolve("server.log"))) {
                String accepted = "loglane_source_events_accepted_total";
                Files.move(staged, logs.resolve("access.log"), StandardCopyOption.ATOMIC_MOVE);
                long deadline = System.nanoTime() + 600_000_000_000L;
                double cpu0 = 0;
                long t0 = 0;
                double n = 0;
                while (n < lines && System.nanoTime() < deadline) {
                    n = server.metric(accepted);
                    if (t0 == 0 && n > 0) {
                        t0 = System.nanoTime();
                        cpu0 = server.cpuSeconds();
                    }
                    Thread.sleep(20);
                }
                long t1 = System.nanoTime();
                double cpu = server.cpuSeconds() - cpu0;
                double secs = (t1 - t0) / 1e9;
                System.out.printf("tail → nginx_combined → disk lane: %d lines (%.1f MB) accepted in %.2f s: %.0f lines/s, %.1f MB/s;"
                                + " server CPU %.2f s = %.2f µs/line (%.2f cores); peak RSS %.0f MiB%n",
                        (long) n, bytes / 1e6, secs, n / secs, bytes / 1e6 / secs, cpu, cpu * 1e6 / n, cpu / secs, server.peakRssMiB());
                loglaneRate = n / secs;
                loglaneCpu = cpu * 1e6 / n;
                if (n < lines) {
                    return 1;
                }
            }
            StringBuilder whyNot = new StringBuilder();
            var fb = FluentBitTail.find(fluentBit, fluentBitParsers, whyNot);
            if (fb.isEmpty()) {
                System.out.println("fluent bit in_tail: " + whyNot);
                return 0;
            }
            Path same = logs.resolve("access.log"); // the very file loglane read
            FluentBitTail.Result r = fb.get().run(same, lines, work);
            System.out.printf("fluent bit in_tail → nginx parser → null: %d lines in %.2f s: %.0f lines/s; CPU %.2f s = %.2f µs/line%n",
                    r.lines(), r.seconds(), r.linesPerSecond(), r.cpuSeconds(), r.cpuMicrosPerLine());
            System.out.printf("loglane / fluent bit: %.2f× the lines/s, %.2f× the CPU per line%n",
                    loglaneRate / r.linesPerSecond(), loglaneCpu / r.cpuMicrosPerLine());
            return r.lines() >= lines ? 0 : 1;
        } finally {
            try (Stream<Path> s = Files.walk(work)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new FileTailBench()).execute(args));
    }
}
