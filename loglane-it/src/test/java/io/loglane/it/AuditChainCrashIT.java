package io.loglane.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.loglane.bench.faults.ChildNode;
import io.loglane.bench.faults.AckingForwardClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 during audit ingest does not fork the audit hash chain: a Forward client with chunk acks
 * sends to the {@code audit} lane ({@code sync}, {@code audit_chain: true} in the bundled config)
 * while the node is killed mid-batch three times and once right after a flush request; after the
 * last restart (unacknowledged chunks resent) and a clean stop, {@code ./loglane verify-audit} on
 * the data directory says intact, from the chain's first record (no predecessor missing), with
 * exactly the archived rows, every acknowledged event among them.
 */
class AuditChainCrashIT {
    private static final String OVERLAY = """
            archive:
              flush_rows: 200
              flush_age: 300ms
            """;
    private static final Executor CLIENTS = Executors.newThreadPerTaskExecutor(Thread.ofPlatform().daemon().name("audit-client-", 0).factory());

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void verifyAuditSaysIntactAfterKill9DuringAuditIngest(@TempDir Path dir) throws Exception {
        Path overlay = dir.resolve("audit.yaml");
        Files.writeString(overlay, OVERLAY);
        AckingForwardClient client = new AckingForwardClient("fwd-audit", "bank-1.audit", 25);
        long rows;
        try (ChildNode node = new ChildNode(dir.resolve("data"), List.of(overlay), dir.resolve("loglane.log"))) {
            for (int round = 0; round < 4; round++) {
                node.start();
                long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2000);
                CompletableFuture<Void> load = CompletableFuture.runAsync(
                        () -> CrashRecoveryIT.quietly(() -> client.session(node.forwardPort, until, true)), CLIENTS);
                Thread.sleep(900);
                if (round == 2) {
                    CompletableFuture.runAsync(() -> CrashRecoveryIT.quietly(node::flush), CLIENTS);
                    Thread.sleep(40);
                }
                node.kill9();
                load.get(120, TimeUnit.SECONDS);
            }
            node.start();
            for (int i = 0; i < 5 && client.hasUnacked(); i++) {
                client.session(node.forwardPort, System.nanoTime(), false);
            }
            assertThat(client.hasUnacked()).as("every chunk acknowledged in the end").isFalse();
            node.flush();
            assertThat(client.ackedEvents()).isPositive();
            rows = node.sql("SELECT count(*) FROM audit").get("rows").get(0).get(0).asLong();
            long mine = node.sql("SELECT count(DISTINCT attrs->>'seq') FROM audit WHERE attrs->>'client' = 'fwd-audit'")
                    .get("rows").get(0).get(0).asLong();
            assertThat(mine).as("every acknowledged event archived").isEqualTo(client.ackedEvents());
            assertThat(node.fullLog()).contains("audit chain continues after offset");
            node.stop();
        }
        ChildNode.CliRun v = ChildNode.run(dir, Duration.ofMinutes(2), "verify-audit", "--config", overlay.toString(),
                "--data", dir.resolve("data").toString());
        assertThat(v.exitCode()).as(v.out() + v.err()).isZero();
        assertThat(v.out()).contains("intact: " + rows + " records, offsets 0..");
        assertThat(v.out()).as("the chain starts at the genesis: nothing before it is missing").doesNotContain("chains from one no longer archived");
    }
}
