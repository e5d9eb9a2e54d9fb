package io.loglane.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /api/v1/sources} and {@code ./loglane sources} against a node in this JVM: HTTP
 * requests are counted under the client's host and their tag, each request's final outcome
 * (accepted, de-duplicated, rejected by reason), and sources beyond {@code server.max_tracked_sources}
 * share the input's {@code other} entry.
 */
class SourcesCommandTest {
    @TempDir
    Path dir;
    private TestNode t;

    @AfterEach
    void stop() {
        if (t != null) {
            t.close();
        }
    }

    private HttpResponse<String> ingest(String tag, int events, String key) throws Exception {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < events; i++) {
            body.append("{\"message\":\"event ").append(i).append("\"}\n");
        }
        return t.post("/api/v1/ingest/" + tag, body.toString(), key == null ? Map.of() : Map.of("Idempotency-Key", key));
    }

    private JsonNode source(JsonNode answer, String tag) {
        for (JsonNode s : answer.get("sources")) {
            if (s.get("tag").asText().equals(tag)) {
                return s;
            }
        }
        throw new AssertionError("no source with tag " + tag + " in " + answer);
    }

    @Test
    void theApiAndTheCommandShowEachSourcesOutcomes() throws Exception {
        t = TestNode.start(dir, """
                server:
                  max_tracked_sources: 2
                lanes:
                  error:
                    rate: {events_per_second: 1, burst: 2}
                """);
        assertThat(ingest("web.audit", 3, "k1").statusCode()).isEqualTo(202);
        assertThat(ingest("web.audit", 3, "k1").statusCode()).as("a retry with the same key").isEqualTo(202);
        assertThat(ingest("web.error", 2, null).statusCode()).isEqualTo(202);
        assertThat(ingest("web.error", 5, null).statusCode()).as("over the lane's rate").isEqualTo(429);
        assertThat(ingest("third.tag", 4, null).statusCode()).as("beyond the cap of two").isEqualTo(202);
        assertThat(t.post("/api/v1/ingest/web.audit", "{not json\n", Map.of()).statusCode()).isEqualTo(400);
        assertThat(t.post("/api/v1/ingest/bad%20tag", "{}\n", Map.of()).statusCode()).as("no source: the tag is refused").isEqualTo(400);
        assertThat(t.post("/api/v1/flush", "", Map.of()).statusCode()).as("the archive commits everything").isEqualTo(200);

        JsonNode answer = TestNode.json(t.get("/api/v1/sources"));
        assertThat(answer.get("tracked").asInt()).isEqualTo(2);
        assertThat(answer.get("maxTrackedSources").asInt()).isEqualTo(2);
        JsonNode audit = source(answer, "web.audit");
        assertThat(List.of(audit.get("input").asText(), audit.get("peer").asText())).containsExactly("http", "127.0.0.1");
        assertThat(List.of(audit.get("received").asLong(), audit.get("accepted").asLong(), audit.get("deduplicated").asLong(),
                audit.get("pending").asLong())).containsExactly(6L, 3L, 3L, 0L);
        assertThat(audit.get("delivered").get("archive").asLong()).as("stored once, committed by the archive").isEqualTo(3);
        assertThat(audit.get("refusedRequests").get("malformed_json").asLong()).as("a 400 is counted per source, in requests").isEqualTo(1);
        assertThat(audit.get("lastSeen").asText()).isEqualTo(t.clock.instant().toString());
        JsonNode error = source(answer, "web.error");
        assertThat(List.of(error.get("received").asLong(), error.get("accepted").asLong())).containsExactly(7L, 2L);
        assertThat(error.get("rejected").get("rate_limited").asLong()).isEqualTo(5);
        JsonNode other = source(answer, "other");
        assertThat(List.of(other.get("peer").asText(), other.get("received").asLong(), other.get("accepted").asLong()))
                .containsExactly("other", 4L, 4L);

        Cli.Run r = Cli.run("sources", "--server", t.url());
        assertThat(r.exitCode()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines.get(0).split("\\s+")).containsExactly("INPUT", "PEER", "TAG", "RECEIVED", "ACCEPTED", "DEDUP", "REJECTED",
                "DROPPED", "PENDING", "DELIVERED", "LAST", "SEEN");
        assertThat(lines.get(1).split("\\s+")).containsExactly("http", "127.0.0.1", "web.audit", "6", "3", "3", "0", "0", "0", "3",
                t.clock.instant().toString());
        assertThat(lines.get(2).split("\\s+")).startsWith("http", "127.0.0.1", "web.error", "7", "2", "0", "5", "0", "0", "2");
        assertThat(lines.get(3).split("\\s+")).startsWith("http", "other", "other", "4", "4", "0", "0", "0", "0", "4");
        assertThat(lines).contains("http 127.0.0.1 web.error: rejected rate_limited 5",
                "http 127.0.0.1 web.audit: requests refused malformed_json 1");
        assertThat(lines).noneMatch(l -> l.contains("bad tag"));
        assertThat(lines.getLast()).startsWith("2 of at most 2 sources tracked");
    }

    @Test
    void tailAndDockerFilesAreSourcesByPathAndInodeWithTheirOutcomes() throws Exception {
        Path logs = java.nio.file.Files.createDirectories(dir.resolve("logs"));
        Path app = logs.resolve("app.log");
        java.nio.file.Files.writeString(app, "one\ntwo\nthree\n");
        String id = "3f4e8a9b0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f";
        Path container = java.nio.file.Files.createDirectories(dir.resolve("containers/" + id));
        Path json = container.resolve(id + "-json.log");
        java.nio.file.Files.writeString(json, "{\"log\":\"ok\\n\",\"stream\":\"stdout\",\"time\":\"2026-12-05T05:00:00Z\"}\n"
                + "{\"log\":\"half a li\n" + "not json\n"
                + "{\"log\":\"ok again\\n\",\"stream\":\"stderr\",\"time\":\"2026-12-05T05:00:01Z\"}\n");
        t = TestNode.start(dir, """
                inputs:
                  - type: tail
                    name: files
                    paths: ["%s/*.log"]
                    tag: files.app
                  - type: docker
                    name: docker
                    tag: docker.web
                    paths: ["%s/*/*-json.log"]
                """.formatted(logs, dir.resolve("containers")));
        String appPeer = app + " (" + inode(app) + ")";
        String jsonPeer = json + " (" + inode(json) + ")";
        JsonNode answer = null;
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline) {
            answer = TestNode.json(t.get("/api/v1/sources"));
            if (count(answer, appPeer, "accepted") == 3 && count(answer, jsonPeer, "accepted") == 2) { // received counts at read, accepted at the ack
                break;
            }
            Thread.sleep(50);
        }
        JsonNode tail = peer(answer, appPeer);
        assertThat(List.of(tail.get("input").asText(), tail.get("tag").asText(), tail.get("received").asLong(),
                tail.get("accepted").asLong(), tail.get("pending").asLong())).containsExactly("files", "files.app", 3L, 3L, 0L);
        assertThat(tail.get("rejected").size()).isZero();
        assertThat(tail.get("dropped").size()).isZero();
        JsonNode docker = peer(answer, jsonPeer);
        assertThat(List.of(docker.get("input").asText(), docker.get("received").asLong(), docker.get("accepted").asLong()))
                .containsExactly("docker", 4L, 2L);
        assertThat(docker.get("rejected").get("invalid_json").asLong()).as("malformed lines, by reason").isEqualTo(2);

        Cli.Run r = Cli.run("sources", "--server", t.url());
        assertThat(r.exitCode()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        // the peer is the path and device:inode, so it spans two words
        assertThat(lines).anySatisfy(l -> assertThat(l.split("\\s+")).containsSequence("files", app.toString(), "(" + inode(app) + ")",
                "files.app", "3", "3", "0", "0", "0", "0"));
        assertThat(lines).anySatisfy(l -> assertThat(l.split("\\s+")).containsSequence("docker", json.toString(), "(" + inode(json) + ")",
                "docker.web", "4", "2", "0", "2", "0", "0"));
        assertThat(lines).contains("docker " + jsonPeer + " docker.web: rejected invalid_json 2");
    }

    /** {@code dev:ino} of {@code file}, as a tail names its source. */
    private static String inode(Path file) throws java.io.IOException {
        Map<String, Object> a = java.nio.file.Files.readAttributes(file, "unix:dev,ino");
        return a.get("dev") + ":" + a.get("ino");
    }

    private static long count(JsonNode answer, String peer, String what) {
        for (JsonNode s : answer.get("sources")) {
            if (s.get("peer").asText().equals(peer)) {
                return s.get(what).asLong();
            }
        }
        return -1;
    }

    private static JsonNode peer(JsonNode answer, String peer) {
        for (JsonNode s : answer.get("sources")) {
            if (s.get("peer").asText().equals(peer)) {
                return s;
            }
        }
        throw new AssertionError("no source " + peer + " in " + answer);
    }
}
