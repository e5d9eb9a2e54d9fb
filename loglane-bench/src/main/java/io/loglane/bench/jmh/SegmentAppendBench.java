package io.loglane.bench.jmh;

import io.loglane.bench.ingest.FrameFactory;
import io.loglane.core.config.Durability;
import io.loglane.core.config.LaneSpec;
import io.loglane.core.config.LoglaneConfig;
import io.loglane.core.config.Retention;
import io.loglane.core.config.StreamSettings;
import io.loglane.core.event.RecordBlock;
import io.loglane.core.telemetry.MetricNames;
import io.loglane.inputs.forward.ForwardConfig;
import io.loglane.stream.AppendRequest;
import io.loglane.stream.AppendResult;
import io.loglane.stream.LaneStream;
import io.loglane.stream.embedded.EmbeddedStreams;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The stream append path: {@code LaneStream.append(...).join()} of batches of
 * {@value BenchData#EVENTS} decoded nginx access-log records (~270 KB of record bytes each) on
 * one lane of an {@link EmbeddedStreams} in a temporary directory, built as the server builds it
 * (bundled {@code stream:} settings). For {@code disk} and {@code sync} that is LZ4 + CRC32C
 * encoding, the locked write to the segment file and (sync) the group-commit fsync; for
 * {@code memory}, linking the batch into the ring (the block is kept by reference, not copied, so
 * that score is a per-append cost spread over {@value BenchData#EVENTS} events). Every append carries a fresh chunk id, as
 * Forward traffic with acks does, so the dedup window is exercised too. The join makes each
 * operation end when the append is as durable as the lane demands. Score = events/s (one
 * operation = one event); with {@code appendFourThreads} it is the sum over four threads sharing
 * the lane, which for {@code sync} shows group commit (the tear-down prints appends per fsync).
 *
 * <p>Disk use stays bounded: segments roll at 16 MiB, retention keeps 64 MiB and runs every
 * 250 ms (the bundled 64 MiB segments with no size limit would fill the disk); the directory is
 * deleted at tear-down. The machine's disk speed and other load shape the disk and sync numbers.
 *
 * <p>Run: {@code ./loglane bench jmh SegmentAppendBench -f 1 -wi 3 -i 5} (allocation per
 * event: add {@code -prof gc}).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
// the stream logs every segment retention deletes at INFO: quiet, as that is several per second here
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xms1g", "-Xmx1g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
@State(Scope.Benchmark)
public class SegmentAppendBench {
    private static final long SEGMENT_BYTES = 16L << 20;
    private static final long RETAINED_BYTES = 64L << 20;
    private static final int BLOCKS = 8;
    private static final String TAG = "kube.var.log.containers.web";

    @Param({"disk", "memory", "sync"})
    String durability;

    private Path dir;
    private EmbeddedStreams stream;
    private LaneStream lane;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private RecordBlock[] blocks;
    private final AtomicInteger threadIds = new AtomicInteger();

    /** Per benchmark thread: which block goes next and a chunk id sequence. */
    @State(Scope.Thread)
    public static class Appender {
        private String chunkPrefix;
        private long seq;
        private int next;

        @Setup(Level.Trial)
        public void setUp(SegmentAppendBench bench) {
            chunkPrefix = String.format(Locale.ROOT, "jmh%03d-%d-", bench.threadIds.getAndIncrement(), System.nanoTime() % 1_000_000);
        }

        AppendRequest request(RecordBlock[] blocks) {
            RecordBlock b = blocks[next++ % blocks.length];
            return new AppendRequest(TAG, b, System.currentTimeMillis() * 1_000_000L, chunkPrefix + seq++, null);
        }
    }

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        LoglaneConfig config = BenchData.bundledConfig(null);
        ForwardConfig limits = BenchData.forwardConfig(config);
        blocks = new RecordBlock[BLOCKS];
        for (int i = 0; i < BLOCKS; i++) {
            blocks[i] = BenchData.block(limits, TAG, 42 + i, FrameFactory::accessRecord);
        }
        Durability d = Durability.valueOf(durability.toUpperCase(Locale.ROOT));
        LaneSpec access = config.lane("access");
        LaneSpec spec = new LaneSpec(access.name(), access.match(), access.parser(), new Retention(Duration.ZERO, RETAINED_BYTES),
                access.rate(), d, access.to(), access.origin());
        StreamSettings s = config.stream();
        StreamSettings settings = new StreamSettings(SEGMENT_BYTES, s.maxLaneBytes(), s.dedupWindow(), s.dedupMaxEntries(),
                s.syncMaxWait(), s.memoryLaneBytes(), s.maxAge());
        dir = Files.createTempDirectory("loglane-jmh-stream-");
        stream = new EmbeddedStreams(dir, Map.of(spec.name(), spec), settings, registry, Clock.systemUTC(),
                Duration.ofMillis(250));
        stream.start();
        lane = stream.lane(spec.name());
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        try {
            if (stream != null) {
                Counter fsyncs = registry.find(MetricNames.STREAM_FSYNCS).counter();
                double n = fsyncs == null ? 0 : fsyncs.count();
                long appends = lane.endOffset() / BenchData.EVENTS;
                System.out.printf(Locale.ROOT, "%nlane %s: %d appends of %d events, %.0f fsyncs (%.1f appends per fsync), %.1f MiB held at the end%n",
                        lane.durability(), appends, BenchData.EVENTS, n, n == 0 ? 0 : appends / n, lane.sizeBytes() / 1048576.0);
                stream.close();
            }
        } finally {
            BenchData.deleteTree(dir);
        }
    }

    @Benchmark
    @OperationsPerInvocation(BenchData.EVENTS)
    public AppendResult append(Appender a) {
        return lane.append(a.request(blocks)).join();
    }

    @Benchmark
    @Threads(4)
    @OperationsPerInvocation(BenchData.EVENTS)
    public AppendResult appendFourThreads(Appender a) {
        return lane.append(a.request(blocks)).join();
    }
}
