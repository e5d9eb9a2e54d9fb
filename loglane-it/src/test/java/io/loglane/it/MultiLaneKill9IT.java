package io.loglane.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.loglane.bench.faults.ChildNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP requests that each span three lanes (an access line to {@code access}, a disk lane; an
 * audit record to {@code audit}, a sync lane; a plain line to {@code default}) sent without pause
 * by several clients while the child is killed with SIGKILL, until a kill has fallen between a
 * request's parts at least once: the restarted child's request journal then reports a part
 * "stored now" (its lane lacked it). Requests in flight at a kill are not resent. Then every
 * request found in the archive is whole (one event in each of its three lanes, none twice), and
 * every acknowledged request is there.
 */
class MultiLaneKill9IT {
    private static final int CLIENTS = 3;
    private static final int MAX_KILLS = 12;
    private static final Pattern REAPPLIED = Pattern.compile("request journal: re-appended \\d+ part\\(s\\) of \\d+ multi-lane "
            + "request\\(s\\) an earlier run did not finish: (\\d+) stored now");
    private static final java.util.concurrent.atomic.AtomicReference<String> LAST_REFUSAL = new java.util.concurrent.atomic.AtomicReference<>();
    private static final Executor THREADS = Executors.newThreadPerTaskExecutor(Thread.ofPlatform().daemon().name("mlk-", 0).factory());

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void noRequestIsStoredInPartAndEveryAcknowledgedOneIsWholeAfterKill9BetweenItsParts(@TempDir Path dir) throws Exception {
        Path overlay = dir.resolve("multilane.yaml");
        Files.writeString(overlay, """
                archive:
                  flush_age: 300ms
                query:
                  max_rows: 2000000
                """);
        Set<Long> acked = ConcurrentHashMap.newKeySet();
        AtomicLong next = new AtomicLong();
        try (ChildNode node = new ChildNode(dir.resolve("data"), List.of(overlay), dir.resolve("loglane.log"))) {
            int kills = 0;
            long storedNow = 0;
            // Until a kill fell between a request's parts and some requests were acknowledged (on a
            // loaded machine the first round may end before any answer); the node is running after.
            while (true) {
                node.start();
                storedNow = reappliedStoredNow(node.fullLog());
                if (storedNow > 0 && !acked.isEmpty() || kills == MAX_KILLS) {
                    break;
                }
                AtomicBoolean sending = new AtomicBoolean(true);
                List<CompletableFuture<Void>> clients = new ArrayList<>();
                for (int c = 0; c < CLIENTS; c++) {
                    clients.add(CompletableFuture.runAsync(() -> send(node, next, acked, sending), THREADS));
                }
                Thread.sleep(1000 + 37L * kills);
                node.kill9();
                sending.set(false);
                for (CompletableFuture<Void> c : clients) {
                    c.get(30, TimeUnit.SECONDS);
                }
                kills++;
            }
            assertThat(storedNow).as("after %d kills, one fell between a request's parts (log: %s)", kills, node.tailOfLog()).isPositive();
            assertThat(acked).as("requests were acknowledged (last refusal: %s)", LAST_REFUSAL.get()).isNotEmpty();
            node.flush();

            JsonNode rows = node.sql("SELECT TRY_CAST(regexp_extract(message, 'req=([0-9]+)', 1) AS BIGINT) AS r, count(*) AS n,"
                    + " count(DISTINCT lane) AS lanes, string_agg(DISTINCT lane, ',' ORDER BY lane) AS which"
                    + " FROM logs WHERE message LIKE '%req=%' GROUP BY r ORDER BY r").get("rows");
            Map<Long, String> partial = new HashMap<>();
            Set<Long> stored = new java.util.HashSet<>();
            for (JsonNode row : rows) {
                long r = row.get(0).asLong();
                stored.add(r);
                if (row.get(1).asLong() != 3 || row.get(2).asLong() != 3) {
                    partial.put(r, row.get(1).asLong() + " event(s) in " + row.get(3).asText());
                }
            }
            System.out.printf("MultiLaneKill9IT: %d kill(s), %d part(s) stored by the journal's recovery, %d request(s) acknowledged,"
                    + " %d stored, of %d sent%n", kills, storedNow, acked.size(), stored.size(), next.get());
            assertThat(partial).as("requests stored in part or twice").isEmpty();
            assertThat(stored).as("every acknowledged request is stored (whole, per the check above)").containsAll(acked);
            assertThat(node.fullLog()).contains("===== start " + (kills + 1) + " =====");
        }
    }

    /** The "stored now" count of the latest journal recovery line in the log, 0 when there is none. */
    private static long reappliedStoredNow(String log) {
        Matcher m = REAPPLIED.matcher(log);
        long last = 0;
        while (m.find()) {
            last = Math.max(last, Long.parseLong(m.group(1)));
        }
        return last;
    }

    /** Sends three-lane requests until told to stop or the child dies; never resends one. */
    private static void send(ChildNode node, AtomicLong next, Set<Long> acked, AtomicBoolean sending) {
        while (sending.get()) {
            long r = next.getAndIncrement();
            String body = "{\"message\":\"203.0.113.9 - - [05/Dec/2026:10:00:00 +0000] \\\"GET /items/req=" + r
                    + " HTTP/1.1\\\" 200 12 \\\"-\\\" \\\"curl/8\\\"\"}\n"
                    + "{\"log_type\":\"audit\",\"message\":\"granted role admin req=" + r + "\"}\n"
                    + "{\"message\":\"cache warmed req=" + r + "\"}\n";
            try {
                HttpResponse<String> resp = node.post("/api/v1/ingest/app", body, Map.of("Idempotency-Key", "mlk-" + r));
                if (resp.statusCode() == 202) {
                    acked.add(r);
                } else {
                    LAST_REFUSAL.set(resp.statusCode() + " " + resp.body());
                }
            } catch (Exception e) {
                LAST_REFUSAL.compareAndSet(null, e.toString());
                return; // the child was killed
            }
        }
    }
}
