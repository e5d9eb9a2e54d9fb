package io.loglane.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.loglane.bench.faults.ChildNode;
import io.loglane.bench.faults.AckingForwardClient;
import io.loglane.bench.faults.IdempotentHttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The process lifecycle as an operator drives it: SIGTERM stops the inputs, drains delivery and
 * flushes the archive without any {@code POST /api/v1/flush}, so every acknowledged event is
 * queryable exactly once by {@code ./loglane sql --data DIR} with the node gone; and a config error
 * stops {@code up} and {@code check-config} with exit code 2 and a message naming file, line and key.
 */
class GracefulShutdownIT {
    /** {@code up} handles SIGTERM itself and exits 0 after a complete drain (not the JVM's 128 + 15). */
    private static final int SIGTERM_EXIT = 0;

    /** The archive would flush only after an hour: anything queryable after SIGTERM was flushed by the shutdown. */
    private static final String OVERLAY = """
            archive:
              flush_age: 1h
            """;

    @Test
    void sigtermFlushesEveryAcknowledgedEventIntoTheArchiveExactlyOnce(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        ChildNode node = Nodes.startWithOverlay(dir, OVERLAY);
        AckingForwardClient disk = new AckingForwardClient("term-disk", "term.activity", 25);
        AckingForwardClient sync = new AckingForwardClient("term-sync", "term.audit", 10);
        IdempotentHttpClient memory = new IdempotentHttpClient("term-mem", "term.trace", 20);
        try {
            disk.session(node.forwardPort, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(400), true);
            sync.session(node.forwardPort, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(400), true);
            memory.session(node, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(400), true);
            assertThat(node.sql("SELECT count(*) FROM logs WHERE tag LIKE 'term.%'").get("rows").get(0).get(0).asLong())
                    .as("nothing is in the archive yet").isZero();
            assertThat(Files.readString(data.resolve("loglane.server.json")))
                    .as("the running server is recorded for the other commands")
                    .contains("\"url\":\"http://127.0.0.1:" + node.httpPort + "\"", "\"forwardPort\":" + node.forwardPort);

            int exit = node.sigterm(Duration.ofSeconds(90));
            assertThat(exit).as("exit status after a graceful SIGTERM\n" + node.tailOfLog()).isEqualTo(SIGTERM_EXIT);
        } finally {
            Nodes.stop(node);
        }
        String log = node.fullLog();
        assertThat(log).contains("loglane: shutting down", "loglane: stopped").doesNotContain("did not drain");
        assertThat(log.lines().filter(l -> l.contains("loglane: stopped")).findFirst().orElseThrow())
                .as("log lines carry a timestamp").matches("^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}.*");
        assertThat(data.resolve("loglane.server.json")).as("a clean stop removes its server record").doesNotExist();

        assertThat(disk.ackedEvents()).isPositive();
        assertThat(sync.ackedEvents()).isPositive();
        assertThat(memory.ackedEvents()).isPositive();
        assertExactlyOnce(dir, data, "activity", "term-disk", disk.ackedEvents());
        assertExactlyOnce(dir, data, "audit", "term-sync", sync.ackedEvents());
        assertExactlyOnce(dir, data, "trace", "term-mem", memory.ackedEvents());
    }

    /** Every seq 0..acked-1 of the client, once, by {@code ./loglane sql --data DIR} (no server running). */
    private static void assertExactlyOnce(Path dir, Path data, String lane, String client, long acked) throws Exception {
        ChildNode.CliRun r = ChildNode.run(dir, Duration.ofSeconds(120), "sql", "--data", data.toString(), "--format", "csv",
                "SELECT count(*), count(DISTINCT CAST(attrs->>'seq' AS BIGINT)), min(CAST(attrs->>'seq' AS BIGINT)), "
                        + "max(CAST(attrs->>'seq' AS BIGINT)) FROM \"" + lane + "\" WHERE attrs->>'client' = '" + client + "'");
        assertThat(r.exitCode()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines).as(r.out()).hasSize(2);
        assertThat(lines.get(1)).as(lane + ": count, distinct, min and max seq of " + client)
                .isEqualTo(acked + "," + acked + ",0," + (acked - 1));
    }

    @Test
    void aConfigErrorStopsUpAndCheckConfigWithExitCode2NamingFileLineAndKey(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, """
                lanes:
                  web-logs:
                    durability: disk
                """);
        String expected = bad + ":2: lanes.web-logs: bad lane name \"web-logs\"";

        ChildNode.CliRun up = ChildNode.run(dir, Duration.ofSeconds(60), "up", "--config", bad.toString(),
                "--data", dir.resolve("data").toString(), "--http-port", "0", "--forward-port", "0");
        assertThat(up.exitCode()).as(up.err()).isEqualTo(2);
        assertThat(up.err()).contains("config error: " + expected);
        assertThat(dir.resolve("data")).as("nothing was started").doesNotExist();

        ChildNode.CliRun check = ChildNode.run(dir, Duration.ofSeconds(60), "check-config", bad.toString());
        assertThat(check.exitCode()).as(check.err()).isEqualTo(2);
        assertThat(check.err()).contains(expected, "1 error(s)");
    }
}
