package io.loglane.bench.ingest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * {@code ./loglane bench files --files N}: what a tail input costs per tailed file. Starts loglane
 * in a child JVM with {@link FileTailBench#OVERLAY}'s tail input on an empty directory, moves in
 * N files of a few access lines each, waits until the ledger counts every line accepted, then
 * appends one line to every file and waits again; after each phase it prints the server's live
 * heap (after a full GC, from {@code jcmd GC.heap_info}), RSS and peak RSS, open file descriptors,
 * threads, and the tail's {@code loglane_tail_files} gauge.
 *
 * <p>Thread-safety: one run at a time.
 */
final class ManyFiles {
    private final Path jar;
    private final Path home;
    private final int files;
    private final int linesPerFile;
    private final String block;

    ManyFiles(Path jar, Path home, int files, int linesPerFile, String block) {
        this.jar = jar;
        this.home = home;
        this.files = files;
        this.linesPerFile = linesPerFile;
        this.block = block;
    }

    int run(Path work) throws Exception {
        Path logs = Files.createDirectories(work.resolve("logs"));
        Path staged = Files.createDirectories(work.resolve("staged"));
        SplittableRandom rnd = new SplittableRandom(42);
        for (int f = 0; f < files; f++) {
            Files.writeString(staged.resolve("f" + f + ".log"), lines(rnd, linesPerFile));
        }
        Path config = work.resolve("bench.yaml");
        Files.writeString(config, FileTailBench.OVERLAY.formatted(logs, block));
        try (ServerProcess server = new ServerProcess(jar.toAbsolutePath(), home.toAbsolutePath(), work.resolve("data"),
                List.of(home.resolve("config/loglane.yaml").toAbsolutePath(), config), 18_781, 18_782, "512m", List.of(),
                work.resolve("server.log"))) {
            System.out.printf("idle server: %s%n", usage(server));
            long t0 = System.nanoTime();
            try (Stream<Path> s = Files.list(staged)) {
                for (Path p : s.toList()) {
                    Files.move(p, logs.resolve(p.getFileName()), StandardCopyOption.ATOMIC_MOVE);
                }
            }
            long want = (long) files * linesPerFile;
            if (!await(server, want)) {
                return 1;
            }
            System.out.printf("%d files x %d lines accepted in %.1f s: %s%n", files, linesPerFile, (System.nanoTime() - t0) / 1e9,
                    usage(server));
            t0 = System.nanoTime();
            try (Stream<Path> s = Files.list(logs)) {
                for (Path p : s.toList()) {
                    Files.writeString(p, lines(rnd, 1), StandardOpenOption.APPEND);
                }
            }
            want += files;
            if (!await(server, want)) {
                return 1;
            }
            System.out.printf("one more line in each file, accepted in %.1f s: %s%n", (System.nanoTime() - t0) / 1e9, usage(server));
            return 0;
        }
    }

    private static String lines(SplittableRandom rnd, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(FrameFactory.accessRecord(rnd).get("log")).append('\n');
        }
        return sb.toString();
    }

    /** Waits (at most 2 minutes) until the ledger counts {@code want} lines accepted. */
    private static boolean await(ServerProcess server, long want) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + 120_000_000_000L;
        double n = 0;
        while (System.nanoTime() < deadline) {
            n = server.metric("loglane_source_events_accepted_total");
            if (n >= want) {
                return true;
            }
            Thread.sleep(100);
        }
        System.out.printf("only %.0f of %d lines accepted within 2 minutes%n", n, want);
        return false;
    }

    /** Live heap after a full GC, RSS, peak RSS, open descriptors, threads and files tailed. */
    private static String usage(ServerProcess server) throws IOException, InterruptedException {
        String pid = String.valueOf(server.pid());
        jcmd(pid, "GC.run");
        String heap = jcmd(pid, "GC.heap_info");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("used (\\d+)K").matcher(heap);
        double heapMiB = m.find() ? Long.parseLong(m.group(1)) / 1024.0 : Double.NaN;
        long fds;
        try (Stream<Path> s = Files.list(Path.of("/proc", pid, "fd"))) {
            fds = s.count();
        }
        String rss = "?";
        String hwm = "?";
        String threads = "?";
        for (String line : Files.readAllLines(Path.of("/proc", pid, "status"))) {
            String v = line.substring(line.indexOf(':') + 1).trim();
            if (line.startsWith("VmRSS:")) {
                rss = Long.parseLong(v.replaceAll("[^0-9]", "")) / 1024 + " MiB";
            } else if (line.startsWith("VmHWM:")) {
                hwm = Long.parseLong(v.replaceAll("[^0-9]", "")) / 1024 + " MiB";
            } else if (line.startsWith("Threads:")) {
                threads = v;
            }
        }
        return String.format("heap used after GC %.1f MiB, RSS %s (peak %s), %d open fds, %s threads, loglane_tail_files %.0f",
                heapMiB, rss, hwm, fds, threads, server.metric("loglane_tail_files"));
    }

    private static String jcmd(String pid, String command) throws IOException, InterruptedException {
        Path jcmd = Path.of(ProcessHandle.current().info().command().orElse("java")).resolveSibling("jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), pid, command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        return out;
    }
}
