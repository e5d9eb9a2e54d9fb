package io.loglane.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.loglane.app.tail.TailSettings;
import io.loglane.core.config.ConfigSource;
import io.loglane.core.config.LoglaneConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * A {@link LoglaneNode} in the test's JVM on the bundled {@code config/loglane.yaml} plus an overlay:
 * data under the test's directory, HTTP and Forward on ephemeral ports of 127.0.0.1 (the bundled
 * {@code server.bind}), archive flushes only on request ({@code flush_age: 1h}) so delivery lag is
 * deterministic, and a {@link MutableClock} the test moves.
 *
 * <p>Thread-safety: not thread-safe; one test thread drives it.
 */
final class TestNode implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    /** The bundled configuration (tests run in loglane-app/). */
    static final Path BUNDLED = Path.of("..", "config", "loglane.yaml");

    final MutableClock clock = new MutableClock();
    final LoglaneNode node;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private TestNode(LoglaneConfig config) {
        this(config, TailSettings.DEFAULT);
    }

    private TestNode(LoglaneConfig config, TailSettings tail) {
        this.node = new LoglaneNode(config, clock, tail);
    }

    /** Starts a node with data in {@code dir/data}; {@code overlay} is YAML layered last (may be empty). */
    static TestNode start(Path dir, String overlay) throws Exception {
        return start(dir, overlay, TailSettings.DEFAULT);
    }

    /** As {@link #start(Path, String)}, with live-tail limits of the test's choosing. */
    static TestNode start(Path dir, String overlay, TailSettings tail) throws Exception {
        String base = """
                server:
                  data_dir: "%s"
                  http_port: 0
                inputs:
                  - type: forward
                    name: forward
                    port: 0
                archive:
                  flush_age: 1h
                """.formatted(dir.resolve("data"));
        LoglaneConfig config = RegisteredTypes.LOADER.load(new ConfigSource(BUNDLED.toString(), Files.readString(BUNDLED)),
                new ConfigSource("test-base.yaml", base), new ConfigSource("test-overlay.yaml", overlay));
        return started(new TestNode(config, tail));
    }

    /**
     * Starts a node on {@code yaml} alone (not the bundled file, so only the inputs it lists),
     * with a {@code default} lane, data in {@code dir/data} and an ephemeral HTTP port.
     */
    static TestNode startWithout(Path dir, String yaml) throws Exception {
        String base = """
                server:
                  data_dir: "%s"
                  http_port: 0
                lanes:
                  default: {}
                """.formatted(dir.resolve("data"));
        return started(new TestNode(RegisteredTypes.LOADER.load(new ConfigSource("test-base.yaml", base), new ConfigSource("test.yaml", yaml))));
    }

    private static TestNode started(TestNode t) throws Exception {
        try {
            t.node.start();
        } catch (Exception e) {
            t.close();
            throw e;
        }
        return t;
    }

    String url() { return "http://127.0.0.1:" + node.httpPort(); }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String body, Map<String, String> headers) throws IOException, InterruptedException {
        return post(path, HttpRequest.BodyPublishers.ofString(body), headers);
    }

    HttpResponse<String> post(String path, HttpRequest.BodyPublisher body, Map<String, String> headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(60)).POST(body);
        headers.forEach(b::header);
        return send(b);
    }

    HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** {@code POST /api/v1/flush}: everything acknowledged so far becomes queryable. */
    void flush() throws IOException, InterruptedException {
        HttpResponse<String> r = post("/api/v1/flush", "", Map.of());
        if (r.statusCode() != 200) {
            throw new IOException("flush → " + r.statusCode() + " " + r.body());
        }
    }

    /** The rows of a query ({@code POST /api/v1/sql}); fails on an error answer. */
    JsonNode sqlRows(String sql) throws IOException, InterruptedException {
        HttpResponse<String> r = post("/api/v1/sql", JSON.writeValueAsString(Map.of("sql", sql)), Map.of("Content-Type", "application/json"));
        if (r.statusCode() != 200) {
            throw new IOException("sql → " + r.statusCode() + " " + r.body());
        }
        return json(r).get("rows");
    }

    static JsonNode json(HttpResponse<String> r) throws IOException {
        return JSON.readTree(r.body());
    }

    /** The current status of one lane, straight from the node. */
    LaneStatus lane(String name) {
        return node.laneStatuses().stream().filter(l -> l.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no lane " + name));
    }

    @Override
    public void close() {
        node.close();
    }
}
