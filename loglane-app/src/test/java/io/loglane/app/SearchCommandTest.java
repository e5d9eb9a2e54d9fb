package io.loglane.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./loglane search} against a node in this JVM (the bundled lanes: error is indexed). */
class SearchCommandTest {
    /** The events of 2026-03-01 are older than the error lane's 90 d: its index would not take them. */
    static final String KEEP_ERROR_FOREVER = "lanes:\n  error:\n    retention: {age: 0}\n";

    @Test
    void searchPrintsHitsNewestFirstAsTextOrJsonAndRefusesBadInput(@TempDir Path dir) throws Exception {
        try (TestNode t = TestNode.start(dir, KEEP_ERROR_FOREVER)) {
            String body = """
                    {"message":"db timeout after 30s","host":"web-1","ts":"2026-03-01T10:00:00Z"}
                    {"message":"db timeout after 31s","host":"web-2","ts":"2026-03-01T10:00:01Z"}
                    {"message":"disk full","host":"web-2","ts":"2026-03-01T10:00:02Z"}
                    {"message":"just now timeout"}
                    """;
            assertThat(t.post("/api/v1/ingest/app.error", body, Map.of()).statusCode()).isEqualTo(202);
            t.flush();
            String[] range = {"--from", "2026-03-01T00:00:00Z", "--to", "2026-03-02T00:00:00Z"};

            Cli.Run r = Cli.run(args(t, "timeout", range));
            assertThat(r.exitCode()).as(r.err()).isZero();
            assertThat(r.out().lines().toList()).containsExactly(
                    "2026-03-01T10:00:01Z app.error db timeout after 31s", "2026-03-01T10:00:00Z app.error db timeout after 30s");
            assertThat(r.out()).as("no colour off a terminal").doesNotContain("\u001b");
            assertThat(r.err()).contains("2 of 2 hits (filter syntax) in error");
            assertThat(r.err().lines().toList()).as("the coverage line: the index from its oldest event, the archive before it")
                    .contains("stores: index 2026-03-01T10:00:00Z → 2026-03-02T00:00:00Z; "
                            + "archive 2026-03-01T00:00:00Z → 2026-03-01T10:00:00Z (no stream offsets)");
            Cli.Run audit = Cli.run("search", "--server", t.url(), "--lane", "audit", "--from", "2026-03-01T00:00:00Z", "--to",
                    "2026-03-02T00:00:00Z", "{ $.a[*] = 1 }");
            assertThat(audit.exitCode()).as(audit.err()).isZero();
            assertThat(audit.err()).contains("stores: NOT COVERED archive 2026-03-01T00:00:00Z → 2026-03-02T00:00:00Z: wildcard selector");

            Cli.Run page = Cli.run(args(t, "host:web-2", range, "--limit", "1", "--format", "json"));
            assertThat(page.exitCode()).as(page.err()).isZero();
            List<String> lines = page.out().lines().toList();
            assertThat(lines).hasSize(1);
            JsonNode hit = TestNode.JSON.readTree(lines.getFirst());
            assertThat(hit.get("message").asText()).isEqualTo("disk full");
            assertThat(hit.get("record").get("host").asText()).isEqualTo("web-2");
            assertThat(page.err()).contains("1 of 2 hits (lucene syntax)", "more: raise --limit");

            t.clock.advance(java.time.Duration.ofSeconds(1)); // the range's end is exclusive: a record stamped "now" is in it a moment later
            Cli.Run recent = Cli.run("search", "--server", t.url(), "--lane", "error", "--since", "15m", "timeout");
            assertThat(recent.out().lines().toList()).as("--since counts back from the server's now")
                    .singleElement().asString().endsWith("app.error just now timeout");

            Cli.Run badQuery = Cli.run(args(t, "status:[500 TO", range));
            assertThat(badQuery.exitCode()).isEqualTo(1);
            assertThat(badQuery.err()).contains("HTTP 400", "bad_query");
            assertThat(Cli.run("search", "--server", t.url(), "--lane", "nosuch", "x").err()).contains("HTTP 404", "no such lane");
            assertThat(Cli.run(args(t, "x", range, "--format", "yaml")).exitCode()).isEqualTo(2);
            assertThat(Cli.run(args(t, "x", new String[] {"--since", "1h", "--from", "2h"})).exitCode()).isEqualTo(2);
            assertThat(Cli.run("search", "--server", t.url(), "x").exitCode()).as("--lane is required").isEqualTo(2);
            assertThat(Cli.run(args(t, "x", range, "--limit", "0")).err()).contains("HTTP 400", "limit");
        }
    }

    private static String[] args(TestNode t, String query, String[] range, String... more) {
        List<String> a = new java.util.ArrayList<>(List.of("search", "--server", t.url(), "--lane", "error"));
        a.addAll(List.of(range));
        a.addAll(List.of(more));
        a.add(query);
        return a.toArray(String[]::new);
    }
}
