package io.loglane.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code trace} lane of the bundled config is {@code durability: memory}: what it delivered to
 * the archive before a restart must still be there after it, exactly once. (Its offsets used to
 * start over at 0 on every start, so the archive's recovery at offset 0 deleted every file of the
 * lane and new flushes reused the old file names.)
 */
@Timeout(120)
class MemoryLaneRestartTest {
    @TempDir Path dir;

    @Test
    void eventsDeliveredToTheArchiveSurviveRestartsOfAMemoryLane() throws Exception {
        List<String> firstRunFiles;
        try (TestNode t = TestNode.start(dir, "")) {
            ingest(t, 0, 30);
            t.flush();
            assertThat(count(t)).isEqualTo(30);
            firstRunFiles = traceFiles();
            assertThat(firstRunFiles).isNotEmpty();
        }
        try (TestNode t = TestNode.start(dir, "")) {
            assertThat(traceFiles()).as("the archive's recovery at start kept the delivered files").containsAll(firstRunFiles);
            assertThat(t.lane("trace").streamEnd()).as("offsets continue where the last run ended").isEqualTo(30);
            ingest(t, 30, 20);
            t.flush();
            assertThat(count(t)).as("every event of both runs, once").isEqualTo(50);
            assertThat(traceFiles()).as("no file name reused").containsAll(firstRunFiles).hasSizeGreaterThan(firstRunFiles.size());
        }
        try (TestNode t = TestNode.start(dir, "")) {
            assertThat(count(t)).isEqualTo(50);
        }
    }

    /** Events {@code from .. from+n-1}, numbered in {@code seq}, to a tag the trace lane matches. */
    private static void ingest(TestNode t, int from, int n) throws Exception {
        StringBuilder body = new StringBuilder();
        for (int i = from; i < from + n; i++) {
            body.append("{\"message\":\"trace ").append(i).append("\",\"seq\":").append(i).append("}\n");
        }
        HttpResponse<String> r = t.post("/api/v1/ingest/app.trace", body.toString(), Map.of());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    }

    /** Rows of the trace lane, after checking that no seq is stored twice and none is missing below the max. */
    private static long count(TestNode t) throws Exception {
        String sql = "SELECT count(*), count(DISTINCT CAST(attrs->>'seq' AS BIGINT)), coalesce(max(CAST(attrs->>'seq' AS BIGINT)) + 1, 0)"
                + " FROM trace";
        HttpResponse<String> r = t.post("/api/v1/sql", TestNode.JSON.writeValueAsString(Map.of("sql", sql)),
                Map.of("Content-Type", "application/json"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode row = TestNode.json(r).get("rows").get(0);
        long n = row.get(0).asLong();
        assertThat(row.get(1).asLong()).as("distinct seqs: no event twice").isEqualTo(n);
        assertThat(row.get(2).asLong()).as("max seq + 1: no event missing").isEqualTo(n);
        return n;
    }

    private List<String> traceFiles() throws IOException {
        Path lane = dir.resolve("data").resolve("archive").resolve("lane=trace");
        if (!Files.isDirectory(lane)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(lane)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".parquet")).map(p -> lane.relativize(p).toString()).sorted().toList();
        }
    }
}
