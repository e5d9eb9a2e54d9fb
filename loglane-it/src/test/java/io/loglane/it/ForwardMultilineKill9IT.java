package io.loglane.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.loglane.bench.faults.AckingForwardClient;
import io.loglane.bench.faults.ChildNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Forward input with {@code multiline: java} and a client that behaves like Fluent Bit with
 * {@code require_ack_response} (one chunk at a time, every unacknowledged chunk resent with its id
 * after a lost connection), while the child loglane is killed with SIGKILL: the last line of each
 * chunk is held in memory (any line may be continued) and the chunk's ack waits for it, so a kill
 * usually falls after the rest of a chunk was stored and before its held line was. Every event the
 * client created is stored exactly once: the resent chunk's stored part is recognised by its id,
 * and only its held line is stored again.
 */
class ForwardMultilineKill9IT {
    private static final int KILLS = 3;

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void resentChunksWhoseLastLineWasHeldAtAKillStoreEveryLineOnce(@TempDir Path dir) throws Exception {
        Path overlay = dir.resolve("forward-multiline.yaml");
        Files.writeString(overlay, """
                inputs:
                  - type: forward
                    name: forward
                    multiline: java
                    flush_timeout: 300ms
                archive:
                  flush_age: 300ms
                query:
                  max_rows: 2000000
                """);
        AckingForwardClient client = new AckingForwardClient("fml", "app", 20);
        try (ChildNode node = new ChildNode(dir.resolve("data"), List.of(overlay), dir.resolve("loglane.log"))) {
            for (int kill = 0; kill < KILLS; kill++) {
                node.start();
                long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
                    try {
                        client.session(node.forwardPort, until, true);
                    } catch (IOException killed) {
                        // the child was killed: unacked chunks are resent in the next session
                    }
                });
                // at least a few chunks stored, and one waiting for its held line (300 ms of every chunk's turn)
                while (client.ackedEvents() < 60 * (kill + 1L)) {
                    assertThat(sending).as("the client is still sending (log: %s)", node.tailOfLog()).isNotDone();
                    Thread.sleep(20);
                }
                Thread.sleep(150 + 41L * kill);
                node.kill9();
                sending.get(60, TimeUnit.SECONDS);
            }
            node.start();
            client.session(node.forwardPort, 0, false); // resends what is unacked, nothing new
            assertThat(client.hasUnacked()).isFalse();
            long created = client.createdEvents();
            node.flush();
            JsonNode row = node.sql("SELECT count(*), count(DISTINCT message) FROM logs WHERE message LIKE 'fml event %'")
                    .get("rows").get(0);
            System.out.printf("ForwardMultilineKill9IT: %d kill(s), %d event(s) created, %d stored, %d distinct%n", KILLS, created,
                    row.get(0).asLong(), row.get(1).asLong());
            assertThat(row.get(1).asLong()).as("every event created is stored (log: %s)", node.tailOfLog()).isEqualTo(created);
            assertThat(row.get(0).asLong()).as("none twice").isEqualTo(created);
            assertThat(node.fullLog()).contains("===== start " + (KILLS + 1) + " =====");
        }
    }
}
