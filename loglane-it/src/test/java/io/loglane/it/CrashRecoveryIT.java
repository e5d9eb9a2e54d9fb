package io.loglane.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 at several points of the pipeline, restart, and check that every acknowledged event is
 * queryable exactly once: Forward clients with chunk acks on a {@code disk} lane (activity) and a
 * {@code sync} lane (audit), and an HTTP client (default lane). Clients resend whatever was not
 * acknowledged with the same chunk id / idempotency key, as Fluent Bit does.
 *
 * <p>Kill points: while batches are being written; right after a flush was requested (Parquet
 * files being written and renamed); while compaction runs (the archive flushes small files every
 * 300 ms and compacts closed hours as soon as they have two files, so compaction is continually
 * in progress); and once more mid-batch.
 */
class CrashRecoveryIT {

    private static final String OVERLAY = """
            archive:
              flush_rows: 500
              flush_age: 300ms
              compact_after: 1s
              compact_min_files: 2
            """;

    @Test
    void everyAcknowledgedEventIsQueryableExactlyOnceAfterKill9AtSeveralPoints(@TempDir Path dir) throws Exception {
        Path overlay = dir.resolve("crash.yaml");
        Files.writeString(overlay, OVERLAY);
        AckingForwardClient disk = new AckingForwardClient("fwd-disk", "crash.activity", 50);
        AckingForwardClient sync = new AckingForwardClient("fwd-sync", "crash.audit", 20);
        IdempotentHttpClient http = new IdempotentHttpClient("http", "crash.default", 40);
        try (ChildNode node = new ChildNode(dir.resolve("data"), List.of(overlay), dir.resolve("loglane.log"))) {
            String[] killPoints = {"mid-batch", "mid-flush", "during-compaction", "mid-batch"};
            for (String point : killPoints) {
                node.start();
                long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500);
                List<CompletableFuture<Void>> load = startClients(node, until, disk, sync, http);
                switch (point) {
                    case "mid-flush" -> {
                        Thread.sleep(1000);
                        CompletableFuture.runAsync(() -> {
                            try {
                                node.flush();
                            } catch (Exception ignored) {
                                // the flush dies with the process
                            }
                        });
                        Thread.sleep(30);
                    }
                    case "during-compaction" -> Thread.sleep(1200);
                    default -> Thread.sleep(700);
                }
                node.kill9();
                awaitQuietly(load);
            }
            // Final run: resend everything unacknowledged, then flush and count.
            node.start();
            long until = System.nanoTime();
            for (int i = 0; i < 5 && (disk.hasUnacked() || sync.hasUnacked() || http.hasPending()); i++) {
                disk.session(node.forwardPort, until, false);
                sync.session(node.forwardPort, until, false);
                http.session(node, until, false);
            }
            node.flush();

            assertThat(disk.ackedEvents()).as("the disk client got acks").isPositive();
            assertThat(sync.ackedEvents()).as("the sync client got acks").isPositive();
            assertThat(http.ackedEvents()).as("the http client got 202s").isPositive();
            assertExactlyOnce(node, "activity", "fwd-disk", disk.ackedEvents());
            assertExactlyOnce(node, "audit", "fwd-sync", sync.ackedEvents());
            assertExactlyOnce(node, "default", "http", http.ackedEvents());
            assertThat(node.fullLog()).as("the child really was restarted after each kill").contains("===== start 5 =====");
        }
    }

    private static List<CompletableFuture<Void>> startClients(ChildNode node, long until, AckingForwardClient disk,
                                                              AckingForwardClient sync, IdempotentHttpClient http) {
        List<CompletableFuture<Void>> fs = new ArrayList<>();
        fs.add(CompletableFuture.runAsync(() -> quietly(() -> disk.session(node.forwardPort, until, true))));
        fs.add(CompletableFuture.runAsync(() -> quietly(() -> sync.session(node.forwardPort, until, true))));
        fs.add(CompletableFuture.runAsync(() -> quietly(() -> http.session(node, until, true))));
        return fs;
    }

    private interface IoAction {
        void run() throws Exception;
    }

    private static void quietly(IoAction a) {
        try {
            a.run();
        } catch (Exception e) {
            // the server was killed under the client: what was not acked is resent later
        }
    }

    private static void awaitQuietly(List<CompletableFuture<Void>> fs) throws Exception {
        CompletableFuture.allOf(fs.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
    }

    /** Every seq 0..acked-1 of the client is in the lane exactly once (clients only ever send seqs in order). */
    private static void assertExactlyOnce(ChildNode node, String lane, String client, long acked) throws Exception {
        JsonNode r = node.sql("SELECT count(*) AS n, count(DISTINCT CAST(attrs->>'seq' AS BIGINT)) AS d, "
                + "min(CAST(attrs->>'seq' AS BIGINT)) AS lo, max(CAST(attrs->>'seq' AS BIGINT)) AS hi FROM \"" + lane + "\""
                + " WHERE attrs->>'client' = '" + client + "'");
        JsonNode row = r.get("rows").get(0);
        long n = row.get(0).asLong();
        long distinct = row.get(1).asLong();
        assertThat(n).as(lane + ": no event stored twice").isEqualTo(distinct);
        assertThat(n).as(lane + ": every acknowledged event is there (all sent events were acked by the end)").isEqualTo(acked);
        assertThat(row.get(2).asLong()).isZero();
        assertThat(row.get(3).asLong()).isEqualTo(acked - 1);
    }
}
