package io.loglane.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the archive holds for each shape of record a new user sends first, through a real node with
 * the bundled lanes: an access line is timed by its own {@code [time_local]} and partitioned by it.
 */
class EventShapesIT {
    @TempDir
    static Path dir;
    private static ChildNode node;

    @BeforeAll
    static void startNode() throws Exception {
        node = Nodes.startWithOverlay(dir, "archive:\n  flush_age: 500ms\n");
    }

    @AfterAll
    static void stopNode() throws Exception {
        Nodes.stop(node);
    }

    @Test
    void theReadmesAccessLinesAreTimedAndPartitionedByTheirOwnDate() throws Exception {
        String body = """
                {"log": "10.0.0.1 - - [25/Nov/2026:06:00:00 +0000] \\"GET / HTTP/1.1\\" 200 512 \\"-\\" \\"curl/8\\""}
                {"log": "10.0.0.2 - - [25/Nov/2026:06:00:01 +0000] \\"GET /x HTTP/1.1\\" 404 0 \\"-\\" \\"curl/8\\""}
                """;
        HttpResponse<String> r = node.post("/api/v1/ingest/web.access", body, Map.of());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        node.flush();

        JsonNode rows = node.sql("SELECT strftime(ts, '%Y-%m-%dT%H:%M:%S'), status FROM access WHERE tag = 'web.access' ORDER BY ts")
                .get("rows");
        assertThat(rows.toString()).isEqualTo("[[\"2026-11-25T06:00:00\",200],[\"2026-11-25T06:00:01\",404]]");
        Path partition = dir.resolve("data").resolve("archive").resolve("lane=access").resolve("date=2026-11-25").resolve("hour=06");
        try (Stream<Path> files = Files.list(partition)) {
            assertThat(files.filter(p -> p.toString().endsWith(".parquet"))).as("the line's own date decides the partition").isNotEmpty();
        }
    }
}
