package io.loglane.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.loglane.stream.local.LaneFiles;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /healthz} tells the truth: it answers 200 while the process serves, and its body names
 * every lane whose stream refuses writes and every store whose delivery keeps failing, with the
 * reason; {@code GET /api/v1/lanes} (and so {@code ./loglane lanes}) says {@code failing} for
 * exactly those lanes. Both faults are real: a directory where the lane's next segment file must
 * be created, and a file where the archive needs the lane's directory.
 */
class NodeHealthTest {
    @TempDir
    Path dir;

    private static String randomHex(int chars) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(7);
        StringBuilder b = new StringBuilder(chars);
        while (b.length() < chars) {
            b.append(Long.toHexString(r.nextLong()));
        }
        return b.substring(0, chars);
    }

    private static JsonNode awaitHealth(TestNode t, Predicate<JsonNode> until) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        JsonNode body;
        do {
            HttpResponse<String> r = t.get("/healthz");
            assertThat(r.statusCode()).as("liveness: 200 whatever the body reports").isEqualTo(200);
            body = TestNode.json(r);
            if (until.test(body)) {
                return body;
            }
            Thread.sleep(20);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("health never got there: " + body);
    }

    private static JsonNode named(JsonNode health, String lane, String component) {
        for (JsonNode p : health.get("failing")) {
            if (p.get("lane").asText().equals(lane) && p.get("component").asText().equals(component)) {
                return p;
            }
        }
        return null;
    }

    /** Every lane of {@code GET /api/v1/lanes} is failing exactly when {@code health} names it. */
    private static void assertLanesAgreeWith(TestNode t, JsonNode health) throws Exception {
        Set<String> named = new HashSet<>();
        health.get("failing").forEach(p -> named.add(p.get("lane").asText()));
        Map<String, String> byLane = new HashMap<>();
        for (JsonNode l : TestNode.json(t.get("/api/v1/lanes")).get("lanes")) {
            byLane.put(l.get("name").asText(), l.get("health").asText());
            assertThat(l.get("problems").size() > 0).as(l.toString()).isEqualTo(named.contains(l.get("name").asText()));
        }
        byLane.forEach((lane, h) -> assertThat(h.equals("failing")).as(lane + " is " + h + "; healthz: " + health)
                .isEqualTo(named.contains(lane)));
    }

    @Test
    void aHealthyNodeIsReadyAndNamesNothing() throws Exception {
        try (TestNode t = TestNode.start(dir, "")) {
            JsonNode health = TestNode.json(t.get("/healthz"));
            assertThat(health.get("status").asText()).isEqualTo("ok");
            assertThat(health.get("ready").asBoolean()).isTrue();
            assertThat(health.get("phase").asText()).isEqualTo("ready");
            assertThat(health.get("failing").isEmpty()).isTrue();
            HttpResponse<String> ready = t.get("/readyz");
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(TestNode.json(ready).get("ready").asBoolean()).isTrue();
            assertLanesAgreeWith(t, health);
        }
    }

    @Test
    void aStoreThatKeepsFailingIsNamedWithItsReasonUntilItDeliversAgain() throws Exception {
        Path laneDirOfTheArchive = dir.resolve("data").resolve("archive").resolve("lane=activity");
        Files.createDirectories(laneDirOfTheArchive.getParent());
        Files.writeString(laneDirOfTheArchive, "a file where the archive needs the lane's directory");
        try (TestNode t = TestNode.start(dir, "server:\n  shutdown_grace: 1s\n")) {
            assertThat(t.post("/api/v1/ingest/h.activity", "{\"message\":\"x\"}\n", Map.of()).statusCode()).isEqualTo(202);
            // The archive writes the event out when asked: every attempt fails until the file is gone.
            CompletableFuture<HttpResponse<String>> flush = CompletableFuture.supplyAsync(() -> {
                try {
                    return t.post("/api/v1/flush", "", Map.of());
                } catch (Exception e) {
                    throw new CompletionException(e);
                }
            });

            JsonNode health = awaitHealth(t, h -> named(h, "activity", "archive") != null);
            assertThat(health.get("status").asText()).isEqualTo("failing");
            assertThat(health.get("ready").asBoolean()).as("a failing store does not make the node unready").isTrue();
            JsonNode p = named(health, "activity", "archive");
            assertThat(p.get("reason").asText()).contains("lane=activity");
            assertThat(p.get("failures").asInt()).isGreaterThanOrEqualTo(3);
            assertThat(p.get("since").asText()).isNotBlank();
            assertThat(named(health, "access", "archive")).as("the other lanes deliver").isNull();
            assertLanesAgreeWith(t, health);
            assertThat(t.get("/readyz").statusCode()).isEqualTo(200);

            assertThat(flush).as("the flush waits for the failing store").isNotDone();
            Files.delete(laneDirOfTheArchive);
            assertThat(flush.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            JsonNode healed = awaitHealth(t, h -> h.get("status").asText().equals("ok"));
            assertLanesAgreeWith(t, healed);
        }
    }

    @Test
    void aLaneWhoseStreamCannotStoreAppendsIsNamedUntilItStoresOneAgain() throws Exception {
        try (TestNode t = TestNode.start(dir, "stream:\n  segment_size: 1KiB\n")) {
            String big = "{\"message\":\"" + randomHex(3000) + "\"}\n"; // over 1 KiB however it is compressed
            assertThat(t.post("/api/v1/ingest/w.activity", big, Map.of()).statusCode()).isEqualTo(202);
            // The next append rolls the segment: a directory already holds the new segment's name.
            Path obstacle = LaneFiles.logFile(dir.resolve("data").resolve("stream").resolve("activity"), t.lane("activity").streamEnd());
            Files.createDirectories(obstacle);

            HttpResponse<String> refused = t.post("/api/v1/ingest/w.activity", big, Map.of());
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(500);
            JsonNode health = TestNode.json(t.get("/healthz"));
            assertThat(health.get("status").asText()).isEqualTo("failing");
            JsonNode p = named(health, "activity", "stream");
            assertThat(p).as(health.toString()).isNotNull();
            assertThat(p.get("reason").asText()).contains("segment roll failed");
            assertThat(p.get("failures").asInt()).isEqualTo(1);
            assertThat(t.post("/api/v1/ingest/w.activity", big, Map.of()).statusCode()).isEqualTo(500);
            assertThat(named(TestNode.json(t.get("/healthz")), "activity", "stream").get("failures").asInt()).isEqualTo(2);
            assertLanesAgreeWith(t, TestNode.json(t.get("/healthz")));
            assertThat(t.lane("activity").health()).isEqualTo("failing");

            Files.delete(obstacle);
            assertThat(t.post("/api/v1/ingest/w.activity", big, Map.of()).statusCode()).isEqualTo(202);
            JsonNode healed = TestNode.json(t.get("/healthz"));
            assertThat(healed.get("status").asText()).as(healed.toString()).isEqualTo("ok");
            assertLanesAgreeWith(t, healed);
        }
    }
}
