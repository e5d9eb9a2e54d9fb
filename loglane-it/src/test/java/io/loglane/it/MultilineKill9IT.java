package io.loglane.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.loglane.bench.faults.ChildNode;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tail with {@code multiline: java} and a child loglane killed with SIGKILL twice while an app
 * writes log lines and Java stack traces, each trace in two writes (the second part after a pause,
 * so the tail often holds the first part when it is killed): every line is stored once, every trace
 * as one event in {@code trace} with all its lines; a held first part is read again after the
 * restart, never lost (the read position never passes held lines). The trace lane is made
 * {@code disk} here: the bundled one is {@code memory}, which may lose acknowledged events on a crash by design.
 */
class MultilineKill9IT {
    private static final int FRAMES = 5;

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void kill9WhileTracesAreHeldLosesNoLineAndSplitsNoTrace(@TempDir Path dir) throws Exception {
        Path logs = Files.createDirectories(dir.resolve("logs"));
        Path log = logs.resolve("app.log");
        Path overlay = dir.resolve("multiline.yaml");
        Files.writeString(overlay, """
                inputs:
                  - type: tail
                    name: app
                    paths: ["%s/*.log"]
                    scan_interval: 200ms
                    poll_interval: 50ms
                    multiline: java
                    flush_timeout: 5s
                lanes:
                  trace: {durability: disk}
                archive:
                  flush_age: 1s
                query:
                  max_rows: 2000000
                """.formatted(logs));
        try (ChildNode node = new ChildNode(dir.resolve("data"), List.of(overlay), dir.resolve("loglane.log"))) {
            node.start();
            AtomicBoolean writing = new AtomicBoolean(true);
            AtomicLong seq = new AtomicLong();
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> write(log, seq, writing));
            try {
                for (int round = 1; round <= 2; round++) {
                    Thread.sleep(1500 + round * 13L);
                    node.kill9();
                    Thread.sleep(300);
                    node.start();
                }
                Thread.sleep(1000);
            } finally {
                writing.set(false);
                writer.get(30, TimeUnit.SECONDS);
            }
            long written = seq.get();
            assertThat(written).as("the app wrote").isGreaterThan(100);
            long traces = (written + 9) / 10;
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            JsonNode row = null;
            while (System.nanoTime() < deadline) {
                node.flush();
                row = counts(node);
                if (row.get(0).asLong() >= written) {
                    break;
                }
                Thread.sleep(1000);
            }
            Thread.sleep(7000); // past the flush timeout: the last event is stored, and anything beyond would be a duplicate
            node.flush();
            row = counts(node);
            assertThat(row.get(0).asLong()).as("no event stored twice (log: %s)", node.tailOfLog()).isEqualTo(row.get(1).asLong());
            assertThat(row.get(0).asLong()).as("every event written is stored (log: %s)", node.tailOfLog()).isEqualTo(written);
            assertThat(row.get(2).asLong()).as("every trace in trace, whole").isEqualTo(traces);
            assertThat(row.get(3).asLong()).as("no stray frame line stored alone").isZero();
            assertThat(node.fullLog()).contains("===== start 3 =====");
        }
    }

    /**
     * Events seq=0, 1, …: every tenth a trace (error line, exception line, frames, cause) written in two
     * appends 30 ms apart, split inside its frames; the others one INFO line each.
     */
    private static void write(Path log, AtomicLong seq, AtomicBoolean writing) {
        try {
            while (writing.get()) {
                long s = seq.get();
                if (s % 10 == 0) {
                    StringBuilder first = new StringBuilder("2026-12-05 07:00:00 ERROR [main] c.e.App - failed seq=" + s + "\n"
                            + "java.lang.IllegalStateException: boom\n");
                    StringBuilder second = new StringBuilder();
                    for (int f = 0; f < FRAMES; f++) {
                        (f < 2 ? first : second).append("\tat com.example.App.m").append(f).append("(App.java:").append(f + 1).append(")\n");
                    }
                    second.append("Caused by: java.io.IOException: disk full\n\t... 3 more\n");
                    append(log, first);
                    Thread.sleep(30);
                    append(log, second);
                } else {
                    append(log, "2026-12-05 07:00:00 INFO served request seq=" + s + "\n");
                }
                seq.incrementAndGet();
                Thread.sleep(5);
            }
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void append(Path log, CharSequence text) throws IOException {
        Files.writeString(log, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** count(*), count(DISTINCT seq), whole traces in trace, lines stored without their event's seq (stray frames). */
    private static JsonNode counts(ChildNode node) throws IOException, InterruptedException {
        int lines = 2 + FRAMES + 2;
        return node.sql("SELECT count(*) FILTER (WHERE message LIKE '%seq=%'),"
                + " count(DISTINCT TRY_CAST(regexp_extract(message, 'seq=([0-9]+)', 1) AS BIGINT)),"
                + " count(*) FILTER (WHERE lane = 'trace' AND message LIKE '%failed seq=%' AND len(string_split(message, chr(10))) = " + lines + "),"
                + " count(*) FILTER (WHERE message NOT LIKE '%seq=%')"
                + " FROM logs").get("rows").get(0);
    }
}
