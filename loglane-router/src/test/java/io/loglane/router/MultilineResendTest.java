package io.loglane.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.Javalin;
import io.loglane.core.config.ConfigCatalog;
import io.loglane.core.config.ConfigLoader;
import io.loglane.core.config.ConfigSource;
import io.loglane.core.config.InputSpec;
import io.loglane.core.config.LoglaneConfig;
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
import io.loglane.stream.StoredBatch;
import io.loglane.stream.StreamReader;
import io.loglane.stream.embedded.EmbeddedStreams;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;

/**
 * A network input's {@code multiline:} carry with chunk ids, over the real inputs (a Forward
 * listener on 127.0.0.1 fed real Forward frames with {@code chunk} acks; the HTTP ingest route on a
 * real Javalin server with {@code Idempotency-Key}), the real router and the real embedded stream
 * on disk ({@code trace} and {@code default} on disk lanes): a sender that resends a request whose
 * lines were partly stored with its neighbour's held lines (after its connection dropped, or after
 * the process stopped with lines held: the stream reopened from disk, the carry's memory gone)
 * finds every line stored exactly once.
 */
class MultilineResendTest {
    private static final ConfigLoader LOADER = new ConfigLoader(new ConfigCatalog(
            List.of(ForwardKeys.INSTANCE, HttpKeys.INSTANCE, CloudWatchKeys.INSTANCE, OtlpKeys.INSTANCE),
            List.of(ArchiveKeys.INSTANCE, IndexKeys.INSTANCE)));
    private static final String[] C1 = {"INFO start", "2026-12-05 06:00:01 ERROR request failed",
            "java.lang.IllegalStateException: boom", "\tat com.example.App.handle(App.java:42)"};
    private static final String[] C2 = {"\tat com.example.App.main(App.java:7)", "INFO next request",
            "2026-12-05 06:00:02 ERROR again", "java.lang.RuntimeException: second", "\tat com.example.App.run(App.java:9)"};
    private static final String TRACE1 = String.join("\n", C1[1], C1[2], C1[3], C2[0]);
    private static final String TRACE2 = String.join("\n", C2[2], C2[3], C2[4]);

    @TempDir Path dir;
    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : closing.reversed()) {
            c.close();
        }
    }

    /** One life of the node: the stream in {@code dir} (reopened from disk), a router and the input named in the overlay. */
    private record Node(LoglaneConfig config, EmbeddedStreams stream, Router router) implements AutoCloseable {
        InputSpec input(String name) {
            return config.inputs().stream().filter(i -> i.name().equals(name)).findFirst().orElseThrow();
        }

        @Override
        public void close() throws Exception {
            router.close();
            stream.close();
        }
    }

    private Node node(String input) throws Exception {
        Path bundled = RouterTest.BUNDLED;
        LoglaneConfig config = LOADER.load(new ConfigSource(bundled.toString(), Files.readString(bundled)),
                new ConfigSource("overlay.yaml", "inputs:\n" + input + "lanes:\n  trace: {durability: disk}\n"));
        EmbeddedStreams stream = new EmbeddedStreams(dir.resolve("stream"), config.lanes(), config.stream(), new SimpleMeterRegistry(),
                Clock.systemUTC());
        stream.start();
        Router router = new Router(config, stream, new SimpleMeterRegistry(), Clock.systemUTC());
        router.start();
        return new Node(config, stream, router);
    }

    private static List<String> logs(EmbeddedStreams stream, String lane) throws Exception {
        List<String> out = new ArrayList<>();
        try (StreamReader r = stream.lane(lane).reader(0)) {
            StoredBatch b;
            while ((b = r.poll(Duration.ofMillis(50))) != null) {
                Records.maps(b.records()).forEach(m -> out.add(m.get("log")));
            }
        }
        return out;
    }

    private static byte[] chunk(String chunk, String... lines) throws IOException {
        return NetworkInputReadingTest.chunk("app", chunk, lines);
    }

    private static String readAck(MessageUnpacker in) throws IOException {
        return NetworkInputReadingTest.readAck(in);
    }

    private ForwardInput forward(Node node) throws Exception {
        ForwardInput fwd = new ForwardInput(ForwardConfig.from(node.input("fwd")), node.router(), new SimpleMeterRegistry(), Clock.systemUTC());
        fwd.start();
        return fwd;
    }

    private static final String FORWARD = "  - {type: forward, name: fwd, port: 0, multiline: java, flush_timeout: 10m}\n";

    /** Sends c1 and c2 on one connection without waiting (a sender with several chunks in flight) and reads c1's ack. */
    private static Socket sendC1AndC2(ForwardInput fwd) throws IOException {
        Socket s = new Socket("127.0.0.1", fwd.boundPort());
        s.setSoTimeout(30_000);
        OutputStream out = s.getOutputStream();
        out.write(chunk("c1", C1));
        out.write(chunk("c2", C2));
        out.flush();
        assertThat(readAck(MessagePack.newDefaultUnpacker(s.getInputStream()))).as("c1 is stored: its trace closed in c2").isEqualTo("c1");
        return s;
    }

    /** Resends {@code chunks} on a new connection, then a last chunk that closes c2's held trace, and reads their acks. */
    private static void resend(ForwardInput fwd, String... chunks) throws IOException {
        try (Socket s = new Socket("127.0.0.1", fwd.boundPort())) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            for (String c : chunks) {
                out.write(chunk(c, c.equals("c1") ? C1 : C2));
            }
            out.write(chunk("c3", "INFO bye"));
            out.flush();
            MessageUnpacker acks = MessagePack.newDefaultUnpacker(s.getInputStream());
            for (String c : chunks) {
                assertThat(readAck(acks)).isEqualTo(c);
            }
        }
    }

    private static void assertEveryLineOnce(Node node) throws Exception {
        assertThat(logs(node.stream(), "trace")).containsExactly(TRACE1, TRACE2);
        assertThat(logs(node.stream(), "default")).containsExactly("INFO start", "INFO next request", "INFO bye");
    }

    @Test
    void aChunkResentAfterTheProcessStoppedWithItsTraceHeldStoresOnlyThatTrace() throws Exception {
        Node first = node(FORWARD);
        ForwardInput fwd1 = forward(first);
        Socket s = sendC1AndC2(fwd1);
        closing.add(s);
        closing.add(fwd1); // closed last: its held lines then reach only a closed router
        first.close(); // the process stops: what the stream holds stays, c2's held trace is gone with the carry

        try (Node second = node(FORWARD); ForwardInput fwd2 = forward(second)) {
            resend(fwd2, "c2");
            fwd2.close();
            assertEveryLineOnce(second);
        }
    }

    @Test
    void bothChunksResentInTheirOrderAfterTheProcessStoppedAreStoredOnce() throws Exception {
        Node first = node(FORWARD);
        ForwardInput fwd1 = forward(first);
        closing.add(sendC1AndC2(fwd1));
        closing.add(fwd1);
        first.close();

        try (Node second = node(FORWARD); ForwardInput fwd2 = forward(second)) {
            resend(fwd2, "c1", "c2"); // c1's ack was lost with the connection
            fwd2.close();
            assertEveryLineOnce(second);
        }
    }

    @Test
    void aChunkResentAfterItsConnectionDroppedIsStoredOnce() throws Exception {
        try (Node node = node(FORWARD); ForwardInput fwd = forward(node)) {
            sendC1AndC2(fwd).close(); // dropped before c2's ack: the connection's held trace is stored as it is
            resend(fwd, "c2");
            fwd.close();
            assertEveryLineOnce(node);
        }
    }

    @Test
    void anHttpRequestRetriedWithItsIdempotencyKeyAfterTheProcessStoppedIsStoredOnce() throws Exception {
        String input = "  - {type: http, name: http, multiline: java, flush_timeout: 10m}\n";
        Node first = node(input);
        Javalin server1 = http(first).server();
        CompletableFuture<HttpResponse<String>> r1 = post(server1, "k1", C1);
        awaitLog(first, "default", "INFO start"); // k1 taken before k2 is sent
        CompletableFuture<HttpResponse<String>> r2 = post(server1, "k2", C2);
        assertThat(r1.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(202);
        assertThat(r2).as("its trace is held").isNotDone();
        first.close(); // the process stops with k2's trace held; its client never got an answer

        // the next process answers sooner: an open event waits 200 ms for its next line
        try (Node second = node(input.replace("10m", "200ms"))) {
            Served http2 = http(second);
            HttpResponse<String> again = post(http2.server(), "k2", C2).get(30, TimeUnit.SECONDS);
            assertThat(again.statusCode()).as(again.body()).isEqualTo(202);
            HttpResponse<String> bye = post(http2.server(), "k3", "INFO bye").get(30, TimeUnit.SECONDS);
            assertThat(bye.statusCode()).isEqualTo(202);
            assertEveryLineOnce(second);
        }
    }

    private static void awaitLog(Node node, String lane, String log) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!logs(node.stream(), lane).contains(log)) {
            assertThat(System.nanoTime()).as("waiting for " + log).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private record Served(Javalin server, HttpInput input) {}

    private Served http(Node node) throws Exception {
        HttpInput http = (HttpInput) new HttpInputType().build(node.input("http"), new InputContext(node.router(), new SimpleMeterRegistry(),
                Clock.systemUTC()));
        Javalin server = Javalin.create(cfg -> cfg.showJavalinBanner = false).post("/api/v1/ingest/{tag}", http.handler(1 << 20))
                .start("127.0.0.1", 0);
        closing.add(http);
        closing.add(server::stop);
        return new Served(server, http);
    }

    private static CompletableFuture<HttpResponse<String>> post(Javalin server, String key, String... lines) {
        StringBuilder body = new StringBuilder();
        for (String l : lines) {
            body.append("{\"container_id\":\"c1\",\"source\":\"stderr\",\"log\":\"").append(l.replace("\t", "\\t")).append("\"}\n");
        }
        return HttpClient.newHttpClient().sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/v1/ingest/app"))
                .header("Idempotency-Key", key).POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
