package io.loglane.bench.search;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.loglane.bench.ingest.ForwardLoad;
import io.loglane.bench.ingest.FrameFactory;
import io.loglane.bench.ingest.IngestBench;
import io.loglane.bench.ingest.ServerProcess;
import io.loglane.bench.tail.TailLatencyBench;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./loglane bench search}: issue 12's search benchmark, each figure printed with its floor
 * and whether it was met. First the reference, raw Lucene in this JVM ({@link RawLucene}); then a
 * loglane server in a child JVM as {@code ./loglane up} runs it ({@link ServerProcess}) on a
 * temporary data directory with the bundled configuration (the access lane to archive and index),
 * fed {@code --events} distinct access lines ({@link AccessCorpus}, event times spread over the
 * last {@code --hours}) over Forward with acks, while {@link SearchableProbe} measures ack →
 * searchable; the indexing rate runs from the first send until the histogram counts every event,
 * with the server's CPU from {@code /proc}. Then, over the HTTP API on the idle server: queries
 * ({@code --rounds} each after warm-up: p50/p99 of the whole request, JSON included), ack → live
 * tail ({@link TailLatencyBench#measure}), and the index's size on disk against the events as
 * NDJSON. Bounded by {@code --max-minutes}: past it the bench stops the server and exits 3.
 */
@Command(name = "bench-search", mixinStandardHelpOptions = true, description = "Search benchmark (issue 12) against a child loglane.")
public final class SearchBench implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--jar", defaultValue = "loglane-app/target/loglane.jar", description = "loglane jar (default ${DEFAULT-VALUE}).")
    Path jar;

    @Option(names = "--home", defaultValue = ".", description = "Repository root (for config/loglane.yaml; default ${DEFAULT-VALUE}).")
    Path home;

    @Option(names = "--events", defaultValue = "10000000", description = "Access events sent (rounded up to whole frames; default ${DEFAULT-VALUE}).")
    long events;

    @Option(names = "--hours", defaultValue = "6", description = "Event times spread over this many hours before now (default ${DEFAULT-VALUE}).")
    int hours;

    @Option(names = "--rate", defaultValue = "0", description = "Offered events/s, evenly paced; 0 (default) as fast as acks allow.")
    long rate;

    @Option(names = "--connections", defaultValue = "2")
    int connections;

    @Option(names = "--frame-events", defaultValue = "1000")
    int frameEvents;

    @Option(names = "--raw-events", defaultValue = "2000000", description = "Events the raw-Lucene reference indexes (0: skip; default ${DEFAULT-VALUE}).")
    long rawEvents;

    @Option(names = "--rounds", defaultValue = "40", description = "Measured runs of each query (default ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--probes-per-second", defaultValue = "4", description = "Most ack → searchable probes per second (default ${DEFAULT-VALUE}).")
    double probesPerSecond;

    @Option(names = "--idle-probe-seconds", defaultValue = "15", description = "Probing after the load (default ${DEFAULT-VALUE}).")
    int idleProbeSeconds;

    @Option(names = "--tail-events", defaultValue = "2000", description = "Ack → live-tail events at 200/s (0: skip; default ${DEFAULT-VALUE}).")
    int tailEvents;

    @Option(names = "--heap", defaultValue = "1g", description = "Server -Xmx (default ${DEFAULT-VALUE}).")
    String heap;

    @Option(names = "--jvm-opt", description = "Extra flag for the server JVM, repeatable (e.g. JFR).")
    List<String> jvmOptions = new ArrayList<>();

    @Option(names = "--max-minutes", defaultValue = "60", description = "Stop (exit 3) past this many minutes (default ${DEFAULT-VALUE}).")
    double maxMinutes;

    @Option(names = "--config", description = "Extra config layer for the server, repeatable, applied after the bench's own (e.g. index settings to compare).")
    List<Path> configs = new ArrayList<>();

    @Option(names = "--keep", description = "Keep the work directory (server data and log).")
    boolean keep;

    private final PrintStream out = System.out;
    private long deadline;

    public static void main(String[] args) {
        System.exit(new CommandLine(new SearchBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (events < frameEvents || connections < 1 || frameEvents < 1 || hours < 2 || rounds < 1 || probesPerSecond <= 0) {
            throw new CommandLine.ParameterException(new CommandLine(this),
                    "--events >= --frame-events >= 1, --connections >= 1, --hours >= 2, --rounds >= 1, --probes-per-second > 0");
        }
        deadline = System.nanoTime() + (long) (maxMinutes * 60e9);
        long frames = Math.ceilDiv(events, frameEvents);
        long n = frames * frameEvents;
        long now = System.currentTimeMillis();
        AccessCorpus corpus = new AccessCorpus(42, n, now - hours * 3_600_000L, now);
        Path work = Files.createTempDirectory("loglane-bench-search");
        out.printf(Locale.ROOT, "loglane search benchmark: %d access events over the last %d h, %d Forward connections, %s; "
                        + "server heap %s; load %s; %d cores%n", n, hours, connections,
                rate > 0 ? "offered " + rate + " events/s" : "as fast as acks allow", heap, load(), Runtime.getRuntime().availableProcessors());
        try {
            if (rawEvents > 0) {
                rawLucene(corpus, work);
            }
            loglane(corpus, frames, work);
        } finally {
            if (keep) {
                out.println("work directory kept: " + work);
            } else {
                IngestBench.deleteTree(work);
            }
        }
        return 0;
    }

    private void rawLucene(AccessCorpus corpus, Path work) throws Exception {
        RawLucene raw = new RawLucene(corpus, rawEvents);
        out.println("raw Lucene (reference, in this JVM, no trigrams):");
        RawLucene.Indexing last = null;
        for (int threads = 1; threads <= 2; threads++) {
            checkTime();
            last = raw.index(work.resolve("raw-lucene"), threads);
            out.printf(Locale.ROOT, "  index %d docs on %d thread%s: %,.0f docs/s, %.1f CPU-µs/doc (process), %.2f MB on disk%n",
                    last.docs(), threads, threads == 1 ? "" : "s", last.docs() / last.seconds(), last.cpuMicrosPerDoc(), last.bytesOnDisk() / 1e6);
        }
        RawLucene.Queries q = raw.termInHour(work.resolve("raw-lucene"), rounds,
                corpus.timeMillis(0), corpus.timeMillis(Math.min(rawEvents, corpus.events()) - 1));
        out.printf(Locale.ROOT, "  %s over %d docs: p50 %.1f ms, p99 %.1f ms (in-process, query cache off)%n", q.name(), last.docs(),
                pct(q.millis(), 50), pct(q.millis(), 99));
        IngestBench.deleteTree(work.resolve("raw-lucene"));
    }

    private List<Path> layers(Path overlay) {
        List<Path> all = new ArrayList<>(List.of(overlay));
        configs.forEach(c -> all.add(c.toAbsolutePath()));
        return all;
    }

    private void loglane(AccessCorpus corpus, long frames, Path work) throws Exception {
        Path overlay = work.resolve("bench.yaml");
        Files.writeString(overlay, """
                stream:
                  max_lane_size: 64GiB
                lanes:
                  access:
                    rate: {events_per_second: 0}
                    to: [archive, index]
                """);
        Path data = work.resolve("data");
        int fwdPort = IngestBench.freePort();
        try (ServerProcess server = new ServerProcess(jar.toAbsolutePath(), home.toAbsolutePath(), data, layers(overlay),
                IngestBench.freePort(), fwdPort, heap, jvmOptions, work.resolve("server.log"))) {
            Thread watchdog = watchdog(server);
            long n = corpus.events();
            AtomicLong nextFrame = new AtomicLong();
            AtomicLong ndjson = new AtomicLong();
            ForwardLoad load = new ForwardLoad("127.0.0.1", fwdPort, conn -> {
                long first = nextFrame.getAndIncrement() * frameEvents;
                long[] i = {first};
                FrameFactory.Frame f = FrameFactory.build("bench.access", frameEvents, FrameFactory.Mode.PACKED_FORWARD, false, true,
                        first, rnd -> corpus.record(i[0]++));
                ndjson.addAndGet(f.ndjsonBytes());
                return f;
            }, frameEvents, connections, 1, rate);
            String runId = Long.toString(System.nanoTime() % 1_000_000, 36);
            SearchableProbe probe = new SearchableProbe(server, runId, probesPerSecond);
            double cpu0 = server.cpuSeconds();
            long t0 = System.nanoTime();
            probe.start();
            ForwardLoad.Result sent = load.run(remainingSeconds(), n, "srch" + runId);
            double ackSeconds = (System.nanoTime() - t0) / 1e9;
            out.printf(Locale.ROOT, "loglane (server in a child JVM):%n  acked %d events in %.1f s (%,.0f events/s; ack p50 %.1f ms, p99 %.1f ms)%n",
                    sent.events(), ackSeconds, sent.events() / ackSeconds, sent.percentileMillis(50), sent.percentileMillis(99));
            if (sent.events() != n) {
                out.printf("  only %d of %d events acked within the time limit%n", sent.events(), n);
            }
            String allRange = "&from=" + (corpus.timeMillis(0) - 3_600_000L) + "&to=" + (System.currentTimeMillis() + 3_600_000L);
            // the delivery counter first (cheap to read), then the histogram, which counts what a search sees
            while (server.metric("loglane_delivery_delivered_events_total{lane=\"access\",store=\"index\"}") < sent.events()
                    && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            long indexed;
            while ((indexed = histogramTotal(server, "source:stdout", "lucene", allRange)) < sent.events() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            double indexSeconds = (System.nanoTime() - t0) / 1e9;
            double cpu = server.cpuSeconds() - cpu0;
            probe.phase("idle");
            out.printf(Locale.ROOT, "  %s %d searchable after %.1f s: %,.0f events/s through the pipeline (ack → searchable, archive delivery "
                            + "running too), server %.2f cores, %.1f CPU-µs/event, peak RSS %.0f MiB  [floor ≥ 60,000 events/s: %s]%n",
                    indexed < sent.events() ? "--max-minutes reached: only" : "all", indexed, indexSeconds, indexed / indexSeconds, cpu / indexSeconds, cpu * 1e6 / Math.max(1, indexed), server.peakRssMiB(),
                    verdict(indexed / indexSeconds >= 60_000));
            Thread.sleep(Math.min(idleProbeSeconds * 1000L, Math.max(0, remainingMillis())));
            List<SearchableProbe.Sample> samples = probe.stop();
            printProbes(samples, "load");
            printProbes(samples, "idle");
            checkTime();
            queries(server, corpus, allRange);
            if (tailEvents > 0) {
                checkTime();
                TailLatencyBench.Latency l = TailLatencyBench.measure(server.httpPort(), "default", "bench", tailEvents, 200);
                out.printf(Locale.ROOT, "  ack → live tail (default lane, %d events at 200/s, one SSE client, filter on the server): p50 %.1f ms, "
                                + "p99 %.1f ms%s  [floor p99 ≤ 50 ms: %s]%n", l.ackToTail().length, l.ackToTailMillis(50), l.ackToTailMillis(99),
                        l.lost() > 0 ? ", " + l.lost() + " never arrived" : "", verdict(l.lost() == 0 && l.ackToTailMillis(99) <= 50));
            }
            server.post("/api/v1/flush", java.util.Map.of());
            long index = IngestBench.sizeOf(data.resolve("index").resolve("access"));
            double ratio = index / (double) ndjson.get();
            out.printf(Locale.ROOT, "  index on disk %.1f MB for %d events; the events as NDJSON %.1f MB: %.2fx  [floor ≤ 2x: %s]%n",
                    index / 1e6, indexed, ndjson.get() / 1e6, ratio, verdict(ratio <= 2));
            out.printf(Locale.ROOT, "  load at the end: %s%n", load());
            watchdog.interrupt();
        }
    }

    /** A query: its label, API path and parameters, the floor of its p50 and p99 (NaN: none). */
    private record Spec(String label, String pathAndQuery, double p50Floor, double p99Floor) {}

    private void queries(ServerProcess server, AccessCorpus corpus, String allRange) throws Exception {
        String lane = "/api/v1/search?lane=access&limit=100";
        List<Spec> specs = List.of(
                new Spec("term + 1 h range, top 100 (lucene status:404)", lane + "&syntax=lucene&q=" + enc("status:404") + "&HOUR", 20, 100),
                new Spec("substring '" + AccessCorpus.COMMON_TERM + "' (~" + AccessCorpus.COMMON_PERCENT + " %) over all, newest 100, total ≥",
                        lane + "&syntax=filter&q=" + AccessCorpus.COMMON_TERM + allRange, 50, Double.NaN),
                new Spec("substring '" + AccessCorpus.RARE_TERM + "' (0.01 %) over all, newest 100, total ≥",
                        lane + "&syntax=filter&q=" + AccessCorpus.RARE_TERM + allRange, 50, Double.NaN),
                new Spec("substring '" + AccessCorpus.COMMON_TERM + "' over all, exact total",
                        lane + "&syntax=filter&total=exact&q=" + AccessCorpus.COMMON_TERM + allRange, 500, Double.NaN),
                new Spec("substring '" + AccessCorpus.RARE_TERM + "' over all, exact total",
                        lane + "&syntax=filter&total=exact&q=" + AccessCorpus.RARE_TERM + allRange, 500, Double.NaN),
                new Spec("JSON pattern { $.status >= 500 && $.method = \"POST\" } over all, newest 100",
                        lane + "&syntax=filter&q=" + enc("{ $.status >= 500 && $.method = \"POST\" }") + allRange, Double.NaN, Double.NaN),
                new Spec("histogram of all events (empty query)", "/api/v1/histogram?lane=access&q=" + allRange, 150, Double.NaN),
                new Spec("histogram of '" + AccessCorpus.COMMON_TERM + "'", "/api/v1/histogram?lane=access&syntax=filter&q="
                        + AccessCorpus.COMMON_TERM + allRange, Double.NaN, Double.NaN),
                new Spec("top values of status over all", "/api/v1/fields/status/top?lane=access&q=" + allRange, Double.NaN, Double.NaN));
        out.printf(Locale.ROOT, "  queries over HTTP (%d rounds each after 3 warm-up; whole request, JSON included; server CPU per query "
                + "from /proc; load %s):%n", rounds, load());
        SplittableRandom rnd = new SplittableRandom(11);
        long spanFrom = corpus.timeMillis(0);
        long spanTo = corpus.timeMillis(corpus.events() - 1);
        for (Spec s : specs) {
            checkTime();
            double[] ms = new double[rounds];
            JsonNode last = null;
            double cpu0 = 0;
            for (int k = -3; k < rounds; k++) {
                if (k == 0) {
                    cpu0 = server.cpuSeconds();
                }
                String path = s.pathAndQuery();
                if (path.endsWith("&HOUR")) {
                    long from = spanFrom + (long) (rnd.nextDouble() * (spanTo - spanFrom - 3_600_000L));
                    path = path.replace("&HOUR", "&from=" + from + "&to=" + (from + 3_600_000L));
                }
                long t0 = System.nanoTime();
                HttpResponse<String> r = server.get(path);
                double took = (System.nanoTime() - t0) / 1e6;
                if (r.statusCode() != 200) {
                    throw new IllegalStateException(path + " → " + r.statusCode() + ": " + r.body());
                }
                if (k >= 0) {
                    ms[k] = took;
                }
                last = JSON.readTree(r.body());
            }
            double cpuMs = (server.cpuSeconds() - cpu0) * 1000 / rounds;
            Arrays.sort(ms);
            out.printf(Locale.ROOT, "    %-78s p50 %7.1f ms  p99 %7.1f ms  CPU %6.1f ms  %s%s%n", s.label(), pct(ms, 50), pct(ms, 99), cpuMs,
                    answer(last), floors(s, pct(ms, 50), pct(ms, 99), last));
        }
    }

    /** What the last answer said: its total (and whether exact), hits, completeness. */
    private static String answer(JsonNode a) {
        if (a.has("hits")) {
            return String.format(Locale.ROOT, "(total %s%d, %d hits, complete %s)", "gte".equals(a.path("total_relation").asText()) ? "≥ " : "",
                    a.path("total").asLong(), a.path("hits").size(), a.path("complete").asBoolean());
        }
        if (a.has("buckets")) {
            return String.format(Locale.ROOT, "(total %d in %d buckets, complete %s)", a.path("total").asLong(), a.path("buckets").size(),
                    a.path("complete").asBoolean());
        }
        return String.format(Locale.ROOT, "(%d values of %d matches scanned, complete %s)", a.path("values").size(), a.path("matches").asLong(),
                a.path("complete").asBoolean());
    }

    private static String floors(Spec s, double p50, double p99, JsonNode last) {
        List<String> parts = new ArrayList<>();
        if (!Double.isNaN(s.p50Floor())) {
            parts.add(String.format(Locale.ROOT, "p50 ≤ %.0f ms", s.p50Floor()));
        }
        if (!Double.isNaN(s.p99Floor())) {
            parts.add(String.format(Locale.ROOT, "p99 ≤ %.0f ms", s.p99Floor()));
        }
        if (parts.isEmpty()) {
            return "  [no floor]";
        }
        boolean met = p50 <= s.p50Floor() && (Double.isNaN(s.p99Floor()) || p99 <= s.p99Floor());
        boolean exactAsked = s.pathAndQuery().contains("total=exact");
        if (exactAsked && !"eq".equals(last.path("total_relation").asText())) {
            return "  [floor " + String.join(", ", parts) + " with an exact total: missed (the total is a lower bound)]";
        }
        if (s.pathAndQuery().startsWith("/api/v1/histogram") && !last.path("complete").asBoolean()) {
            return "  [floor " + String.join(", ", parts) + ": missed (incomplete counts)]";
        }
        return "  [floor " + String.join(", ", parts) + ": " + verdict(met) + "]";
    }

    private void printProbes(List<SearchableProbe.Sample> samples, String phase) {
        double[] ms = samples.stream().filter(s -> s.phase().equals(phase)).mapToDouble(SearchableProbe.Sample::millis).sorted().toArray();
        long lost = Arrays.stream(ms).filter(Double::isNaN).count();
        double[] found = Arrays.stream(ms).filter(v -> !Double.isNaN(v)).toArray();
        if (found.length == 0) {
            out.printf("  ack → searchable %s: no probe found%s%n", phase, lost > 0 ? " (" + lost + " never searchable)" : "");
            return;
        }
        out.printf(Locale.ROOT, "  ack → searchable %s (%d probes, polled every %d ms): p50 %.0f ms, p99 %.0f ms, max %.0f ms%s  [floor p99 ≤ 1.5 s: %s]%n",
                phase.equals("load") ? "during the load" : "after it", found.length, SearchableProbe.POLL_MILLIS, pct(found, 50), pct(found, 99),
                found[found.length - 1], lost > 0 ? ", " + lost + " never searchable" : "", verdict(lost == 0 && pct(found, 99) <= 1500));
    }

    private static long histogramTotal(ServerProcess server, String q, String syntax, String range) throws Exception {
        HttpResponse<String> r = server.get("/api/v1/histogram?lane=access&syntax=" + syntax + "&q=" + enc(q) + range);
        if (r.statusCode() != 200) {
            throw new IllegalStateException("histogram → " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body()).path("total").asLong();
    }

    /** Stops the server and the bench once the time limit is well past (a phase stuck in a wait). */
    private Thread watchdog(ServerProcess server) {
        return Thread.ofPlatform().daemon().name("bench-watchdog").start(() -> {
            try {
                Thread.sleep(Math.max(0, remainingMillis()) + 120_000);
                System.err.println("bench-search: over --max-minutes; stopping the server");
                server.close();
                System.exit(3);
            } catch (InterruptedException done) {
                // the bench finished in time
            }
        });
    }

    private void checkTime() {
        if (System.nanoTime() > deadline) {
            out.println("bench-search: --max-minutes reached; the rest is skipped");
            System.out.flush();
            throw new CommandLine.ExecutionException(new CommandLine(this), "time limit reached");
        }
    }

    private long remainingMillis() { return (deadline - System.nanoTime()) / 1_000_000; }

    private double remainingSeconds() { return Math.max(1, remainingMillis() / 1000.0); }

    private static String verdict(boolean met) { return met ? "met" : "MISSED"; }

    private static String enc(String s) { return URLEncoder.encode(s, StandardCharsets.UTF_8); }

    static double pct(double[] sorted, double p) {
        if (sorted.length == 0) return Double.NaN;
        return sorted[(int) Math.min(sorted.length - 1, Math.floor(sorted.length * p / 100.0))];
    }

    private static String load() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (Exception e) {
            return "?";
        }
    }

}
