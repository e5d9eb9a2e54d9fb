package io.loglane.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /api/v1/lanes} and {@code ./loglane lanes --server URL}: every configured lane with
 * its rate, stored bytes, delivery lag per store, retention and health. The node's archive flushes
 * only on request, so lag is exactly what was acknowledged; its clock moves only when the test
 * moves it, so the rate (events of the last complete seconds) is exact too.
 */
class LanesStatusTest {
    @TempDir
    static Path dir;
    private static TestNode t;

    @BeforeAll
    static void start() throws Exception {
        t = TestNode.start(dir, "");
    }

    @AfterAll
    static void stop() {
        if (t != null) {
            t.close();
        }
    }

    private static void ingest(String tag, int events) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < events; i++) {
            sb.append("{\"message\":\"status ").append(i).append("\"}\n");
        }
        var r = t.post("/api/v1/ingest/" + tag, sb.toString(), Map.of());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    }

    private static JsonNode lanes() throws Exception {
        var r = t.get("/api/v1/lanes");
        assertThat(r.statusCode()).isEqualTo(200);
        return TestNode.json(r).get("lanes");
    }

    private static JsonNode lane(JsonNode lanes, String name) {
        for (JsonNode l : lanes) {
            if (l.get("name").asText().equals(name)) {
                return l;
            }
        }
        throw new AssertionError("no lane " + name + " in " + lanes);
    }

    @Test
    void theApiListsEveryConfiguredLaneWithRateStoredBytesLagPerStoreRetentionAndHealth() throws Exception {
        ingest("status.activity", 20);
        t.clock.advance(Duration.ofSeconds(1)); // the rate counts complete seconds

        JsonNode lanes = lanes();
        List<String> names = new ArrayList<>();
        lanes.forEach(l -> names.add(l.get("name").asText()));
        assertThat(names).containsExactlyElementsOf(t.node.config().lanes().keySet());
        for (JsonNode l : lanes) {
            assertThat(l.get("eventsPerSecond").isNumber()).as(l.toString()).isTrue();
            assertThat(l.get("storedBytes").isNumber()).as(l.toString()).isTrue();
            assertThat(l.get("retention").asText()).as(l.toString()).isNotBlank();
            assertThat(l.get("health").asText()).as(l.toString()).isEqualTo("ok");
            assertThat(l.get("stores")).as("one entry per store of the lane's to: " + l).hasSize(t.node.config().lane(l.get("name").asText()).to().size());
            assertThat(l.get("stores").get(0).get("store").asText()).isEqualTo("archive");
            assertThat(l.get("stores").get(0).get("instance").asText()).as("the default instance is named after its kind").isEqualTo("archive");
            assertThat(l.get("stores").get(0).get("kind").asText()).isEqualTo("archive");
            assertThat(l.get("stores").get(0).get("lag").isNumber()).isTrue();
        }

        JsonNode activity = lane(lanes, "activity");
        assertThat(activity.get("eventsPerSecond").asDouble()).as("20 events over the 10 s window").isEqualTo(2.0);
        assertThat(activity.get("storedBytes").asLong()).isPositive().isEqualTo(t.lane("activity").storedBytes());
        assertThat(activity.get("streamEnd").asLong()).isEqualTo(20);
        assertThat(activity.get("stores").get(0).get("lag").asLong()).as("acknowledged, not yet in the archive").isEqualTo(20);
        assertThat(activity.get("retention").asText()).isEqualTo("365d / unbounded");
        assertThat(lane(lanes, "audit").get("retention").asText()).isEqualTo("1825d / unbounded");
        assertThat(lane(lanes, "error").get("retention").asText()).isEqualTo("90d / unbounded");
        for (String quiet : List.of("access", "error", "default")) {
            assertThat(lane(lanes, quiet).get("eventsPerSecond").asDouble()).as(quiet).isZero();
            assertThat(lane(lanes, quiet).get("storedBytes").asLong()).as(quiet).isZero();
            assertThat(lane(lanes, quiet).get("stores").get(0).get("lag").asLong()).as(quiet).isZero();
        }

        t.flush();
        assertThat(lane(lanes(), "activity").get("stores").get(0).get("lag").asLong()).as("delivered by the flush").isZero();
    }

    @Test
    void theLanesCommandPrintsEveryLaneFromTheServer() throws Exception {
        ingest("status.audit", 10);
        t.clock.advance(Duration.ofSeconds(1));
        long lag = t.lane("audit").stores().get(0).lag();
        assertThat(lag).isPositive();

        Cli.Run r = Cli.run("lanes", "--server", t.url());
        assertThat(r.exitCode()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines.get(0)).contains("LANE", "HEALTH", "EVENTS/S", "STORED", "DROPPED", "RETENTION", "DELIVERY");
        assertThat(lines).hasSize(1 + t.node.config().lanes().size());
        for (String name : t.node.config().lanes().keySet()) {
            assertThat(lines).as(name).anySatisfy(l -> assertThat(l).startsWith(name + " "));
        }
        String audit = lines.stream().filter(l -> l.startsWith("audit ")).findFirst().orElseThrow();
        String[] cols = audit.trim().split("\\s+");
        // LANE DURABILITY HEALTH EVENTS/S STORED(value unit) END DROPPED RETENTION(age / size) DELIVERY(store: lag n, retries n)
        assertThat(List.of(cols[1], cols[2], cols[3])).containsExactly("sync", "ok", "1");
        assertThat(storedBytes(cols[4], cols[5])).as(audit).isCloseTo(t.lane("audit").storedBytes(), org.assertj.core.data.Offset.offset(52.0));
        assertThat(Long.parseLong(cols[6])).isEqualTo(t.lane("audit").streamEnd());
        assertThat(cols[7]).as("nothing dropped").isEqualTo("0");
        assertThat(audit).contains("1825d / unbounded", "archive: lag " + lag + ", retries 0");
    }

    /** Reads the STORED column back ({@code 512 B}, {@code 1.2 KiB}, …): exact in bytes, else to the printed tenth. */
    private static double storedBytes(String value, String unit) {
        int power = List.of("B", "KiB", "MiB", "GiB", "TiB").indexOf(unit);
        assertThat(power).as("unit " + unit).isNotNegative();
        return Double.parseDouble(value) * Math.pow(1024, power);
    }

    @Test
    void theLanesCommandWithoutAServerSaysSoAndExits1() {
        Cli.Run r = Cli.run("lanes", "--server", "http://127.0.0.1:1");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("cannot reach loglane at http://127.0.0.1:1/");
    }

    @Test
    void aFailingStoreShowsAsFailingWithItsErrorAndRetries(@TempDir Path other) throws Exception {
        Path notADirectory = Files.writeString(other.resolve("archive"), "a file where the archive should be");
        // A short grace: shutting down cannot drain a store that fails.
        try (TestNode f = TestNode.start(other, "server:\n  shutdown_grace: 1s\narchive:\n  dir: \"" + notADirectory + "\"\n")) {
            var r = f.post("/api/v1/ingest/failing.activity", "{\"message\":\"x\"}\n", Map.of());
            assertThat(r.statusCode()).as("the stream still takes events").isEqualTo(202);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!f.lane("activity").health().equals("failing") && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            JsonNode activity = null;
            for (JsonNode l : TestNode.json(f.get("/api/v1/lanes")).get("lanes")) {
                if (l.get("name").asText().equals("activity")) {
                    activity = l;
                }
            }
            assertThat(activity).isNotNull();
            assertThat(activity.get("health").asText()).isEqualTo("failing");
            JsonNode store = activity.get("stores").get(0);
            assertThat(store.get("lastError").asText()).isNotBlank();
            assertThat(store.get("retries").asDouble()).isPositive();
            assertThat(store.get("lag").asLong()).isEqualTo(1);

            Cli.Run cli = Cli.run("lanes", "--server", f.url());
            String line = cli.out().lines().filter(l -> l.startsWith("activity ")).findFirst().orElseThrow();
            assertThat(line).contains(" failing ", "archive: lag 1, retries ", store.get("lastError").asText());
        }
    }

    @Test
    void anSqlAnswerSaysWhichStoreItReadAndWhatIsAcknowledgedButNotQueryableYet() throws Exception {
        t.flush(); // nothing pending from other tests
        ingest("answer.trace", 7); // trace: the other tests here count what reaches the other lanes
        String q = "{\"sql\": \"SELECT count(*) FROM trace WHERE tag = 'answer.trace'\"}";
        JsonNode before = TestNode.json(t.post("/api/v1/sql", q, Map.of("Content-Type", "application/json")));
        assertThat(before.get("store").asText()).isEqualTo("archive");
        assertThat(before.get("rows").get(0).get(0).asLong()).as("not flushed yet").isZero();
        assertThat(before.get("notYetQueryable").get("trace").asLong()).as(before.toString()).isEqualTo(7);
        t.flush();
        JsonNode after = TestNode.json(t.post("/api/v1/sql", q, Map.of("Content-Type", "application/json")));
        assertThat(after.get("rows").get(0).get(0).asLong()).isEqualTo(7);
        assertThat(after.get("notYetQueryable").isEmpty()).as(after.toString()).isTrue();
    }
}
