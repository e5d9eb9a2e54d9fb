package io.loglane.bench.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Samples a child loglane's resources over a soak run and judges whether any of them leaks.
 *
 * <p>Each sample: live heap (in use right after a full GC that {@code jcmd <pid> GC.run} asks for,
 * so a GC sawtooth does not read as growth; then {@code GC.heap_info}); the bytes the node's
 * {@code memory} lanes hold ({@code storedBytes} of {@code /api/v1/lanes}: a memory lane keeps up to
 * {@code stream.memory_lane_size} of batches on the heap by design, filling over minutes); the
 * resident set ({@code /proc/<pid>/status} VmRSS) split into anonymous memory (RssAnon: heap,
 * native allocations) and file pages (RssFile: mapped index and segment files, page cache the
 * kernel reclaims); open file descriptors ({@code /proc/<pid>/fd}) and threads.
 *
 * <p>A leak raises what a process holds when it is idle, not only what it holds at a busy moment,
 * so {@link #growth()} compares the first and the last third of the samples taken after a process's
 * warm-up ({@link #WARM_UP_SECONDS}) by their median and by their floor (the lowest quarter), and
 * judges on the live heap less the memory lanes' buffers and on RssAnon. A measure flagged
 * {@code GROWS} by its median but flat by its floor is reported as {@code peaks grow}: its busy
 * moments grew (e.g. compaction of a larger archive opens more files at once), what it returns to
 * did not.
 *
 * <p>Thread-safety: {@link #sample} from one sampling thread; {@link #samples} after it ended.
 */
public final class Soak {
    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");
    private static final Pattern HEAP_COMMITTED = Pattern.compile("committed (\\d+)K");
    /** Samples this soon after a process's first are its start-up (heap and RSS still growing to their working size). */
    static final long WARM_UP_SECONDS = 30;

    /**
     * One sample.
     *
     * @param seconds   since the soak started
     * @param pid       the node's process (it changes at each restart)
     * @param heapMiB   live heap (in use after a full GC), -1 when jcmd did not answer
     * @param memoryMiB bytes the node's memory lanes held, -1 when the node did not answer
     * @param rssMiB    VmRSS
     * @param committedMiB heap the JVM has committed (G1 grows it up to {@code -Xmx} and keeps it), -1 when unknown
     * @param anonMiB   RssAnon
     * @param fileMiB   RssFile
     */
    public record Sample(long seconds, long pid, double heapMiB, double memoryMiB, double committedMiB, double rssMiB, double anonMiB,
                         double fileMiB, int fds, int threads) {
        /** Live heap less what the memory lanes hold by design; -1 when either is unknown. */
        double heapLessBuffersMiB() { return heapMiB < 0 || memoryMiB < 0 ? -1 : heapMiB - memoryMiB; }

        /** Anonymous memory outside the committed heap (thread stacks, JVM internals, native libraries such as DuckDB); -1 when unknown. */
        double offHeapAnonMiB() { return anonMiB < 0 || committedMiB < 0 ? -1 : anonMiB - committedMiB; }
    }

    private final List<Sample> samples = new ArrayList<>();
    private final long startNanos = System.nanoTime();

    /** Takes one sample of {@code node}; does nothing when its process is gone. */
    public void sample(ChildNode node) {
        long pid = node.pid();
        try {
            Path proc = Path.of("/proc", String.valueOf(pid));
            double rss = -1;
            double anon = -1;
            double file = -1;
            int threads = -1;
            for (String line : Files.readAllLines(proc.resolve("status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = kibToMib(line);
                } else if (line.startsWith("RssAnon:")) {
                    anon = kibToMib(line);
                } else if (line.startsWith("RssFile:")) {
                    file = kibToMib(line);
                } else if (line.startsWith("Threads:")) {
                    threads = Integer.parseInt(line.replaceAll("[^0-9]", ""));
                }
            }
            int fds;
            try (Stream<Path> s = Files.list(proc.resolve("fd"))) {
                fds = (int) s.count();
            }
            jcmd(pid, "GC.run");
            String info = jcmd(pid, "GC.heap_info");
            double heap = kib(HEAP_USED, info);
            double committed = kib(HEAP_COMMITTED, info);
            double memory = memoryLanesMiB(node);
            synchronized (samples) {
                samples.add(new Sample(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNanos), pid, heap, memory, committed, rss, anon,
                        file, fds, threads));
            }
        } catch (IOException | RuntimeException e) {
            // the process ended between two reads (a restart): no sample this time
        }
    }

    /** Adds a sample as is; for tests of {@link #growth()}. */
    void add(Sample s) {
        synchronized (samples) {
            samples.add(s);
        }
    }

    private static double kibToMib(String statusLine) { return Long.parseLong(statusLine.replaceAll("[^0-9]", "")) / 1024.0; }

    /** What the node's {@code memory} lanes hold on the heap now, MiB; -1 when it does not answer. */
    private static double memoryLanesMiB(ChildNode node) {
        try {
            var r = node.get("/api/v1/lanes");
            if (r.statusCode() != 200) {
                return -1;
            }
            long bytes = 0;
            for (com.fasterxml.jackson.databind.JsonNode lane : ChildNode.JSON.readTree(r.body()).get("lanes")) {
                if (lane.path("durability").asText().equals("memory")) {
                    bytes += lane.path("storedBytes").asLong();
                }
            }
            return bytes / (1024.0 * 1024);
        } catch (IOException | RuntimeException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    public List<Sample> samples() {
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }

    /** Runs one jcmd command against {@code pid}; what it printed, or "" when it did not answer in time. */
    private static String jcmd(long pid, String command) {
        try {
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), String.valueOf(pid), command)
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "";
            }
            return out;
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /** The first {@code <n>K} figure {@code p} finds in {@code text}, in MiB; -1 when none. */
    private static double kib(Pattern p, String text) {
        Matcher m = p.matcher(text);
        return m.find() ? Long.parseLong(m.group(1)) / 1024.0 : -1;
    }

    /** The samples as a markdown table. */
    public String table() {
        StringBuilder sb = new StringBuilder("| t (s) | pid | live heap (MiB) | of it memory lanes (MiB) | heap committed (MiB) | RSS (MiB) "
                + "| RssAnon (MiB) | RssFile (MiB) | open fds | threads |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Sample s : samples()) {
            sb.append(String.format("| %d | %d | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f | %d | %d |%n", s.seconds(), s.pid(), s.heapMiB(),
                    s.memoryMiB(), s.committedMiB(), s.rssMiB(), s.anonMiB(), s.fileMiB(), s.fds(), s.threads()));
        }
        return sb.toString();
    }

    /**
     * One line per measure: its median and floor (lowest quarter) in the first and last third of the
     * warm samples, and a verdict: {@code GROWS} when the floor grew by more than a quarter (memory)
     * or by more than 10 % plus 5 (fds, threads), {@code peaks grow} when only the median did,
     * {@code flat} otherwise. The verdicts that count are the live heap less the memory lanes'
     * buffers, RssAnon, open fds and threads; VmRSS and the live heap with the buffers are reported.
     *
     * @return one line per measure; a judged one ends with {@code GROWS}, {@code peaks grow} or {@code flat}
     */
    public List<String> growth() {
        List<Sample> all = warm(samples());
        List<String> out = new ArrayList<>();
        if (all.size() < 6) {
            out.add("too few samples (" + all.size() + ") to judge growth");
            return out;
        }
        List<Sample> first = all.subList(0, all.size() / 3);
        List<Sample> last = all.subList(all.size() - all.size() / 3, all.size());
        out.add(judge("live heap less memory-lane buffers (MiB)", first, last, Sample::heapLessBuffersMiB, 1.25, 0, true));
        out.add(judge("RssAnon (MiB)", first, last, Sample::anonMiB, 1.25, 0, true));
        out.add(judge("open fds", first, last, s -> s.fds(), 1.10, 5, true));
        out.add(judge("threads", first, last, s -> s.threads(), 1.10, 5, true));
        out.add(judge("live heap (MiB), memory lanes included", first, last, Sample::heapMiB, 1.25, 0, false));
        out.add(judge("RssAnon outside the committed heap (MiB)", first, last, Sample::offHeapAnonMiB, 1.25, 0, false));
        out.add(judge("VmRSS (MiB), file pages included", first, last, Sample::rssMiB, 1.25, 0, false));
        return out;
    }

    /** The samples taken at least {@link #WARM_UP_SECONDS} after the first sample of the same process. */
    static List<Sample> warm(List<Sample> all) {
        java.util.Map<Long, Long> firstSeen = new java.util.HashMap<>();
        List<Sample> out = new ArrayList<>();
        for (Sample s : all) {
            long first = firstSeen.computeIfAbsent(s.pid(), pid -> s.seconds());
            if (s.seconds() - first >= WARM_UP_SECONDS) {
                out.add(s);
            }
        }
        return out;
    }

    private static String judge(String what, List<Sample> first, List<Sample> last, java.util.function.ToDoubleFunction<Sample> f,
                                double factor, double slack, boolean judged) {
        double m0 = quantile(first, f, 0.5);
        double m1 = quantile(last, f, 0.5);
        double q0 = quantile(first, f, 0.25);
        double q1 = quantile(last, f, 0.25);
        String line = String.format("%s: median %.0f → %.0f, floor %.0f → %.0f", what, m0, m1, q0, q1);
        if (!judged) {
            return line + " (reported, not judged)";
        }
        boolean floorGrows = q1 > q0 * factor + slack;
        boolean medianGrows = m1 > m0 * factor + slack;
        return line + ": " + (floorGrows ? "GROWS" : medianGrows ? "peaks grow" : "flat");
    }

    /** The {@code q} quantile (lower) of the known values; -1 when none is known. */
    private static double quantile(List<Sample> s, java.util.function.ToDoubleFunction<Sample> f, double q) {
        double[] v = s.stream().mapToDouble(f).filter(d -> d >= 0).sorted().toArray();
        return v.length == 0 ? -1 : v[(int) Math.floor((v.length - 1) * q)];
    }

    /** {@code /proc/loadavg}'s three load averages, for figures printed with the machine's load. */
    public static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2] + " (1, 5, 15 min)";
        } catch (IOException e) {
            return "unknown";
        }
    }
}
