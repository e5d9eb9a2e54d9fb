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
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code type: docker} with a child loglane killed with SIGKILL while a container writes its
 * json-file log, which is rotated as Docker rotates it ({@code -json.log} renamed to
 * {@code -json.log.1} … and a new {@code -json.log}), with one line in 200 split into 16 KiB parts:
 * every line written is stored exactly once, split lines joined.
 */
class DockerKill9IT {
    private static final String ID = "5e2f9a8b7c6d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f";

    @Test
    // three starts of up to a minute each on a loaded machine (59 s and over 60 s measured at load 38), then the catch-up
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void kill9DuringWritesAndRotationsLosesNoLineAndStoresNoneTwice(@TempDir Path dir) throws Exception {
        Path containers = dir.resolve("containers");
        Path cdir = Files.createDirectories(containers.resolve(ID));
        Files.writeString(cdir.resolve("config.v2.json"), "{\"Name\":\"/writer\",\"Config\":{\"Image\":\"busybox\"}}");
        Path log = cdir.resolve(ID + "-json.log");
        Path overlay = dir.resolve("docker.yaml");
        Files.writeString(overlay, """
                inputs:
                  - type: docker
                    name: docker
                    paths: ["%s/*/*-json.log"]
                    scan_interval: 200ms
                    poll_interval: 50ms
                    rotate_wait: 2s
                    partial_flush: 2s
                archive:
                  flush_age: 1s
                query:
                  max_rows: 2000000
                """.formatted(containers));
        try (ChildNode node = new ChildNode(dir.resolve("data"), List.of(overlay), dir.resolve("loglane.log"))) {
            node.start();
            AtomicBoolean writing = new AtomicBoolean(true);
            AtomicLong seq = new AtomicLong();
            StringBuilder starts = new StringBuilder();
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> write(log, seq, writing));
            try {
                for (int round = 1; round <= 8; round++) {
                    Thread.sleep(500);
                    rotate(log);
                    if (round == 3 || round == 6) {
                        Thread.sleep(round * 7L);
                        node.kill9();
                        Thread.sleep(300);
                        long t0 = System.nanoTime();
                        node.start();
                        starts.append(' ').append((System.nanoTime() - t0) / 1_000_000).append(" ms");
                    }
                }
            } finally {
                writing.set(false);
                writer.get(30, TimeUnit.SECONDS);
            }
            long written = seq.get();
            assertThat(written).as("the writer wrote").isGreaterThan(5_000);
            long caughtUp = System.nanoTime();
            long deadline = caughtUp + Duration.ofSeconds(90).toNanos();
            JsonNode row = null;
            while (System.nanoTime() < deadline) {
                node.flush();
                row = counts(node);
                if (row.get(0).asLong() >= written) {
                    break;
                }
                Thread.sleep(1000);
            }
            System.out.printf("DockerKill9IT: %d lines written, restarts took%s, %d stored after %d ms of catching up%n", written, starts,
                    row.get(0).asLong(), (System.nanoTime() - caughtUp) / 1_000_000);
            Thread.sleep(3000); // anything beyond would be a duplicate
            node.flush();
            row = counts(node);
            assertThat(row.get(0).asLong()).as("no line stored twice (log: %s)", node.tailOfLog()).isEqualTo(row.get(1).asLong());
            assertThat(row.get(0).asLong()).as("every line written is stored (log: %s)", node.tailOfLog()).isEqualTo(written);
            assertThat(row.get(2).asLong()).as("split lines stored joined").isEqualTo(row.get(3).asLong());
            assertThat(row.get(3).asLong()).isEqualTo((written + 199) / 200);
            assertThat(node.fullLog()).contains("===== start 3 =====");
        }
    }

    /** Docker's rotation: {@code .1} → {@code .2}, … then the live file → {@code .1}; the next write creates a new file. */
    private static void rotate(Path log) throws IOException {
        for (int i = 20; i >= 1; i--) {
            Path from = log.resolveSibling(log.getFileName() + "." + i);
            if (Files.exists(from)) {
                Files.move(from, log.resolveSibling(log.getFileName() + "." + (i + 1)));
            }
        }
        Files.move(log, log.resolveSibling(log.getFileName() + ".1"));
    }

    /** Bursts of 50 json-file lines; every 200th line split into 16 KiB parts as Docker splits it. */
    private static void write(Path log, AtomicLong seq, AtomicBoolean writing) {
        StringBuilder sb = new StringBuilder();
        String pad = "x".repeat(16 * 1024);
        try {
            while (writing.get()) {
                sb.setLength(0);
                long first = seq.get();
                String time = Instant.now().toString();
                for (long s = first; s < first + 50; s++) {
                    String stream = s % 3 == 0 ? "stderr" : "stdout";
                    if (s % 200 == 0) {
                        sb.append("{\"log\":\"split seq=").append(s).append(' ').append(pad).append("\",\"stream\":\"").append(stream)
                                .append("\",\"time\":\"").append(time).append("\"}\n");
                        sb.append("{\"log\":\"").append(pad).append("\",\"stream\":\"").append(stream)
                                .append("\",\"time\":\"").append(time).append("\"}\n");
                        sb.append("{\"log\":\"end\\n\",\"stream\":\"").append(stream).append("\",\"time\":\"").append(time).append("\"}\n");
                    } else {
                        sb.append("{\"log\":\"line seq=").append(s).append(" of the docker kill test\\n\",\"stream\":\"").append(stream)
                                .append("\",\"time\":\"").append(time).append("\"}\n");
                    }
                }
                // one write per burst, as Docker's json-file writer appends whole entries
                Files.writeString(log, sb, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                seq.addAndGet(50);
                Thread.sleep(10);
            }
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** count(*), count(DISTINCT seq), joined split lines (seq and both parts and end), split rows. */
    private static JsonNode counts(ChildNode node) throws IOException, InterruptedException {
        return node.sql("SELECT count(*), count(DISTINCT CAST(regexp_extract(message, 'seq=([0-9]+)', 1) AS BIGINT)),"
                + " count(*) FILTER (WHERE message LIKE 'split seq=%' AND length(message) = length(regexp_extract(message, '^split seq=[0-9]+ ')) + 2 * 16384 + 3),"
                + " count(*) FILTER (WHERE message LIKE 'split%' OR message = 'end' OR message LIKE 'xxxx%')"
                + " FROM logs WHERE container_name = 'writer'").get("rows").get(0);
    }
}
