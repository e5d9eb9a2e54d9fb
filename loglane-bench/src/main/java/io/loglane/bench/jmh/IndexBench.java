package io.loglane.bench.jmh;

import io.loglane.bench.ingest.FrameFactory;
import io.loglane.bench.search.AccessCorpus;
import io.loglane.core.config.LaneSpec;
import io.loglane.core.config.LoglaneConfig;
import io.loglane.core.event.RecordBlock;
import io.loglane.core.parse.Parsers;
import io.loglane.inputs.forward.ForwardConfig;
import io.loglane.stores.index.IndexKeys;
import io.loglane.stores.index.IndexSettings;
import io.loglane.stores.index.IndexSink;
import io.loglane.stream.StoredBatch;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * The index sink's delivery path: {@code IndexSink.write} of batches of {@value BenchData#EVENTS}
 * decoded nginx access-log records of the bundled {@code access} lane (its {@code nginx_combined}
 * parser, so typed columns are indexed too), then {@code flush(false)} as the delivery loop calls
 * it (a Lucene commit every bundled {@code index.commit_interval}), into a temporary index
 * directory with the bundled {@code index:} settings. Every batch gets fresh offsets, so every
 * record is a new document. Score = documents/s (one operation = one record).
 *
 * <p>Each iteration prints the process CPU time per document (all threads: the sink's, Lucene's
 * merges, JIT and GC); the tear-down prints it over the measured iterations plus the final commit
 * (the figure to compare: flushes and merges make single iterations noisy) and the index size on
 * disk against the records' msgpack bytes written.
 *
 * <p>Run: {@code ./loglane bench jmh IndexBench -f 1 -wi 3 -i 5}. To compare CPU-µs/doc between
 * two builds, run a fixed amount of work instead ({@code -bm ss -wi 1 -wbs 100 -i 1 -bs 600}: 100 k
 * documents of warm-up, then 600 k measured): in throughput mode a slower run indexes fewer
 * documents, so it flushes and merges less and its CPU per document is not comparable.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--add-modules", "jdk.incubator.vector",
        "-Xms1g", "-Xmx1g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
@State(Scope.Benchmark)
public class IndexBench {
    private static final String TAG = "kube.var.log.containers.web.access";

    /**
     * The records: {@code loadgen} cycles 8 blocks of the load generator's lines (8 000 distinct
     * records, few distinct words: the term dictionary stays small); {@code access} cycles 300
     * blocks of {@link AccessCorpus} lines (300 000 distinct: addresses, ids, user agents, as the
     * search benchmark sends them, event times in order over the last 6 hours), closer to
     * what the pipeline indexes.
     */
    @Param({"access"})
    public String corpus;

    private Path dir;
    private IndexSink sink;
    private RecordBlock[] blocks;
    private long offset;
    private long cpuStart;
    private long docsStart;
    private boolean measuring;
    private long measuredCpuNanos;
    private long measuredDocs;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("loglane-jmh-index-");
        LoglaneConfig config = BenchData.bundledConfig("index:\n  dir: " + dir + "\n");
        ForwardConfig limits = BenchData.forwardConfig(config);
        if (corpus.equals("loadgen")) {
            blocks = new RecordBlock[8];
            for (int i = 0; i < blocks.length; i++) {
                blocks[i] = BenchData.block(limits, TAG, 42 + i, FrameFactory::accessRecord);
            }
        } else if (corpus.equals("access")) {
            blocks = new RecordBlock[300];
            long now = System.currentTimeMillis();
            AccessCorpus lines = new AccessCorpus(42, (long) blocks.length * BenchData.EVENTS, now - 6 * 3_600_000L, now);
            for (int i = 0; i < blocks.length; i++) {
                long first = (long) i * BenchData.EVENTS;
                long[] next = {first};
                blocks[i] = BenchData.block(limits, TAG, 42 + i, rnd -> lines.record(next[0]++));
            }
        } else {
            throw new IllegalArgumentException("corpus must be loadgen or access: " + corpus);
        }
        LaneSpec access = config.lane("access");
        IndexSettings settings = IndexSettings.from(config.store(IndexKeys.NAME), config.server());
        sink = new IndexSink(access.name(), Parsers.build(access.parser()), settings, null, new SimpleMeterRegistry(),
                Clock.systemUTC());
        sink.open(0);
    }

    /** Starts an iteration's CPU and document count; measured iterations add up to the trial's figure. */
    @Setup(Level.Iteration)
    public void mark(IterationParams iteration) {
        measuring = iteration.getType() == IterationType.MEASUREMENT;
        cpuStart = processCpuNanos();
        docsStart = offset;
    }

    @TearDown(Level.Iteration)
    public void report() {
        long docs = offset - docsStart;
        long cpu = processCpuNanos() - cpuStart;
        if (measuring) {
            measuredCpuNanos += cpu;
            measuredDocs += docs;
        }
        System.out.printf(Locale.ROOT, "  [%d docs, %.1f CPU-µs/doc (all threads)]", docs, docs == 0 ? 0 : cpu / 1000.0 / docs);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        try {
            if (sink != null) {
                long batches = offset / BenchData.EVENTS;
                long raw = 0;
                for (long b = 0; b < batches; b++) {
                    raw += blocks[(int) (b % blocks.length)].length();
                }
                long before = processCpuNanos();
                sink.flush(true); // the last commit belongs to the measured documents' cost
                measuredCpuNanos += processCpuNanos() - before;
                System.out.printf(Locale.ROOT, "%nmeasured iterations: %d docs, %.1f CPU-µs/doc (process, all threads, with the final commit)",
                        measuredDocs, measuredDocs == 0 ? 0 : measuredCpuNanos / 1000.0 / measuredDocs);
                long size;
                try (Stream<Path> s = Files.walk(dir)) {
                    size = s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
                }
                System.out.printf(Locale.ROOT, "%nindex: %d docs, %.1f MiB on disk, records %.1f MiB of msgpack: %.2fx raw%n",
                        offset, size / 1048576.0, raw / 1048576.0, size / (double) raw);
                sink.close();
            }
        } finally {
            BenchData.deleteTree(dir);
        }
    }

    @Benchmark
    @OperationsPerInvocation(BenchData.EVENTS)
    public long write() throws Exception {
        RecordBlock b = blocks[(int) ((offset / BenchData.EVENTS) % blocks.length)];
        sink.write(new StoredBatch(offset, TAG, System.currentTimeMillis() * 1_000_000L, b, null, null));
        offset += b.count();
        return sink.flush(false);
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
