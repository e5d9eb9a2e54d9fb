package io.loglane.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.loglane.core.telemetry.MetricNames;
import java.net.ConnectException;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
}
