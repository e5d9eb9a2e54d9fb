package io.loglane.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.loglane.bench.faults.ChildNode;
import io.loglane.bench.faults.AckingForwardClient;
import io.loglane.bench.faults.IdempotentHttpClient;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 at several points of the pipeline, restart, and check that every acknowledged event is
 * queryable exactly once: Forward clients with chunk acks on a {@code disk} lane (activity) and a
 * {@code sync} lane (audit), and an HTTP client (default lane). Clients resend whatever was not
 * acknowledged with the same chunk id / idempotency key, as Fluent Bit does.
 *
 * <p>Kill points: while batches are being written; right after a flush was requested (Parquet
 * files being written and renamed); while a compaction runs; and once more mid-batch. The Forward
 * clients date their events over the last three hours, so two of the hours they fill are closed;
 * the archive flushes small files every 300 ms and runs maintenance every 300 ms
 * ({@code archive.maintenance_interval}), compacting a closed hour as soon as it has two files.
 * The compaction kill point watches the child's log for {@code compacting … into <name>} and
 * kills at once; it counts only if the log then lacks that compaction's {@code compacted} line
 * (see {@link #killDuringCompaction}).
 */
class CrashRecoveryIT {

    private static final String OVERLAY = """
            archive:
              flush_rows: 500
              flush_age: 300ms
              compact_after: 1s
              compact_min_files: 2
              maintenance_interval: 300ms
            """;
    /**
     * A thread per client session (and for the mid-flush request): on a 2-core machine the common
     * pool runs one task at a time, so with the default executor the sync and HTTP clients only
     * started after the disk client's deadline and sent nothing, and the flush came after the kill.
     */
    private static final Executor CLIENTS = Executors.newThreadPerTaskExecutor(Thread.ofPlatform().daemon().name("client-", 0).factory());
    private static final String COMPACTING = "archive activity: compacting ";
    private static final String COMPACTED = "archive activity: compacted ";
    private static final int COMPACTION_KILL_ATTEMPTS = 8;
    private static final Duration COMPACTION_WAIT = Duration.ofSeconds(60);
    /** Chunks of 2000 events the bulk client sends per compaction attempt: 40 000 rows in each closed hour. */
    private static final int BULK_CHUNKS = 60;

    /** The test's clients; every event carries its client's name and a sequence number. */
    private record Clients(AckingForwardClient disk, AckingForwardClient sync, IdempotentHttpClient http, AckingForwardClient bulk) {
        boolean pending() { return disk.hasUnacked() || bulk.hasUnacked() || sync.hasUnacked() || http.hasPending(); }
    }

    private int starts;

    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void everyAcknowledgedEventIsQueryableExactlyOnceAfterKill9AtSeveralPoints(@TempDir Path dir) throws Exception {
        Path overlay = dir.resolve("crash.yaml");
        Files.writeString(overlay, OVERLAY);
        Clients clients = new Clients(new AckingForwardClient("fwd-disk", "crash.activity", 50),
                new AckingForwardClient("fwd-sync", "crash.audit", 20), new IdempotentHttpClient("http", "crash.default", 40),
                new AckingForwardClient("fwd-bulk", "crash.activity", 2000));
        try (ChildNode node = new ChildNode(dir.resolve("data"), List.of(overlay), dir.resolve("loglane.log"))) {
            killMidBatch(node, clients);
            killMidFlush(node, clients);
            killDuringCompaction(node, clients);
            killMidBatch(node, clients);

            // Final run: resend everything unacknowledged, then flush and count, compactions
            // running meanwhile (the query engine reads a merged file instead of its sources).
            node.start();
            starts++;
            long until = System.nanoTime();
            for (int i = 0; i < 5 && clients.pending(); i++) {
                clients.disk().session(node.forwardPort, until, false);
                clients.bulk().session(node.forwardPort, until, false);
                clients.sync().session(node.forwardPort, until, false);
                clients.http().session(node, until, false);
            }
            node.flush();

            assertThat(clients.disk().ackedEvents()).as("the disk client got acks").isPositive();
            assertThat(clients.bulk().ackedEvents()).as("the bulk client got acks").isPositive();
            assertThat(clients.sync().ackedEvents()).as("the sync client got acks").isPositive();
            assertThat(clients.http().ackedEvents()).as("the http client got 202s").isPositive();
            assertExactlyOnce(node, "activity", "fwd-disk", clients.disk().ackedEvents());
            assertExactlyOnce(node, "activity", "fwd-bulk", clients.bulk().ackedEvents());
            assertExactlyOnce(node, "audit", "fwd-sync", clients.sync().ackedEvents());
            assertExactlyOnce(node, "default", "http", clients.http().ackedEvents());
            // An outside reader of the symlink manifests, after the same kills, sees the same rows once each.
            Path archive = dir.resolve("data").resolve("archive");
            assertManifestsHoldExactlyOnce(archive, "activity", "fwd-disk", clients.disk().ackedEvents());
            assertManifestsHoldExactlyOnce(archive, "activity", "fwd-bulk", clients.bulk().ackedEvents());
            assertManifestsHoldExactlyOnce(archive, "audit", "fwd-sync", clients.sync().ackedEvents());
            assertManifestsHoldExactlyOnce(archive, "default", "http", clients.http().ackedEvents());
            String log = node.fullLog();
            assertThat(log).as("the child really was restarted after each kill").contains("===== start " + starts + " =====");
            assertThat(log).as("audit is configured with compact: false").doesNotContain("archive audit: compacting");
        }
    }

    /** Starts the node and the clients, and kills it while batches are being written. */
    private void killMidBatch(ChildNode node, Clients clients) throws Exception {
        List<CompletableFuture<Void>> load = start(node, clients);
        Thread.sleep(700);
        node.kill9();
        awaitQuietly(load);
    }

    /** Starts the node and the clients, requests a flush and kills the node while it writes and renames files. */
    private void killMidFlush(ChildNode node, Clients clients) throws Exception {
        List<CompletableFuture<Void>> load = start(node, clients);
        Thread.sleep(1000);
        CompletableFuture.runAsync(() -> {
            try {
                node.flush();
            } catch (Exception ignored) {
                // the flush dies with the process
            }
        }, CLIENTS);
        Thread.sleep(30);
        node.kill9();
        awaitQuietly(load);
    }

    /**
     * Starts the node and the clients, fills the closed hours with many rows (merging them takes
     * long enough, tens of ms, for a kill to land inside; delivering them in 500-row flushes keeps
     * compaction busy for seconds), waits for one compaction to complete (so this cannot pass
     * without compaction working), then for a fresh one to start, and kills the node at once. The
     * kill counts if the log lacks that compaction's "compacted" line; else this is tried again.
     */
    private void killDuringCompaction(ChildNode node, Clients clients) throws Exception {
        for (int attempt = 1; ; attempt++) {
            long mark = node.logLength();
            List<CompletableFuture<Void>> load = start(node, clients);
            quietly(() -> clients.bulk().sessionAtMost(node.forwardPort, Long.MAX_VALUE, BULK_CHUNKS));
            ChildNode.LogLine done = node.awaitLogLine(mark, COMPACTED, COMPACTION_WAIT);
            assertThat(done).as("a compaction completed within %s (log: %s)", COMPACTION_WAIT, node.tailOfLog()).isNotNull();
            ChildNode.LogLine started = node.awaitLogLine(node.logLength(), COMPACTING, COMPACTION_WAIT);
            assertThat(started).as("another compaction started within %s", COMPACTION_WAIT).isNotNull();
            node.kill9();
            awaitQuietly(load);
            String which = started.text().substring(started.text().indexOf(COMPACTING) + COMPACTING.length());
            if (!node.logSince(started.end()).contains(COMPACTED + which)) {
                System.out.println("kill -9 during compaction (attempt " + attempt + "): " + which);
                return; // the child died between "compacting" and "compacted"
            }
            System.out.println("compaction finished before the kill (attempt " + attempt + "): " + which);
            assertThat(attempt).as("a kill -9 landed inside a running compaction in %d attempts", COMPACTION_KILL_ATTEMPTS)
                    .isLessThan(COMPACTION_KILL_ATTEMPTS);
        }
    }

    /** Starts the node, then the disk, sync and HTTP clients for 1.5 s (or until the kill breaks their connections). */
    private List<CompletableFuture<Void>> start(ChildNode node, Clients clients) throws Exception {
        node.start();
        starts++;
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500);
        List<CompletableFuture<Void>> fs = new ArrayList<>();
        fs.add(CompletableFuture.runAsync(() -> quietly(() -> clients.disk().session(node.forwardPort, until, true)), CLIENTS));
        fs.add(CompletableFuture.runAsync(() -> quietly(() -> clients.sync().session(node.forwardPort, until, true)), CLIENTS));
        fs.add(CompletableFuture.runAsync(() -> quietly(() -> clients.http().session(node, until, true)), CLIENTS));
        return fs;
    }

    /** An action whose failure a crash test expects (the node is killed under it). */
    interface IoAction {
        void run() throws Exception;
    }

    static void quietly(IoAction a) {
        try {
            a.run();
        } catch (Exception e) {
            // the server was killed under the client: what was not acked is resent later
        }
    }

    private static void awaitQuietly(List<CompletableFuture<Void>> fs) throws Exception {
        CompletableFuture.allOf(fs.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
    }

    /**
     * The archive's DuckDB recipe for outside readers (FORMAT.md, "Outside readers"): the lines of
     * the lane's symlink manifests, then read_parquet of that list, counted per client. The node
     * keeps compacting meanwhile: a count that hits a source deleted after its grace is run again.
     */
    private static void assertManifestsHoldExactlyOnce(Path archive, String lane, String client, long acked) throws Exception {
        String manifests = archive.toAbsolutePath() + "/_symlink_format_manifest/lane=" + lane + "/*/*/manifest";
        for (int attempt = 1; ; attempt++) {
            try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:duckdb:");
                    java.sql.Statement s = c.createStatement()) {
                s.execute("SET VARIABLE files = (SELECT list(f) FROM (SELECT unnest(string_split(rtrim(content, chr(10)), chr(10))) AS f"
                        + " FROM read_text('" + manifests + "')))");
                try (java.sql.ResultSet rs = s.executeQuery("SELECT count(*), count(DISTINCT CAST(attrs->>'seq' AS BIGINT))"
                        + " FROM read_parquet(getvariable('files'), hive_partitioning=false, union_by_name=true)"
                        + " WHERE attrs->>'client' = '" + client + "'")) {
                    rs.next();
                    assertThat(rs.getLong(1)).as(lane + " via manifests: no event counted twice").isEqualTo(rs.getLong(2));
                    assertThat(rs.getLong(1)).as(lane + " via manifests: every acknowledged event").isEqualTo(acked);
                    return;
                }
            } catch (java.sql.SQLException e) {
                if (attempt >= 10) {
                    throw e;
                }
            }
        }
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
