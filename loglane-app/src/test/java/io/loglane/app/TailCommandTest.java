package io.loglane.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./loglane tail} against a node in this JVM: prints the records that match, as text or
 * JSON lines, and refuses a bad pattern or lane with exit 2.
 */
class TailCommandTest {
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

    /**
     * Runs the command in the background and sends {@code matching} and a non-matching line every
     * 100 ms until it ends: the tail starts at the head, so lines sent before it connected are not
     * seen, later ones are.
     */
    private static Cli.Run runWhileSending(String matching, String... args) throws Exception {
        CompletableFuture<Cli.Run> run = CompletableFuture.supplyAsync(() -> Cli.run(args));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!run.isDone() && System.nanoTime() < deadline) {
            String body = TestNode.JSON.writeValueAsString(Map.of("message", matching, "kind", "cli")) + "\n"
                    + TestNode.JSON.writeValueAsString(Map.of("message", "other line", "kind", "cli")) + "\n";
            HttpResponse<String> r = t.post("/api/v1/ingest/app", body, Map.of());
            assertThat(r.statusCode()).isEqualTo(202);
            Thread.sleep(100);
        }
        // a command still running after the deadline would hold Cli's lock forever: fail instead
        return run.get(10, TimeUnit.SECONDS);
    }

    @Test
    void prints_matching_records_as_text() throws Exception {
        Cli.Run r = runWhileSending("cli tail text", "tail", "--server", t.url(), "--lane", "default", "--limit", "2", "tail text");
        assertThat(r.exitCode()).as(r.err()).isZero();
        String[] lines = r.out().split("\n");
        assertThat(lines).hasSize(2);
        for (String line : lines) {
            assertThat(line).matches("\\S+Z default cli tail text"); // no colour: not a terminal
        }
    }

    @Test
    void prints_json_lines_with_format_json() throws Exception {
        Cli.Run r = runWhileSending("cli tail json", "tail", "--server", t.url(), "--format", "json", "--limit", "1", "{ $.kind = \"cli\" && $.message = \"cli tail json\" }");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode record = TestNode.JSON.readTree(r.out());
        assertThat(record.get("message").asText()).isEqualTo("cli tail json");
        assertThat(record.get("lane").asText()).isEqualTo("default");
        assertThat(record.get("offset").isNumber()).isTrue();
    }

    @Test
    void a_bad_pattern_or_lane_exits_2_with_the_reason() {
        Cli.Run bad = Cli.run("tail", "--server", t.url(), "{ $.a = ");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("invalid filter pattern");
        Cli.Run lane = Cli.run("tail", "--server", t.url(), "--lane", "nope");
        assertThat(lane.exitCode()).isEqualTo(2);
        assertThat(lane.err()).contains("no such lane: nope");
    }
}
