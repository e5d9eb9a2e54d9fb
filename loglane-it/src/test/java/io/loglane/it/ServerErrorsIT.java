package io.loglane.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.loglane.bench.faults.ChildNode;
import com.fasterxml.jackson.databind.JsonNode;
import io.loglane.stream.local.LaneFiles;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Refusals that are not the client's fault say so, and the operator sees them: an ingest request
 * the router refuses (429 over the lane's rate, 500 when the lane's stream cannot store) is logged
 * and counted like a 400 is, and a query the archive cannot answer because its files cannot be
 * listed is a 503 {@code archive_unavailable}, logged and counted, not a 400 blaming the query.
 * The faults are real: a lane over its rate, a directory where the lane's next segment file must
 * go, a directory entry the archive's listing cannot examine.
 */
class ServerErrorsIT {
    private static final String OVERLAY = """
            stream:
              segment_size: 1KiB
            lanes:
              error:
                rate: {events_per_second: 1, burst: 1}
            """;

    @TempDir
    static Path dir;
    private static ChildNode node;

    @BeforeAll
    static void startNode() throws Exception {
        node = Nodes.startWithOverlay(dir, OVERLAY);
    }

    @AfterAll
    static void stopNode() throws Exception {
        Nodes.stop(node);
    }

    private static double metric(String name, String... labels) throws Exception {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            m.put(labels[i], labels[i + 1]);
        }
        return PrometheusText.sum(node.get("/metrics").body(), name, m);
    }

    private static void assertLogged(long from, String line) throws Exception {
        assertThat(node.awaitLogLine(from, line, Duration.ofSeconds(10))).as("logged: " + line).isNotNull();
    }

    @Test
    void anIngestRequestOverTheLanesRateIsRefusedWith429LoggedAndCounted() throws Exception {
        long from = node.logLength();
        String twoEvents = "{\"message\":\"one\"}\n{\"message\":\"two\"}\n";
        assertThat(node.post("/api/v1/ingest/errors.error", twoEvents, Map.of()).statusCode())
                .as("admitted on a full bucket, which it leaves in debt").isEqualTo(202);
        HttpResponse<String> r = node.post("/api/v1/ingest/errors.error", twoEvents, Map.of());
        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(ChildNode.JSON.readTree(r.body()).get("reason").asText()).isEqualTo("rate_limited");
        assertLogged(from, "with 429 rate_limited: lane error is over its rate limit");
        assertThat(metric("loglane_input_requests_failed_total", "input", "http", "reason", "rate_limited")).isEqualTo(1);
    }

    @Test
    void anIngestRequestTheLanesStreamCannotStoreIsRefusedWith500LoggedAndCounted() throws Exception {
        String big = "{\"message\":\"" + randomHex(3000) + "\"}\n"; // over the 1 KiB segment however it is compressed
        assertThat(node.post("/api/v1/ingest/errors.activity", big, Map.of()).statusCode()).isEqualTo(202);
        // The next append rolls the segment: a directory already holds the new segment's name.
        Path obstacle = LaneFiles.logFile(dir.resolve("data").resolve("stream").resolve("activity"), streamEnd("activity"));
        Files.createDirectories(obstacle);
        try {
            long from = node.logLength();
            HttpResponse<String> r = node.post("/api/v1/ingest/errors.activity", big, Map.of());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(500);
            assertThat(ChildNode.JSON.readTree(r.body()).get("reason").asText()).isEqualTo("storage_error");
            assertLogged(from, "with 500 storage_error: lane activity: segment roll failed");
            assertThat(metric("loglane_input_requests_failed_total", "input", "http", "reason", "storage_error")).isEqualTo(1);
        } finally {
            Files.delete(obstacle);
        }
        assertThat(node.post("/api/v1/ingest/errors.activity", big, Map.of()).statusCode()).isEqualTo(202);
    }

    @Test
    void aQueryOverAnArchiveThatCannotBeListedIs503ArchiveUnavailableLoggedAndCounted() throws Exception {
        String query = ChildNode.JSON.writeValueAsString(Map.of("sql", "SELECT count(*) FROM logs"));
        assertThat(node.post("/api/v1/ingest/errors.audit", "{\"message\":\"kept\"}\n", Map.of()).statusCode()).isEqualTo(202);
        node.flush();
        assertThat(node.post("/api/v1/sql", query, Map.of("Content-Type", "application/json")).statusCode()).isEqualTo(200);
        // The node lists the archive from memory; it reads the directory again when a query finds a
        // listed file gone behind its back. That listing then meets an entry it cannot examine: a
        // symbolic link to itself (ELOOP; permissions cannot fail a listing as root).
        Path archive = dir.resolve("data").resolve("archive");
        Path dateDir = Files.createDirectories(archive.resolve("lane=audit").resolve("date=2026-01-01"));
        Path loop = Files.createSymbolicLink(dateDir.resolve("hour=00"), Path.of("hour=00"));
        try (var files = Files.walk(archive.resolve("lane=audit"))) {
            Files.delete(files.filter(p -> p.toString().endsWith(".parquet")).findFirst().orElseThrow());
        }
        try {
            long from = node.logLength();
            HttpResponse<String> r = node.post("/api/v1/sql", query, Map.of("Content-Type", "application/json"));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
            JsonNode err = ChildNode.JSON.readTree(r.body());
            assertThat(err.get("reason").asText()).isEqualTo("archive_unavailable");
            assertThat(err.get("error").asText()).startsWith("cannot list the archive: ").contains("hour=00");
            assertLogged(from, "api: POST /api/v1/sql answered 503 archive_unavailable: cannot list the archive");
            assertThat(metric("loglane_api_errors_total", "route", "/api/v1/sql", "reason", "archive_unavailable")).isEqualTo(1);
        } finally {
            Files.delete(loop);
        }
        assertThat(node.post("/api/v1/sql", query, Map.of("Content-Type", "application/json")).statusCode()).isEqualTo(200);
    }

    private static long streamEnd(String lane) throws Exception {
        for (JsonNode l : ChildNode.JSON.readTree(node.get("/api/v1/lanes").body()).get("lanes")) {
            if (l.get("name").asText().equals(lane)) {
                return l.get("streamEnd").asLong();
            }
        }
        throw new AssertionError("no lane " + lane);
    }

    private static String randomHex(int chars) {
        SplittableRandom r = new SplittableRandom(11);
        StringBuilder b = new StringBuilder(chars);
        while (b.length() < chars) {
            b.append(Long.toHexString(r.nextLong()));
        }
        return b.substring(0, chars);
    }
}
