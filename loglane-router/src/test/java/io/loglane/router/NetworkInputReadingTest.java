package io.loglane.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.Javalin;
import io.loglane.core.config.ConfigCatalog;
import io.loglane.core.config.ConfigLoader;
import io.loglane.core.config.ConfigSource;
import io.loglane.core.config.InputSpec;
import io.loglane.core.config.LoglaneConfig;
import io.loglane.core.lifecycle.Input;
import io.loglane.core.lifecycle.InputContext;
import io.loglane.inputs.cloudwatch.CloudWatchKeys;
import io.loglane.inputs.forward.ForwardConfig;
import io.loglane.inputs.forward.ForwardInput;
import io.loglane.inputs.forward.ForwardKeys;
import io.loglane.inputs.http.HttpInput;
import io.loglane.inputs.http.HttpInputType;
import io.loglane.inputs.http.HttpKeys;
import io.loglane.inputs.otlp.OtlpKeys;
import io.loglane.stores.archive.ArchiveKeys;
import io.loglane.stores.index.IndexKeys;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;

/**
 * An input's own {@code multiline:} and {@code parser:} on network inputs, through the real inputs (a
 * Forward listener on 127.0.0.1 fed real Forward frames with {@code chunk} acks; the HTTP ingest
 * route on a real Javalin server) and the real router: lines of a trace split across requests are
 * joined into one event, and a request is acknowledged only once every line of it is stored; an
 * input's parser reads its records as it does for a file input.
 */
class NetworkInputReadingTest {
    private static final ConfigLoader LOADER = new ConfigLoader(new ConfigCatalog(
            List.of(ForwardKeys.INSTANCE, HttpKeys.INSTANCE, CloudWatchKeys.INSTANCE, OtlpKeys.INSTANCE),
            List.of(ArchiveKeys.INSTANCE, IndexKeys.INSTANCE)));

    private final MutableClock clock = new MutableClock();
    private final List<AutoCloseable> closing = new ArrayList<>();
    private InMemoryStream stream;
    private Router router;

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : closing.reversed()) {
            c.close();
        }
    }

    private LoglaneConfig config(String overlay) throws Exception {
        LoglaneConfig config = LOADER.load(new ConfigSource(RouterTest.BUNDLED.toString(), Files.readString(RouterTest.BUNDLED)),
                new ConfigSource("overlay.yaml", "inputs:\n" + overlay));
        stream = new InMemoryStream(config);
        router = new Router(config, stream, new SimpleMeterRegistry(), clock);
        router.start();
        return config;
    }

    private static InputSpec input(LoglaneConfig config, String name) {
        return config.inputs().stream().filter(i -> i.name().equals(name)).findFirst().orElseThrow();
    }

    private List<Map<String, String>> records(String lane) {
        InMemoryStream.Lane l = stream.lane(lane);
        synchronized (l) {
            return l.appended.stream().flatMap(a -> Records.maps(a.records()).stream()).toList();
        }
    }

    private List<String> logs(String lane) {
        return records(lane).stream().map(m -> m.get("log")).toList();
    }

    private static void await(BooleanSupplier done, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!done.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    /** A Forward-mode frame {@code [tag, [[time, {container_id, source, log}], …], {chunk}]}, as Fluent Bit's out_forward sends. */
    static byte[] chunk(String tag, String chunk, String... lines) throws IOException {
        try (MessageBufferPacker p = MessagePack.newDefaultBufferPacker()) {
            p.packArrayHeader(3).packString(tag).packArrayHeader(lines.length);
            for (String l : lines) {
                p.packArrayHeader(2).packLong(1_796_450_400L);
                p.packMapHeader(3).packString("container_id").packString("c1").packString("source").packString("stderr")
                        .packString("log").packString(l);
            }
            p.packMapHeader(1).packString("chunk").packString(chunk);
            return p.toByteArray();
        }
    }

    static String readAck(MessageUnpacker in) throws IOException {
        int n = in.unpackMapHeader();
        String acked = null;
        for (int i = 0; i < n; i++) {
            String k = in.unpackString();
            String v = in.unpackString();
            if (k.equals("ack")) {
                acked = v;
            }
        }
        return acked;
    }

    @Test
    void aForwardTraceSplitOverTwoChunksIsOneEventAndTheFirstChunkIsAckedOnlyOnceItIsStored() throws Exception {
        LoglaneConfig config = config("  - type: forward\n    name: fwd\n    port: 0\n    multiline: java\n    flush_timeout: 10m\n");
        ForwardInput fwd = new ForwardInput(ForwardConfig.from(input(config, "fwd")), router, new SimpleMeterRegistry(), clock);
        closing.add(fwd);
        fwd.start();
        try (Socket s = new Socket("127.0.0.1", fwd.boundPort())) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            MessageUnpacker acks = MessagePack.newDefaultUnpacker(in);
            out.write(chunk("app", "c1", "INFO start", "2026-12-05 06:00:01 ERROR request failed",
                    "java.lang.IllegalStateException: boom", "\tat com.example.App.handle(App.java:42)"));
            out.flush();
            await(() -> logs("default").contains("INFO start"), "the line no later line can continue");
            assertThat(records("trace")).as("the trace may go on in the next chunk: held").isEmpty();
            assertThat(in.available()).as("no ack for c1: its trace is not stored").isZero();

            out.write(chunk("app", "c2", "\tat com.example.App.main(App.java:7)", "INFO next request"));
            out.flush();
            assertThat(readAck(acks)).isEqualTo("c1");
            assertThat(logs("trace")).as("stored before the ack, as one event").containsExactly(
                    "2026-12-05 06:00:01 ERROR request failed\njava.lang.IllegalStateException: boom\n"
                            + "\tat com.example.App.handle(App.java:42)\n\tat com.example.App.main(App.java:7)");
            assertThat(records("trace").get(0)).containsEntry("container_id", "c1").containsEntry("source", "stderr");
            assertThat(logs("default")).as("c2's last line is held in turn").doesNotContain("INFO next request");

            out.write(chunk("app", "c3", "INFO third"));
            out.flush();
            assertThat(readAck(acks)).isEqualTo("c2");
            assertThat(logs("default")).contains("INFO next request").doesNotContain("INFO third");
        }
        await(() -> logs("default").contains("INFO third"), "the held line of a closed connection");
        assertThat(logs("default")).containsExactly("INFO start", "INFO next request", "INFO third");
    }

    @Test
    void anHttpRequestWhoseTraceGoesOnIsAnsweredOnceTheNextRequestOrTheFlushTimeoutStoresIt() throws Exception {
        LoglaneConfig config = config("  - type: http\n    name: http\n    multiline: java\n    flush_timeout: 300ms\n");
        Input built = new HttpInputType().build(input(config, "http"), new InputContext(router, new SimpleMeterRegistry(), clock));
        HttpInput http = (HttpInput) built;
        closing.add(http);
        Javalin server = Javalin.create(cfg -> cfg.showJavalinBanner = false)
                .post("/api/v1/ingest/{tag}", http.handler(1 << 20)).start("127.0.0.1", 0);
        closing.add(server::stop);
        HttpClient client = HttpClient.newHttpClient();
        URI uri = URI.create("http://127.0.0.1:" + server.port() + "/api/v1/ingest/app");
        CompletableFuture<HttpResponse<String>> first = client.sendAsync(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString(
                "{\"source\":\"stderr\",\"log\":\"INFO a\"}\n{\"source\":\"stderr\",\"log\":\"ERROR failed\"}\n"
                        + "{\"source\":\"stderr\",\"log\":\"java.lang.RuntimeException: x\"}\n")).build(), HttpResponse.BodyHandlers.ofString());
        await(() -> logs("default").contains("INFO a"), "the line no later line can continue");
        assertThat(first).as("its trace may go on: no answer yet").isNotDone();
        HttpResponse<String> second = client.send(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString(
                "{\"source\":\"stderr\",\"log\":\"\\tat a.B.c(B.java:1)\"}\n{\"source\":\"stderr\",\"log\":\"INFO done\"}\n")).build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> r1 = first.get(20, TimeUnit.SECONDS);
        assertThat(r1.statusCode()).as(r1.body()).isEqualTo(202);
        assertThat(r1.body()).contains("\"accepted\":3");
        assertThat(second.statusCode()).as("answered once the flush timeout stored its last line").isEqualTo(202);
        assertThat(second.body()).contains("\"accepted\":2");
        assertThat(logs("trace")).containsExactly("ERROR failed\njava.lang.RuntimeException: x\n\tat a.B.c(B.java:1)");
        assertThat(logs("default")).containsExactly("INFO a", "INFO done");
    }

    @Test
    void aForwardInputsParserLiftsTypedFieldsIntoALaneWithoutAParser() throws Exception {
        LoglaneConfig config = config("  - type: forward\n    name: fwd\n    port: 0\n    parser: nginx_combined\n"
                + "lanes:\n  web:\n    match:\n      - tag_suffix: [web]\n");
        ForwardInput fwd = new ForwardInput(ForwardConfig.from(input(config, "fwd")), router, new SimpleMeterRegistry(), clock);
        closing.add(fwd);
        fwd.start();
        try (Socket s = new Socket("127.0.0.1", fwd.boundPort())) {
            s.setSoTimeout(30_000);
            s.getOutputStream().write(chunk("nginx.web", "c1",
                    "203.0.113.9 - - [05/Dec/2026:06:00:01 +0000] \"GET /a HTTP/1.1\" 404 12 \"-\" \"curl/8.5\" 0.010"));
            s.getOutputStream().flush();
            assertThat(readAck(MessagePack.newDefaultUnpacker(s.getInputStream()))).isEqualTo("c1");
        }
        assertThat(records("web")).hasSize(1);
        assertThat(records("web").get(0)).containsEntry("status", "404").containsEntry("request_time", "0.01")
                .containsEntry("path", "/a").containsEntry("container_id", "c1");
    }
}
