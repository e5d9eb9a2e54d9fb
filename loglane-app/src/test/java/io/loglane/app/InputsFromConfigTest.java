package io.loglane.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loglane.core.telemetry.MetricNames;
import java.net.ConnectException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;

/** The node builds exactly the inputs {@code inputs:} lists, each from its registered type, and stops every one. */
class InputsFromConfigTest {
    @Test
    void everyDeclaredInputTypeIsRegistered() {
        assertThat(RegisteredTypes.LOADER.schema().inputTypes()).containsExactlyElementsOf(InputTypes.BUILT_IN.types());
        assertThat(RegisteredTypes.CATALOG.inputs()).as("each type's keys are the ones the loader validates")
                .containsExactlyElementsOf(InputTypes.BUILT_IN.keys());
    }

    @Test
    void theHttpInputIsNamedByItsEntry(@TempDir Path dir) throws Exception {
        try (TestNode t = TestNode.startWithout(dir, "inputs:\n  - type: http\n    name: web\n")) {
            HttpResponse<String> r = t.post("/api/v1/ingest/app", "{\"log\":\"hi\"}\n", Map.of());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
            assertThat(t.node.registry().find(MetricNames.EVENTS_RECEIVED).tag(MetricNames.INPUT, "web").counter())
                    .as("counted under the entry's name").isNotNull()
                    .satisfies(c -> assertThat(c.count()).isEqualTo(1.0));
        }
    }

    @Test
    void aTailInputFromTheConfigStoresTheLinesOfItsFilesForSql(@TempDir Path dir) throws Exception {
        Path logs = java.nio.file.Files.createDirectories(dir.resolve("logs"));
        java.nio.file.Files.writeString(logs.resolve("app.log"), "first line\nsecond line\n");
        String overlay = "inputs:\n  - type: tail\n    name: files\n    paths: [\"" + logs + "/*.log\"]\n    tag: \"files.{file}\"\n";
        try (TestNode t = TestNode.start(dir, overlay)) {
            assertThat(t.node.inputPorts()).as("only forward listens: a tail listens on nothing").hasSize(1);
            long deadline = System.nanoTime() + 20_000_000_000L;
            String rows = "";
            while (System.nanoTime() < deadline && !rows.contains("second line")) {
                t.flush();
                rows = t.post("/api/v1/sql", "{\"sql\": \"SELECT message, source, tag FROM logs ORDER BY message\"}", Map.of()).body();
                Thread.sleep(100);
            }
            assertThat(rows).contains("[\"first line\",\"" + logs.resolve("app.log") + "\",\"files.app.log\"]")
                    .contains("second line");
            assertThat(t.node.registry().find(MetricNames.EVENTS_RECEIVED).tag(MetricNames.INPUT, "files").counter())
                    .as("counted under the entry's name").isNotNull()
                    .satisfies(c -> assertThat(c.count()).isEqualTo(2.0));
        }
    }

    @Test
    void withoutAnHttpEntryThereIsNoHttpIngest(@TempDir Path dir) throws Exception {
        try (TestNode t = TestNode.startWithout(dir, "inputs:\n  - type: forward\n    port: 0\n")) {
            HttpResponse<String> r = t.post("/api/v1/ingest/app", "{\"log\":\"hi\"}\n", Map.of());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(404);
            assertThat(r.body()).contains("no http input");
            assertThat(t.get("/healthz").statusCode()).as("the API stays").isEqualTo(200);
        }
    }

    @Test
    void shutdownStopsEveryInput(@TempDir Path dir) throws Exception {
        String overlay = """
                inputs:
                  - type: forward
                    name: second
                    port: 0
                """;
        TestNode t = TestNode.start(dir, overlay);
        java.util.List<Integer> ports = t.node.inputPorts();
        assertThat(ports).hasSize(2).allSatisfy(p -> assertThat(p).isPositive());
        t.close();
        for (int port : ports) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                throw new AssertionError("port " + port + " still accepts after shutdown");
            } catch (ConnectException expected) {
                // closed, as it must be
            }
        }
    }

    @Test
    void pauseInputsStopsEveryInputKeepingItsConnectionsUntilResumeInputs(@TempDir Path dir) throws Exception {
        try (TestNode t = TestNode.start(dir, "");
             Socket forward = new Socket("127.0.0.1", t.node.forwardPort())) {
            forward.setSoTimeout(10_000);
            MessageUnpacker acks = MessagePack.newDefaultUnpacker(forward.getInputStream());
            t.node.pauseInputs();
            HttpResponse<String> refused = t.post("/api/v1/ingest/app", "{\"log\":\"hi\"}\n", Map.of());
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Retry-After")).isPresent();
            forward.getOutputStream().write(messageWithChunk("app", "c1"));
            forward.setSoTimeout(300);
            assertThatThrownBy(acks::unpackValue).as("the paused Forward input does not read the frame")
                    .isInstanceOf(SocketTimeoutException.class);

            t.node.resumeInputs();
            forward.setSoTimeout(10_000);
            assertThat(acks.unpackValue().toString()).as("the same connection, read once resumed").isEqualTo("{\"ack\":\"c1\"}");
            assertThat(t.post("/api/v1/ingest/app", "{\"log\":\"hi\"}\n", Map.of()).statusCode()).isEqualTo(202);
        }
    }

    /** A Forward Message-mode frame {@code [tag, time, {"log": "x"}, {"chunk": chunk}]}. */
    /** A Forward Message-mode frame of one record with option {@code chunk} (shared by the push-back tests). */
    static byte[] messageWithChunk(String tag, String chunk) throws java.io.IOException {
        return messageWithChunk(tag, chunk, "x");
    }

    /** As {@link #messageWithChunk(String, String)}, the record's {@code log} being {@code log}. */
    static byte[] messageWithChunk(String tag, String chunk, String log) throws java.io.IOException {
        try (MessageBufferPacker p = MessagePack.newDefaultBufferPacker()) {
            p.packArrayHeader(4).packString(tag).packLong(System.currentTimeMillis() / 1000)
                    .packMapHeader(1).packString("log").packString(log)
                    .packMapHeader(1).packString("chunk").packString(chunk);
            return p.toByteArray();
        }
    }
}
