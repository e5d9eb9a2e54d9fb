package io.loglane.router;

import static io.loglane.router.Records.block;
import static io.loglane.router.Records.rec;
import static org.assertj.core.api.Assertions.assertThat;

import io.loglane.core.config.ConfigCatalog;
import io.loglane.core.config.ConfigLoader;
import io.loglane.core.config.ConfigSource;
import io.loglane.core.config.InputSpec;
import io.loglane.core.config.LoglaneConfig;
import io.loglane.core.ingest.IngestRequest;
import io.loglane.core.ingest.Source;
import io.loglane.core.lifecycle.Input;
import io.loglane.core.lifecycle.InputContext;
import io.loglane.inputs.cloudwatch.CloudWatchKeys;
import io.loglane.inputs.container.ContainerInputType;
import io.loglane.inputs.container.ContainerKeys;
import io.loglane.inputs.forward.ForwardKeys;
import io.loglane.inputs.http.HttpKeys;
import io.loglane.inputs.otlp.OtlpKeys;
import io.loglane.inputs.tail.TailInputType;
import io.loglane.inputs.tail.TailKeys;
import io.loglane.stores.archive.ArchiveKeys;
import io.loglane.stores.index.IndexKeys;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An input's own {@code parser:} and {@code multiline:} through the real router, with real file
 * inputs (tail, docker) over files this test writes: a stack trace written in two parts with a pause
 * between is one event in {@code trace} with its metadata kept; the input's parser goes before the
 * lane's, which reads only what the input's did not (unless {@code lane_parser: true}). The flush
 * timeout runs on an injected clock the test moves.
 */
class InputReadingTest {
    private static final ConfigLoader LOADER = new ConfigLoader(new ConfigCatalog(
            List.of(ForwardKeys.INSTANCE, HttpKeys.INSTANCE, CloudWatchKeys.INSTANCE, OtlpKeys.INSTANCE, TailKeys.INSTANCE, ContainerKeys.DOCKER),
            List.of(ArchiveKeys.INSTANCE, IndexKeys.INSTANCE)));
    private static final String ID = "9c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f3f4e8a9b";

    @TempDir Path dir;
    private final MutableClock clock = new MutableClock();
    private final List<Input> inputs = new ArrayList<>();
    private InMemoryStream stream;
    private Router router;

    @AfterEach
    void closeAll() throws Exception {
        for (Input in : inputs) {
            in.close();
        }
    }

    private LoglaneConfig config(String overlay) throws Exception {
        LoglaneConfig config = LOADER.load(new ConfigSource(RouterTest.BUNDLED.toString(), Files.readString(RouterTest.BUNDLED)),
                new ConfigSource("overlay.yaml", overlay));
        stream = new InMemoryStream(config);
        router = new Router(config, stream, new SimpleMeterRegistry(), clock);
        router.start();
        return config;
    }

    private void start(LoglaneConfig config, String name) throws Exception {
        InputSpec spec = config.inputs().stream().filter(i -> i.name().equals(name)).findFirst().orElseThrow();
        InputContext ctx = new InputContext(router, new SimpleMeterRegistry(), clock, dir.resolve("data"));
        Input in = spec.type().equals("docker") ? ContainerInputType.docker().build(spec, ctx) : new TailInputType().build(spec, ctx);
        inputs.add(in);
        in.start();
    }

    private List<Map<String, String>> records(String lane) {
        InMemoryStream.Lane l = stream.lane(lane);
        synchronized (l) {
            return l.appended.stream().flatMap(a -> Records.maps(a.records()).stream()).toList();
        }
    }

    private static void await(BooleanSupplier done, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!done.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    /** Gives the tailer a few polls to do what it should not. */
    private static void polls() throws InterruptedException {
        Thread.sleep(250);
    }

    private static void append(Path f, String text) throws Exception {
        Files.createDirectories(f.getParent());
        Files.writeString(f, text, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static final String TRACE = "2026-12-05 06:00:01 ERROR [main] c.e.App - request failed\n"
            + "java.lang.IllegalStateException: boom\n"
            + "\tat com.example.App.handle(App.java:42)\n"
            + "\tat com.example.App.main(App.java:7)\n"
            + "Caused by: java.io.IOException: disk full\n"
            + "\t... 2 more";

    @Test
    void aJavaTraceWrittenInTwoPartsWithAPauseIsOneEventInTrace() throws Exception {
        Path log = dir.resolve("logs/app.log");
        LoglaneConfig config = config("inputs:\n  - type: tail\n    name: app\n    paths: [" + dir.resolve("logs") + "/*.log]\n"
                + "    poll_interval: 20ms\n    scan_interval: 40ms\n    multiline: java\n    flush_timeout: 2s\n");
        start(config, "app");
        String[] lines = TRACE.split("\n");
        append(log, "INFO started\n" + String.join("\n", List.of(lines).subList(0, 3)) + "\n");
        await(() -> !records("default").isEmpty(), "the first line");
        polls();
        assertThat(records("trace")).as("the trace may go on: its lines stay in the file").isEmpty();
        append(log, String.join("\n", List.of(lines).subList(3, lines.length)) + "\nINFO next request\n");
        await(() -> !records("trace").isEmpty(), "the trace");
        assertThat(records("trace")).hasSize(1);
        Map<String, String> trace = records("trace").get(0);
        assertThat(trace.get("log")).isEqualTo(TRACE);
        assertThat(trace.get("source")).as("the file kept as the source").isEqualTo(log.toString());
        clock.advance(Duration.ofSeconds(2));
        await(() -> records("default").size() >= 2, "the last line after the flush timeout");
        assertThat(records("default")).extracting(m -> m.get("log")).containsExactly("INFO started", "INFO next request");
    }

    private static String docker(String log, String stream, Instant t) {
        return "{\"log\":\"" + log.replace("\\", "\\\\").replace("\"", "\\\"").replace("\t", "\\t")
                + "\\n\",\"stream\":\"" + stream + "\",\"time\":\"" + t + "\"}\n";
    }

    @Test
    void aDockerTraceSplitOverReadsIsJoinedPerStreamWithItsContainer() throws Exception {
        Path root = dir.resolve("docker/containers");
        Path log = root.resolve(ID).resolve(ID + "-json.log");
        LoglaneConfig config = config("inputs:\n  - type: docker\n    name: docker\n    paths: [" + root + "/*/*-json.log]\n"
                + "    poll_interval: 20ms\n    scan_interval: 40ms\n    multiline: [java, python]\n");
        append(root.resolve(ID).resolve("config.v2.json"), "{\"ID\":\"" + ID + "\",\"Name\":\"/shop-api\",\"Config\":{\"Image\":\"shop:1\",\"Labels\":{}}}");
        start(config, "docker");
        Instant t = Instant.parse("2026-12-05T06:00:01.000000001Z");
        String[] lines = TRACE.split("\n");
        StringBuilder part1 = new StringBuilder();
        part1.append(docker("GET /health 200", "stdout", t));
        for (int i = 0; i < 3; i++) {
            part1.append(docker(lines[i], "stderr", t.plusMillis(i)));
        }
        part1.append(docker("GET /ready 200", "stdout", t.plusMillis(3))); // the other stream, between the trace's lines
        append(log, part1.toString());
        await(() -> !records("default").isEmpty(), "the first stdout line (closed by the next stdout line)");
        polls();
        assertThat(records("trace")).as("the trace may go on: its lines stay in the file").isEmpty();
        StringBuilder part2 = new StringBuilder();
        for (int i = 3; i < lines.length; i++) {
            part2.append(docker(lines[i], "stderr", t.plusMillis(10 + i)));
        }
        part2.append(docker("INFO done", "stderr", t.plusMillis(20)));
        part2.append(docker("GET /metrics 200", "stdout", t.plusMillis(21)));
        append(log, part2.toString());
        await(() -> !records("trace").isEmpty(), "the trace");
        clock.advance(Duration.ofSeconds(1));
        await(() -> records("default").size() + records("access").size() >= 4, "the other lines after the flush timeout");
        assertThat(records("trace")).hasSize(1);
        Map<String, String> trace = records("trace").get(0);
        assertThat(trace.get("log")).isEqualTo(TRACE);
        assertThat(trace).containsEntry("source", "stderr").containsEntry("container_id", ID).containsEntry("container_name", "shop-api");
        List<String> rest = new ArrayList<>();
        records("default").forEach(m -> rest.add(m.get("source") + " " + m.get("log")));
        assertThat(rest).containsExactlyInAnyOrder("stdout GET /health 200", "stdout GET /ready 200", "stderr INFO done", "stdout GET /metrics 200");
    }

    @Test
    void theInputsParserGoesFirstAndItsRecordsAreNotReadAgainByTheLanesParser() throws Exception {
        String lanes = "lanes:\n  default:\n    parser: [{name: json, time_key: t2}, logfmt]\n";
        config("inputs:\n  - type: tail\n    name: app\n    paths: [/x/*.log]\n    parser: {name: json, time_key: t1}\n"
                + "  - type: tail\n    name: both\n    paths: [/y/*.log]\n    parser: {name: json, time_key: t1}\n    lane_parser: true\n" + lanes);
        String json = "{\"t1\":\"2026-01-01T00:00:00Z\",\"t2\":\"2027-01-01T00:00:00Z\",\"user\":\"bob\"}";
        for (String input : List.of("app", "both", "other")) {
            router.submit(new IngestRequest(new Source(input, "p"), "app", block(rec("log", json), rec("log", "a=1 b=2")), null, 1L, null))
                    .get(10, TimeUnit.SECONDS);
        }
        List<Map<String, String>> recs = records("default");
        List<Long> times = new ArrayList<>();
        for (var a : stream.lane("default").appended) {
            times.addAll(Records.times(a.records()));
        }
        long y2026 = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli() * 1_000_000L;
        long y2027 = Instant.parse("2027-01-01T00:00:00Z").toEpochMilli() * 1_000_000L;
        assertThat(times.get(0)).as("app: the input's parser read it, the lane's did not").isEqualTo(y2026);
        assertThat(recs.get(0)).containsEntry("user", "bob");
        assertThat(recs.get(1)).as("app: what the input's parser did not read, the lane's reads").containsEntry("a", "1").containsEntry("b", "2");
        assertThat(times.get(2)).as("both: lane_parser: true, the lane's reading wins").isEqualTo(y2027);
        assertThat(times.get(4)).as("an input without a parser: the lane's only").isEqualTo(y2027);
        assertThat(recs.get(5)).containsEntry("a", "1");
    }

    @Test
    void anInputsPatternParserLiftsItsTypedFieldsIntoTheRecordWhateverTheLaneReadsItWith() throws Exception {
        config("inputs:\n  - type: tail\n    name: web\n    paths: [/w/*.log]\n    parser: nginx_combined\n"
                + "  - type: tail\n    name: sys\n    paths: [/s/*.log]\n    parser: {regex: '^(?P<level>[A-Z]+) took (?P<took_ms>\\d+)ms$', types: {took_ms: int}}\n"
                + "lanes:\n  web:\n    match:\n      - tag_suffix: [web]\n");
        String access = "203.0.113.9 - - [05/Dec/2026:06:00:01 +0000] \"GET /api/orders?id=7 HTTP/1.1\" 503 512 \"-\" \"curl/8.5\" 0.042";
        router.submit(new IngestRequest(new Source("web", "p"), "files.web", block(rec("log", access), rec("log", "not an access line")),
                null, 1L, null)).get(10, TimeUnit.SECONDS);
        router.submit(new IngestRequest(new Source("sys", "p"), "files.web", block(rec("log", "WARN took 1200ms")), null, 1L, null))
                .get(10, TimeUnit.SECONDS);
        List<Map<String, String>> web = records("web");
        assertThat(web).hasSize(3);
        assertThat(web.get(0)).as("typed: numbers stay numbers").containsEntry("status", "503").containsEntry("bytes", "512")
                .containsEntry("method", "GET").containsEntry("path", "/api/orders?id=7").containsEntry("log", access);
        assertThat(web.get(0).get("request_time")).isEqualTo("0.042");
        assertThat(web.get(1)).as("a line the parser did not read gets nothing").containsOnlyKeys("log");
        assertThat(web.get(2)).containsEntry("level", "WARN").containsEntry("took_ms", "1200");
        assertThat(Records.times(stream.lane("web").appended.get(0).records()).get(0)).as("and the line's own time")
                .isEqualTo(Instant.parse("2026-12-05T06:00:01Z").toEpochMilli() * 1_000_000L);
    }
}
