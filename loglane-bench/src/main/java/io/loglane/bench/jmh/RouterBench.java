package io.loglane.bench.jmh;

import java.nio.file.Path;
import java.nio.file.Files;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.loglane.stream.embedded.EmbeddedStreams;
import io.loglane.bench.ingest.FrameFactory;
import io.loglane.core.config.LoglaneConfig;
import io.loglane.core.event.RecordBlock;
import io.loglane.core.ingest.IngestRequest;
import io.loglane.core.ingest.IngestResult;
import io.loglane.core.ingest.Source;
import io.loglane.inputs.forward.ForwardConfig;
import io.loglane.router.Router;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
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

/**
 * Routing: {@link Router#submit} of one decoded Forward batch of {@value BenchData#EVENTS} Docker
 * records, with the lanes and rules of the bundled {@code config/loglane.yaml}: classification of
 * every record (field rule, tag suffix, content detectors), the split into one block per lane,
 * admission and the router's counters. The stream behind it is the real {@link EmbeddedStreams} with
 * every lane made {@code memory} (an append links the block into a ring), so almost no storage
 * cost is included. Score = events/s (one operation = one event).
 *
 * <p>The other change to the bundled config: the {@code trace} and {@code error} lanes' rate limits
 * (50k events/s) are lifted, or the benchmark would measure rejections after the first burst.
 *
 * <p>Param {@code events}:
 * <ul>
 *   <li>{@code tag}: access lines tagged {@code web.access}: the tag suffix decides; the block is
 *       only searched for the {@code log_type} field name, records are not decoded;</li>
 *   <li>{@code field}: access lines carrying {@code log_type: access}, tag without a lane: every record is
 *       scanned for its keys and the field rule decides;</li>
 *   <li>{@code access}: plain access lines, tag without a lane: the {@code access_line} content
 *       detector decides;</li>
 *   <li>{@code error}: Spring-style ERROR lines: the access and stack-trace detectors fail,
 *       {@code error_level} matches;</li>
 *   <li>{@code mixed}: 70% access, 20% INFO, 10% ERROR lines, tag without a lane: split into the
 *       {@code access}, {@code default} and {@code error} lanes (records copied per lane).</li>
 * </ul>
 *
 * <p>Param {@code durability}: {@code memory} (the default, above); {@code disk} makes the
 * {@code access}, {@code default} and {@code error} lanes {@code disk} lanes (retention 256 MiB each,
 * as nothing consumes them), so a {@code mixed} batch, which spans those three lanes, goes through
 * the stream's request journal (written whole, then the three parts) while the one-lane params
 * append straight to a segment: the cost of atomic multi-lane requests next to plain appends.
 *
 * <p>Run: {@code ./loglane bench jmh RouterBench -f 1 -wi 3 -i 5} (allocation per event: add
 * {@code -prof gc}; the journal's cost: {@code -p events=access,mixed -p durability=disk}).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xms1g", "-Xmx1g"})
@State(Scope.Thread)
public class RouterBench {
    /**
     * No rate limits (they would measure rejections), and every lane {@code memory}: appends then
     * only link the block into the real stream's in-memory ring, so the router's own work is what
     * is measured.
     */
    private static final String UNLIMITED = """
            lanes:
              access: {durability: memory}
              activity: {durability: memory}
              error: {durability: memory, rate: {events_per_second: 0}}
              trace: {durability: memory, rate: {events_per_second: 0}}
              audit: {durability: memory, audit_chain: false}
              default: {durability: memory}
            """;

    /** The {@code durability=disk} overlay: see the class comment. */
    private static final String DISK = """
            lanes:
              access: {durability: disk, retention: {size: 256MiB}}
              activity: {durability: memory}
              error: {durability: disk, rate: {events_per_second: 0}, retention: {size: 256MiB}}
              trace: {durability: memory, rate: {events_per_second: 0}}
              audit: {durability: memory, audit_chain: false}
              default: {durability: disk, retention: {size: 256MiB}}
            """;

    @Param({"tag", "field", "access", "error", "mixed"})
    String events;

    @Param({"memory"})
    String durability;

    private Router router;
    private EmbeddedStreams stream;
    private Path dir;
    private IngestRequest request;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        LoglaneConfig config = switch (durability) {
            case "memory" -> BenchData.bundledConfig(UNLIMITED);
            case "disk" -> BenchData.bundledConfig(DISK);
            default -> throw new IllegalArgumentException("unknown durability: " + durability);
        };
        ForwardConfig limits = BenchData.forwardConfig(config);
        Function<SplittableRandom, Map<String, String>> records = switch (events) {
            case "tag", "access" -> FrameFactory::accessRecord;
            case "field" -> rnd -> {
                Map<String, String> r = FrameFactory.accessRecord(rnd);
                r.put("log_type", "access");
                return r;
            };
            case "error" -> rnd -> FrameFactory.appRecord(rnd, "ERROR");
            case "mixed" -> rnd -> {
                int p = rnd.nextInt(10);
                return p < 7 ? FrameFactory.accessRecord(rnd) : FrameFactory.appRecord(rnd, p < 9 ? "INFO" : "ERROR");
            };
            default -> throw new IllegalArgumentException("unknown events: " + events);
        };
        String tag = events.equals("tag") ? "web.access" : "kube.var.log.containers.web";
        RecordBlock block = BenchData.block(limits, tag, 42, records);
        request = new IngestRequest(new Source("forward", "10.0.0.7"), tag, block, null, System.currentTimeMillis() * 1_000_000L, null);
        dir = Files.createTempDirectory("loglane-jmh-router-");
        stream = new EmbeddedStreams(dir, config.lanes(), config.stream(), new SimpleMeterRegistry(), Clock.systemUTC());
        stream.start();
        router = new Router(config, stream, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), Clock.systemUTC());
        router.start();
        IngestResult r = router.submit(request).join();
        Map<String, Long> perLane = new LinkedHashMap<>();
        for (String lane : config.lanes().keySet()) {
            if (stream.lane(lane).endOffset() > 0) {
                perLane.put(lane, stream.lane(lane).endOffset());
            }
        }
        boolean asIntended = events.equals("mixed")
                ? perLane.keySet().equals(Set.of("access", "default", "error"))
                : perLane.equals(Map.of(events.equals("error") ? "error" : "access", (long) BenchData.EVENTS));
        if (r.accepted() != BenchData.EVENTS || !asIntended) {
            throw new IllegalStateException("router accepted " + r + " of " + BenchData.EVENTS + " events, lanes " + perLane);
        }
        System.out.println("\nevents=" + events + " route to lanes " + perLane);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        try {
            router.close();
            stream.close();
        } finally {
            BenchData.deleteTree(dir);
        }
    }

    @Benchmark
    @OperationsPerInvocation(BenchData.EVENTS)
    public IngestResult submit() {
        return router.submit(request).join();
    }
}
