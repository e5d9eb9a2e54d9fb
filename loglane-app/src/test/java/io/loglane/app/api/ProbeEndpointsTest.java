package io.loglane.app.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.loglane.app.health.HealthProblem;
import io.loglane.app.health.NodeHealth;
import io.loglane.app.health.NodePhase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a load balancer and a monitor see in each phase of a node: {@code GET /healthz} is 200 in
 * every phase (liveness) with the node's health as its body; {@code GET /readyz} is 200 only while
 * the node is ready. The phase and problems come from a settable source, so every phase is
 * reached on demand; the routes are the real ones.
 */
class ProbeEndpointsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private volatile NodeHealth health = NodeHealth.of(NodePhase.STARTING, List.of());
    private HttpApi api;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        api = RoutesOnlyApi.start(() -> health);
    }

    @AfterEach
    void stop() {
        api.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void readinessIs503WhileStartingAndStoppingAnd200OnlyWhenReady() throws Exception {
        for (NodePhase phase : NodePhase.values()) {
            health = NodeHealth.of(phase, List.of());
            HttpResponse<String> ready = get("/readyz");
            JsonNode body = JSON.readTree(ready.body());
            assertThat(ready.statusCode()).as(phase.label()).isEqualTo(phase == NodePhase.READY ? 200 : 503);
            assertThat(body.get("ready").asBoolean()).isEqualTo(phase == NodePhase.READY);
            assertThat(body.get("phase").asText()).isEqualTo(phase.label());
            if (phase != NodePhase.READY) {
                assertThat(body.get("error").asText()).isEqualTo("not ready: " + phase.label());
            }
            HttpResponse<String> live = get("/healthz");
            assertThat(live.statusCode()).as("liveness in phase " + phase.label()).isEqualTo(200);
            assertThat(JSON.readTree(live.body()).get("phase").asText()).isEqualTo(phase.label());
        }
    }

    @Test
    void healthzNamesWhatFailsAndStaysALivenessAnswer() throws Exception {
        HealthProblem p = new HealthProblem("audit", HealthProblem.STREAM, "lane audit: segment roll failed: disk full", 7,
                "2026-11-25T06:00:00Z");
        health = NodeHealth.of(NodePhase.READY, List.of(p));
        HttpResponse<String> r = get("/healthz");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.get("status").asText()).isEqualTo("failing");
        JsonNode named = body.get("failing").get(0);
        assertThat(named.get("lane").asText()).isEqualTo("audit");
        assertThat(named.get("component").asText()).isEqualTo("stream");
        assertThat(named.get("reason").asText()).isEqualTo("lane audit: segment roll failed: disk full");
        assertThat(named.get("failures").asInt()).isEqualTo(7);
        assertThat(named.get("since").asText()).isEqualTo("2026-11-25T06:00:00Z");
        assertThat(get("/readyz").statusCode()).as("failing parts do not make a ready node unready").isEqualTo(200);
    }
}
