package io.loglane.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An input's own parser gives typed columns exactly as a lane's does: a tail input with
 * {@code parser: nginx_combined} feeding a lane that has no parser of its own stores integer
 * {@code status}, double {@code request_time} … that SQL over the archive and the index's range
 * queries both see, on a running node.
 */
class InputParserColumnsTest {
    private static String q(String s) { return URLEncoder.encode(s, StandardCharsets.UTF_8); }

    @Test
    void aTailInputsNginxParserGivesTypedColumnsInSqlAndTheIndex(@TempDir Path dir) throws Exception {
        Path logs = Files.createDirectories(dir.resolve("logs"));
        Files.writeString(logs.resolve("access.log"), """
                203.0.113.9 - - [05/Dec/2026:06:00:01 +0000] "GET /api/orders?id=7 HTTP/1.1" 200 512 "-" "curl/8.5" 0.004
                203.0.113.10 - - [05/Dec/2026:06:00:02 +0000] "POST /api/pay HTTP/1.1" 503 17 "-" "curl/8.5" 1.250
                """);
        String overlay = "inputs:\n  - type: tail\n    name: web\n    paths: [\"" + logs + "/*.log\"]\n    tag: files.web\n"
                + "    parser: nginx_combined\n"
                + "lanes:\n  web:\n    match:\n      - tag_suffix: [web]\n    to: [archive, index]\n";
        try (TestNode t = TestNode.start(dir, overlay)) {
            String sql = "{\"sql\": \"SELECT status, typeof(status), request_time, typeof(request_time), method, path, ts"
                    + " FROM web ORDER BY status\"}";
            long deadline = System.nanoTime() + 20_000_000_000L;
            JsonNode rows = null;
            while (System.nanoTime() < deadline) {
                t.flush();
                rows = TestNode.json(t.post("/api/v1/sql", sql, Map.of())).get("rows");
                if (rows != null && rows.size() == 2) {
                    break;
                }
                Thread.sleep(100);
            }
            assertThat(rows).as("both lines in the web lane").hasSize(2);
            assertThat(rows.get(0).get(0).asLong()).isEqualTo(200);
            assertThat(rows.get(0).get(1).asText()).as("an integer column").isEqualTo("BIGINT");
            assertThat(rows.get(0).get(2).asDouble()).isEqualTo(0.004);
            assertThat(rows.get(0).get(3).asText()).as("a double column").isEqualTo("DOUBLE");
            assertThat(rows.get(0).get(4).asText()).isEqualTo("GET");
            assertThat(rows.get(0).get(5).asText()).isEqualTo("/api/orders?id=7");
            assertThat(rows.get(1).get(0).asLong()).isEqualTo(503);
            assertThat(rows.get(1).get(6).asText()).as("the line's own time").startsWith("2026-12-05");

            String range = "&from=2026-12-05T00:00:00Z&to=2026-12-06T00:00:00Z";
            JsonNode hits = TestNode.json(t.get("/api/v1/search?lane=web&q=" + q("status:[500 TO 599]") + range));
            assertThat(hits.get("total").asLong()).as("a numeric range over the typed field: " + hits).isEqualTo(1);
            assertThat(hits.get("hits").get(0).get("message").asText()).contains("POST /api/pay");
            JsonNode slow = TestNode.json(t.get("/api/v1/search?lane=web&q=" + q("request_time:[1.0 TO *]") + range));
            assertThat(slow.get("total").asLong()).isEqualTo(1);
        }
    }
}
