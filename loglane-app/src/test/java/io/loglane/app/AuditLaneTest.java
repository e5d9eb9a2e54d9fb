package io.loglane.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit lane end to end in one node: events sent to {@code audit} are chained, archived with
 * their chain, {@code GET /api/v1/audit/head} exports the archived head, and {@code ./loglane
 * verify-audit} (on the data directory, after the node stopped) says intact with that head, or
 * tampered (exit 1), or a usage error (exit 2).
 */
@org.junit.jupiter.api.Timeout(120)
class AuditLaneTest {
    private static final String CONFIG = TestNode.BUNDLED.toString();
    @TempDir Path dir;

    private String[] verify(String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("verify-audit", "--no-defaults", "--config", CONFIG, "--data",
                dir.resolve("data").toString()));
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    /** The archived head, once delivery has published it (one delivery pass after the flush's commit). */
    private static JsonNode head(TestNode t) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            HttpResponse<String> r = t.get("/api/v1/audit/head?lane=audit");
            JsonNode body = TestNode.json(r);
            if (r.statusCode() == 200 && body.get("offset").asLong() == 4) {
                return body;
            }
            assertThat(r.statusCode()).as(r.body()).isIn(200, 404);
            assertThat(System.nanoTime()).as("head published").isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    @Test
    void auditEventsAreChainedExportedAndVerified() throws Exception {
        String hash;
        try (TestNode t = TestNode.start(dir, "")) {
            StringBuilder body = new StringBuilder();
            for (int i = 0; i < 5; i++) {
                body.append("{\"log\": \"user u").append(i).append(" approved payment ").append(i).append("\"}\n");
            }
            assertThat(t.post("/api/v1/ingest/bank-1.audit", body.toString(), Map.of()).statusCode()).isEqualTo(202);
            t.flush();
            JsonNode head = head(t);
            assertThat(head.get("lane").asText()).isEqualTo("audit");
            hash = head.get("hash").asText();
            assertThat(hash).matches("[0-9a-f]{64}");
            assertThat(head.get("ts").asText()).endsWith("Z");
            assertThat(head.get("stream").get("offset").asLong()).isEqualTo(4);
            assertThat(head.get("stream").get("hash").asText()).isEqualTo(hash);

            HttpResponse<String> notChained = t.get("/api/v1/audit/head?lane=access");
            assertThat(notChained.statusCode()).isEqualTo(404);
            assertThat(notChained.body()).contains("no audit chain");
            assertThat(t.get("/api/v1/audit/head?lane=nope").statusCode()).isEqualTo(404);
            HttpResponse<String> bad = t.get("/api/v1/audit/head?lane=..%2Fetc");
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(bad.body()).contains("lane name");
        }

        Cli.Run ok = Cli.run(verify());
        assertThat(ok.exitCode()).as(ok.out() + ok.err()).isZero();
        assertThat(ok.out()).contains("intact: 5 records, offsets 0..4, head hash " + hash);
        Cli.Run anchored = Cli.run(verify("--anchor", "4:" + hash));
        assertThat(anchored.exitCode()).as(anchored.out() + anchored.err()).isZero();

        Cli.Run forged = Cli.run(verify("--anchor", "4:" + "0".repeat(64)));
        assertThat(forged.exitCode()).isEqualTo(1);
        assertThat(forged.out()).contains("TAMPERED at offset 4");

        try (Stream<Path> s = Files.walk(dir.resolve("data").resolve("archive").resolve("lane=audit"))) {
            for (Path p : s.filter(p -> p.toString().endsWith(".parquet")).toList()) {
                Files.delete(p);
            }
        }
        Cli.Run removed = Cli.run(verify());
        assertThat(removed.exitCode()).isEqualTo(1);
        assertThat(removed.out()).contains("TAMPERED at offset 4").contains("removed");
    }

    @Test
    void usageErrorsExitWithTwo() {
        assertThat(Cli.run(verify("--lane", "nope")).exitCode()).isEqualTo(2);
        assertThat(Cli.run(verify("--from", "5", "--to", "1")).exitCode()).isEqualTo(2);
        Cli.Run anchor = Cli.run(verify("--anchor", "xyz"));
        assertThat(anchor.exitCode()).isEqualTo(2);
        assertThat(anchor.err()).contains("--anchor");
        assertThat(Cli.run(verify("--from", "abc")).exitCode()).isEqualTo(2);
        Cli.Run noArchive = Cli.run(verify("--archive", dir.resolve("missing").toString()));
        assertThat(noArchive.exitCode()).isEqualTo(2);
        assertThat(noArchive.err()).contains("no archive directory");
    }

    @Test
    void aLaneArchivedWithoutItsChainIsAUsageError() throws Exception {
        try (TestNode t = TestNode.start(dir, "")) {
            assertThat(t.post("/api/v1/ingest/web-1.access", "{\"log\": \"x\"}\n", Map.of()).statusCode()).isEqualTo(202);
            t.flush();
        }
        Cli.Run r = Cli.run(verify("--lane", "access"));
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("no chain columns");
    }

    @Test
    void aMemoryLaneCannotBeChained() throws Exception {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "lanes:\n  audit:\n    durability: memory\n");
        Cli.Run r = Cli.run("check-config", "--no-defaults", CONFIG, bad.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.out() + r.err()).contains("lanes.audit.audit_chain").contains("disk or sync");
    }
}
