package io.loglane.router;

import static io.loglane.router.Records.block;
import static io.loglane.router.Records.rec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loglane.core.config.ConfigException;
import io.loglane.core.config.ConfigSource;
import io.loglane.core.config.LoglaneConfig;
import io.loglane.core.event.RecordBlock;
import io.loglane.core.multiline.MultilineJoiner;
import io.loglane.core.ingest.IngestRequest;
import io.loglane.core.ingest.IngestResult;
import io.loglane.core.ingest.Source;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Multiline joining in the router: stack traces logged line by line arrive as one record per line,
 * interleaved across containers and streams; each event's lines are joined into its first record
 * (its metadata kept) within the request, and the joined event is classified by its content.
 */
class MultilineTest {
    private InMemoryStream stream;
    private Router router;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private void router(String overlay) throws Exception {
        LoglaneConfig config = RouterTest.LOADER.load(new ConfigSource(RouterTest.BUNDLED.toString(), Files.readString(RouterTest.BUNDLED)),
                new ConfigSource("overlay.yaml", overlay));
        stream = new InMemoryStream(config);
        router = new Router(config, stream, registry, new MutableClock());
        router.start();
    }

    private IngestResult submit(String tag, RecordBlock b) throws Exception {
        return router.submit(new IngestRequest(new Source("forward", "127.0.0.1"), tag, b, null, 1L, null)).get(10, TimeUnit.SECONDS);
    }

    private List<Map<String, String>> records(String lane) {
        return stream.lane(lane).appended.stream().flatMap(a -> Records.maps(a.records()).stream()).toList();
    }

    private static Map<String, String> line(String container, String source, String log) {
        return rec("container_id", container, "source", source, "log", log + "\n", "ecs_cluster", "prod");
    }

    @Test
    void interleavedTracesOfEachBuiltInAreJoinedPerStreamAndClassifiedAsTraces() throws Exception {
        router("lanes:\n  default:\n    multiline: [java, python, go, node, dotnet]\n");
        List<Map<String, String>> recs = new ArrayList<>(List.of(
                line("c1", "stderr", "2026-12-05 04:15:49 ERROR [main] c.e.App - request failed"),
                line("c2", "stdout", "Traceback (most recent call last):"),
                line("c1", "stderr", "java.lang.IllegalStateException: boom"),
                line("c2", "stdout", "  File \"/app/main.py\", line 3, in <module>"),
                line("c1", "stdout", "GET /health 200"),                                   // c1 stdout: another stream
                line("c1", "stderr", "\tat com.example.App.run(App.java:10)"),
                line("c2", "stdout", "    main()"),
                line("c1", "stderr", "Caused by: java.io.IOException: disk"),
                line("c2", "stdout", "ValueError: bad value"),
                line("c1", "stderr", "\t... 3 more"),
                line("c3", "stderr", "panic: runtime error: index out of range [3] with length 3"),
                line("c3", "stderr", ""),
                line("c3", "stderr", "goroutine 1 [running]:"),
                line("c3", "stderr", "main.main()"),
                line("c3", "stderr", "\t/app/main.go:8 +0x1d"),
                line("c3", "stderr", "exit status 2"),
                line("c4", "stderr", "TypeError: Cannot read properties of undefined (reading 'x')"),
                line("c4", "stderr", "    at handler (/app/index.js:10:5)"),
                line("c5", "stdout", "System.InvalidOperationException: Sequence contains no elements"),
                line("c5", "stdout", "   at System.Linq.Enumerable.First[TSource](IEnumerable`1 source)"),
                line("c5", "stdout", "   --- End of inner exception stack trace ---"),
                line("c2", "stdout", "INFO next request")));
        @SuppressWarnings("unchecked")
        Map<String, String>[] arr = recs.toArray(Map[]::new);
        IngestResult r = submit("app", block(arr));
        assertThat(r.accepted()).as("every line is accepted, joined lines with their event").isEqualTo(recs.size());
        List<Map<String, String>> traces = records("trace");
        assertThat(traces).extracting(m -> m.get("log")).containsExactly(
                "2026-12-05 04:15:49 ERROR [main] c.e.App - request failed\njava.lang.IllegalStateException: boom\n"
                        + "\tat com.example.App.run(App.java:10)\nCaused by: java.io.IOException: disk\n\t... 3 more",
                "Traceback (most recent call last):\n  File \"/app/main.py\", line 3, in <module>\n    main()\nValueError: bad value",
                "panic: runtime error: index out of range [3] with length 3\n\ngoroutine 1 [running]:\nmain.main()\n\t/app/main.go:8 +0x1d\nexit status 2",
                "TypeError: Cannot read properties of undefined (reading 'x')\n    at handler (/app/index.js:10:5)",
                "System.InvalidOperationException: Sequence contains no elements\n"
                        + "   at System.Linq.Enumerable.First[TSource](IEnumerable`1 source)\n   --- End of inner exception stack trace ---");
        assertThat(traces.get(0)).as("the first line's metadata is kept").containsEntry("container_id", "c1")
                .containsEntry("source", "stderr").containsEntry("ecs_cluster", "prod");
        assertThat(records("default")).extracting(m -> m.get("log")).containsExactly("GET /health 200\n", "INFO next request\n");
    }

    @Test
    void userRulesAndATagLanesRules() throws Exception {
        router("""
                lanes:
                  app:
                    match: [{tag_suffix: [app]}]
                    multiline: {start: '^\\d{4}-\\d\\d-\\d\\d ', continue: '^(\\s|\\|)'}
                """);
        IngestResult r = submit("svc.app", block(
                line("c1", "stdout", "2026-12-05 04:15:49 report:"),
                line("c1", "stdout", "| a | 1 |"),
                line("c1", "stdout", "  b"),
                line("c1", "stdout", "| stray line that opens nothing"),
                line("c1", "stdout", "2026-12-05 04:15:50 next")));
        assertThat(r).isEqualTo(new IngestResult(5, 0));
        assertThat(records("app")).extracting(m -> m.get("log")).containsExactly(
                "2026-12-05 04:15:49 report:\n| a | 1 |\n  b\n| stray line that opens nothing", "2026-12-05 04:15:50 next\n");
    }

    @Test
    void withoutRulesNothingIsJoinedAndTheBlockIsPassedOnAsIs() throws Exception {
        router("lanes:\n  default:\n    multiline: java\n");
        RecordBlock plain = block(line("c1", "stdout", "one"), line("c1", "stdout", "two"));
        submit("app", plain);
        assertThat(stream.lane("default").appended.get(0).records()).as("nothing joined: no copy").isSameAs(plain);
        submit("x.audit", block(line("c1", "stdout", "x"), line("c1", "stdout", "\tat a.B.c(B.java:1)")));
        assertThat(records("audit")).as("audit (the tag's lane) has no rules").hasSize(2);
    }

    @Test
    void anEventIsCutAtItsLineBound() throws Exception {
        router("lanes:\n  default:\n    multiline: java\n");
        List<Map<String, String>> recs = new ArrayList<>();
        recs.add(line("c1", "stderr", "java.lang.RuntimeException: deep"));
        for (int i = 0; i < MultilineJoiner.MAX_LINES + 5; i++) {
            recs.add(line("c1", "stderr", "\tat a.B.m" + i + "(B.java:1)"));
        }
        @SuppressWarnings("unchecked")
        Map<String, String>[] arr = recs.toArray(Map[]::new);
        assertThat(submit("app", block(arr)).accepted()).isEqualTo(recs.size());
        assertThat(records("trace")).hasSize(2);
        assertThat(records("trace").get(0).get("log").split("\n")).hasSize(MultilineJoiner.MAX_LINES);
        assertThat(records("trace").get(0).get("truncated")).as("the cut event is marked as a cut line is").isEqualTo("true");
        assertThat(records("trace").get(1).get("log").split("\n")).as("the rest is the next event").hasSize(6);
        assertThat(records("trace").get(1)).doesNotContainKey("truncated");
        assertThat(registry.get(io.loglane.core.telemetry.MetricNames.MULTILINE_TRUNCATED).tag("input", "forward").counter().count())
                .as("counted per input").isEqualTo(1.0);
    }

    @Test
    void configErrorsNameTheKey() {
        assertThatThrownBy(() -> router("lanes:\n  default:\n    multiline: [java, cobol]\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("overlay.yaml:3: lanes.default.multiline[1]: unknown multiline rule \"cobol\"");
        assertThatThrownBy(() -> router("lanes:\n  default:\n    multiline: {start: '('}\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("lanes.default.multiline.start: bad regex");
        assertThatThrownBy(() -> router("lanes:\n  default:\n    multiline: {start: 'x'}\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("needs continue");
    }
}
