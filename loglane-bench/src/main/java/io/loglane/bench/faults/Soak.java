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
 * Samples a child loglane's resources over a soak run: live heap (in use right after a full GC that
 * {@code jcmd <pid> GC.run} asks for, so a GC sawtooth does not read as growth; then
 * {@code GC.heap_info}), resident set ({@code /proc/<pid>/status} VmRSS), open file descriptors
 * ({@code /proc/<pid>/fd}) and threads; then compares the first and the last third of the samples
 * taken after a process's warm-up ({@link #WARM_UP_SECONDS} after its first sample) to flag growth.
 *
 * <p>Thread-safety: {@link #sample} from one sampling thread; {@link #samples} after it ended.
 */
public final class Soak {
    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");
    /** Samples this soon after a process's first are its start-up (heap and RSS still growing to their working size). */
    static final long WARM_UP_SECONDS = 30;

    /**
     * One sample.
     *
     * @param seconds since the soak started
     * @param pid     the node's process (it changes at each restart)
     * @param heapMiB live heap (in use after a full GC), -1 when jcmd did not answer
     */
    public record Sample(long seconds, long pid, double heapMiB, double rssMiB, int fds, int threads) {}

    private final List<Sample> samples = new ArrayList<>();
    private final long startNanos = System.nanoTime();

    /** Takes one sample of process {@code pid}; does nothing when it is gone. */
    public void sample(long pid) {
        try {
            Path proc = Path.of("/proc", String.valueOf(pid));
            double rss = -1;
            int threads = -1;
            for (String line : Files.readAllLines(proc.resolve("status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                } else if (line.startsWith("Threads:")) {
                    threads = Integer.parseInt(line.replaceAll("[^0-9]", ""));
                }
            }
            int fds;
            try (Stream<Path> s = Files.list(proc.resolve("fd"))) {
                fds = (int) s.count();
            }
            synchronized (samples) {
                samples.add(new Sample(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNanos), pid, heapMiB(pid), rss, fds, threads));
            }
        } catch (IOException | RuntimeException e) {
            // the process ended between two reads (a restart): no sample this time
        }
    }

    public List<Sample> samples() {
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }

    private static double heapMiB(long pid) {
        jcmd(pid, "GC.run");
        return jcmd(pid, "GC.heap_info");
    }

    /** Runs one jcmd command against {@code pid}; the heap in use it printed, or -1. */
    private static double jcmd(long pid, String command) {
        try {
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), String.valueOf(pid), command)
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return -1;
            }
            Matcher m = HEAP_USED.matcher(out);
            return m.find() ? Long.parseLong(m.group(1)) / 1024.0 : -1;
        } catch (IOException | InterruptedException e) {
            return -1;
        }
    }

    /** The samples as a markdown table. */
    public String table() {
        StringBuilder sb = new StringBuilder("| t (s) | pid | live heap (MiB) | RSS (MiB) | open fds | threads |\n|---:|---:|---:|---:|---:|---:|\n");
        for (Sample s : samples()) {
            sb.append(String.format("| %d | %d | %.0f | %.0f | %d | %d |%n", s.seconds(), s.pid(), s.heapMiB(), s.rssMiB(), s.fds(), s.threads()));
        }
        return sb.toString();
    }

    /**
     * Compares the medians of the first and last third of the samples past each process's warm-up:
     * growth of more than a quarter (RSS, heap) or of more than 10 % plus 5 (fds, threads) is flagged.
     *
     * @return one line per measure, flagged with {@code GROWS} or {@code flat}
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
        out.add(judge("live heap (MiB)", median(first, Sample::heapMiB), median(last, Sample::heapMiB), 1.25, 0));
        out.add(judge("RSS (MiB)", median(first, Sample::rssMiB), median(last, Sample::rssMiB), 1.25, 0));
        out.add(judge("open fds", median(first, s -> s.fds()), median(last, s -> s.fds()), 1.10, 5));
        out.add(judge("threads", median(first, s -> s.threads()), median(last, s -> s.threads()), 1.10, 5));
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

    private static String judge(String what, double first, double last, double factor, double slack) {
        boolean grows = last > first * factor + slack;
        return String.format("%s: first third %.0f, last third %.0f: %s", what, first, last, grows ? "GROWS" : "flat");
    }

    private static double median(List<Sample> s, java.util.function.ToDoubleFunction<Sample> f) {
        double[] v = s.stream().mapToDouble(f).filter(d -> d >= 0).sorted().toArray();
        return v.length == 0 ? -1 : v[v.length / 2];
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
