package io.loglane.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.loglane.bench.faults.ChildNode;
import io.loglane.bench.faults.IdempotentHttpClient;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code memory} lane (trace) across process restarts, graceful and kill -9: events the archive
 * was delivered before a restart (a flush completed) stay queryable, exactly once, through any
 * number of restarts. A memory lane may lose only what was buffered and undelivered at a crash;
 * here every session ends with a flush, so nothing acknowledged may be missing.
 *
 * <p>Before memory lanes persisted their offset reservation, each start began again at offset 0:
 * the archive's recovery deleted every file of the lane, and new files reused the old names.
 */
class MemoryLaneRestartIT {
    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void deliveredEventsOfAMemoryLaneSurviveSigtermAndKill9(@TempDir Path dir) throws Exception {
        IdempotentHttpClient trace = new IdempotentHttpClient("mem-restart", "restart.trace", 20);
        ChildNode node = Nodes.startWithOverlay(dir, Nodes.FLUSH_ON_REQUEST);
        try {
            session(node, trace);
            assertThat(node.sigterm(Duration.ofSeconds(90))).as(node.tailOfLog()).as("a graceful SIGTERM exits 0").isZero();

            node.start();
            assertExactlyOnce(node, trace.ackedEvents()); // the graceful restart kept what it delivered
            session(node, trace);
            node.kill9();

            node.start();
            assertExactlyOnce(node, trace.ackedEvents()); // so did the crash
            session(node, trace);
            node.kill9();

            node.start();
            assertExactlyOnce(node, trace.ackedEvents());
        } finally {
            Nodes.stop(node);
        }
        assertThat(node.fullLog()).contains("===== start 4 =====");
    }

    /** Sends for 300 ms, then flushes: everything acknowledged is delivered to the archive. */
    private static void session(ChildNode node, IdempotentHttpClient client) throws Exception {
        long before = client.ackedEvents();
        client.session(node, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300), true);
        assertThat(client.ackedEvents()).as("this session got 202s").isGreaterThan(before);
        node.flush();
        assertExactlyOnce(node, client.ackedEvents());
    }

    /** Every seq 0..acked-1 of the client is in the trace lane exactly once. */
    private static void assertExactlyOnce(ChildNode node, long acked) throws Exception {
        JsonNode r = node.sql("SELECT count(*), count(DISTINCT CAST(attrs->>'seq' AS BIGINT)), min(CAST(attrs->>'seq' AS BIGINT)), "
                + "max(CAST(attrs->>'seq' AS BIGINT)) FROM trace WHERE attrs->>'client' = 'mem-restart'");
        JsonNode row = r.get("rows").get(0);
        assertThat(row.get(0).asLong()).as("trace: every acknowledged event (%d)", acked).isEqualTo(acked);
        assertThat(row.get(1).asLong()).as("trace: no event twice").isEqualTo(acked);
        assertThat(row.get(2).asLong()).isZero();
        assertThat(row.get(3).asLong()).isEqualTo(acked - 1);
    }
}
