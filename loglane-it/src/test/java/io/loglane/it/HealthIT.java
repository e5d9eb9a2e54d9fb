package io.loglane.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.loglane.bench.faults.ChildNode;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Health and readiness of a real {@code loglane up} process, as a load balancer, a monitor and an
 * operator see them: {@code GET /readyz} turns 200 only once the Forward port accepts connections
 * (the HTTP port is bound first), and a store that fails for a while is named by
 * {@code GET /healthz} and by {@code ./loglane lanes} until it works again.
 */
class HealthIT {
    @TempDir
    Path dir;

    @Test
    void readinessComesOnlyOnceTheForwardPortAcceptsConnections() throws Exception {
        Files.writeString(dir.resolve("overlay.yaml"), "");
        ChildNode node = new ChildNode(dir.resolve("data"), List.of(dir.resolve("overlay.yaml")), dir.resolve("loglane.log"));
        try {
            node.launch(List.of());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            int notReadyAnswers = 0;
            while (true) {
                assertThat(System.nanoTime()).as("ready within 60 s").isLessThan(deadline);
                int status;
                try {
                    status = node.get("/readyz").statusCode();
                } catch (IOException notServingYet) {
                    continue;
                }
                if (status == 200) {
                    assertThat(node.forwardListening()).as("ready means every listener is bound; "
                            + notReadyAnswers + " not-ready answers before").isTrue();
                    break;
                }
                assertThat(status).isEqualTo(503);
                notReadyAnswers++;
            }
            assertThat(node.get("/healthz").statusCode()).isEqualTo(200);
        } finally {
            Nodes.stop(node);
        }
    }

    @Test
    void aStoreThatFailsForAWhileIsNamedByHealthAndByTheLanesCommandUntilItDeliversAgain() throws Exception {
        Path archiveLaneDir = dir.resolve("data").resolve("archive").resolve("lane=activity");
        Files.createDirectories(archiveLaneDir.getParent());
        Files.writeString(archiveLaneDir, "a file where the archive needs the lane's directory");
        ChildNode node = Nodes.startWithOverlay(dir, "server:\n  shutdown_grace: 2s\narchive:\n  flush_age: 1h\n");
        try {
            HttpResponse<String> posted = node.post("/api/v1/ingest/it.activity", "{\"message\":\"health\"}\n", Map.of());
            assertThat(posted.statusCode()).isEqualTo(202);
            CompletableFuture<HttpResponse<String>> flush = CompletableFuture.supplyAsync(() -> {
                try {
                    return node.post("/api/v1/flush", "", Map.of());
                } catch (Exception e) {
                    throw new CompletionException(e);
                }
            });

            JsonNode failing = awaitHealth(node, "failing");
            JsonNode problem = failing.get("failing").get(0);
            assertThat(failing.get("failing")).as(failing.toString()).hasSize(1);
            assertThat(problem.get("lane").asText()).isEqualTo("activity");
            assertThat(problem.get("component").asText()).isEqualTo("archive");
            assertThat(problem.get("reason").asText()).contains("lane=activity");
            assertThat(node.get("/readyz").statusCode()).as("still ready: the stream keeps taking events").isEqualTo(200);
            String activity = lanesLine(node, "activity");
            assertThat(activity.trim().split("\\s+")[2]).as(activity).isEqualTo("failing");
            ChildNode.CliRun lanes = ChildNode.run(dir, Duration.ofSeconds(60), "lanes", "--server", "http://127.0.0.1:" + node.httpPort);
            assertThat(lanes.out()).as("the lanes command says why").containsPattern("(?m)^activity: archive failing since \\S+ \\(\\d+ in a row\\): .*lane=activity");
            assertThat(lanesLine(node, "access").trim().split("\\s+")[2]).isEqualTo("ok");

            Files.delete(archiveLaneDir);
            assertThat(flush.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            awaitHealth(node, "ok");
            assertThat(lanesLine(node, "activity").trim().split("\\s+")[2]).isEqualTo("ok");
            assertThat(node.sql("SELECT count(*) FROM activity").get("rows").get(0).get(0).asLong()).isEqualTo(1);
        } finally {
            Nodes.stop(node);
        }
    }

    private static JsonNode awaitHealth(ChildNode node, String status) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        JsonNode body;
        do {
            HttpResponse<String> r = node.get("/healthz");
            assertThat(r.statusCode()).as("liveness: 200 whatever the body says").isEqualTo(200);
            body = ChildNode.JSON.readTree(r.body());
            if (body.get("status").asText().equals(status)) {
                return body;
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("health never became " + status + ": " + body);
    }

    private String lanesLine(ChildNode node, String lane) throws Exception {
        ChildNode.CliRun run = ChildNode.run(dir, Duration.ofSeconds(60), "lanes", "--server", "http://127.0.0.1:" + node.httpPort);
        assertThat(run.exitCode()).as(run.err()).isZero();
        return run.out().lines().filter(l -> l.startsWith(lane + " ")).findFirst().orElseThrow();
    }
}
