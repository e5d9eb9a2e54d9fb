package io.loglane.it;

import static io.loglane.it.CrashRecoveryIT.quietly;
import static org.assertj.core.api.Assertions.assertThat;

import io.loglane.bench.faults.ChildNode;
import io.loglane.bench.faults.AckingForwardClient;
import io.loglane.bench.faults.IdempotentHttpClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.loglane.stores.index.IndexFields;
import io.loglane.stores.index.IndexLayout;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.Weight;
import org.apache.lucene.search.Scorer;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.BytesRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The index store end to end in a child node (the bundled config: the error lane goes to the
 * index): an event sent over HTTP is in the committed index, and found by the search API before any
 * flush, within a bounded wait; and after
 * kill -9 at several points (mid-batch, mid-flush) and a restart, every acknowledged event of a
 * Forward client (chunk acks) and an HTTP client (idempotency keys) is in the index exactly once.
 * The test reads the day indices' last commits itself, from outside the node.
 */
class IndexCrashIT {
    private static final String OVERLAY = """
            index:
              refresh_interval: 200ms
              commit_interval: 300ms
            """;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Executor CLIENTS = Executors.newThreadPerTaskExecutor(Thread.ofPlatform().daemon().name("client-", 0).factory());

    private static Path overlay(Path dir) throws IOException {
        Path p = dir.resolve("index.yaml");
        Files.writeString(p, OVERLAY);
        return p;
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void anEventSentOverHttpIsInTheIndexWithinABoundedWait(@TempDir Path dir) throws Exception {
        try (ChildNode node = new ChildNode(dir.resolve("data"), List.of(overlay(dir)), dir.resolve("loglane.log"))) {
            node.start();
            HttpResponse<String> r = node.post("/api/v1/ingest/app.error",
                    "{\"log\":\"payment failed: E_CARD_DECLINED for order 4711\",\"host\":\"web-7\",\"order\":4711}\n", Map.of());
            assertThat(r.statusCode()).isEqualTo(202);
            Path root = dir.resolve("data").resolve("index");
            Query q = new BooleanQuery.Builder()
                    .add(new TermQuery(new Term(IndexFields.MESSAGE, "e_card_declined")), BooleanClause.Occur.FILTER)
                    .add(new TermQuery(new Term("host", "web-7")), BooleanClause.Occur.FILTER)
                    .add(LongPoint.newExactQuery(IndexFields.ATTRS_LONG + "order", 4711), BooleanClause.Occur.FILTER)
                    .build();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            int found = 0;
            while (found == 0 && System.nanoTime() < deadline) {
                found = count(root, "error", q);
                Thread.sleep(100);
            }
            assertThat(found).as("the committed index answers within 20 s (commit_interval 300ms); log: %s", node.tailOfLog()).isEqualTo(1);

            // The search API finds an event near-real-time, before any flush (refresh_interval 200ms).
            r = node.post("/api/v1/ingest/app.error", "{\"log\":\"second failure E_TIMEOUT_XY\"}\n", Map.of());
            assertThat(r.statusCode()).isEqualTo(202);
            String url = "/api/v1/search?lane=error&from=0&q=TIMEOUT_XY"; // a filter term: a case-sensitive substring
            JsonNode answer = null;
            deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (System.nanoTime() < deadline) {
                answer = JSON.readTree(node.get(url).body());
                if (answer.path("total").asLong() > 0) {
                    break;
                }
                Thread.sleep(50);
            }
            assertThat(answer.path("total").asLong()).as("found through the API: %s", answer).isEqualTo(1);
            assertThat(answer.get("hits").get(0).get("message").asText()).isEqualTo("second failure E_TIMEOUT_XY");
        }
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void everyAcknowledgedEventIsInTheIndexExactlyOnceAfterKill9(@TempDir Path dir) throws Exception {
        AckingForwardClient fwd = new AckingForwardClient("fwd-err", "crash.error", 50);
        IdempotentHttpClient http = new IdempotentHttpClient("http-err", "crash.error", 40);
        try (ChildNode node = new ChildNode(dir.resolve("data"), List.of(overlay(dir)), dir.resolve("loglane.log"))) {
            for (int round = 0; round < 3; round++) {
                List<CompletableFuture<Void>> load = start(node, fwd, http);
                Thread.sleep(700 + 300L * round);
                if (round == 1) {
                    CompletableFuture.runAsync(() -> quietly(node::flush), CLIENTS); // kill while commits run
                    Thread.sleep(30);
                }
                node.kill9();
                CompletableFuture.allOf(load.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
            }
            node.start();
            for (int i = 0; i < 5 && (fwd.hasUnacked() || http.hasPending()); i++) {
                fwd.session(node.forwardPort, System.nanoTime(), false);
                http.session(node, System.nanoTime(), false);
            }
            node.flush();
            assertThat(fwd.ackedEvents()).as("the Forward client got acks").isPositive();
            assertThat(http.ackedEvents()).as("the HTTP client got 202s").isPositive();
            Map<String, List<Long>> seqs = seqsByClient(dir.resolve("data").resolve("index"), "error");
            assertExactlyOnce("fwd-err", seqs.get("fwd-err"), fwd.ackedEvents());
            assertExactlyOnce("http-err", seqs.get("http-err"), http.ackedEvents());
            assertThat(node.fullLog()).as("restarted after each kill").contains("===== start 4 =====");
        }
    }

    private static void assertExactlyOnce(String client, List<Long> seqs, long acked) {
        assertThat(seqs).as(client + ": indexed").isNotNull();
        assertThat(seqs).as(client + ": no event indexed twice").doesNotHaveDuplicates();
        assertThat(seqs).as(client + ": every acknowledged event is indexed (all were acked by the end)").hasSize((int) acked);
        assertThat(seqs.stream().mapToLong(Long::longValue).max().orElse(-1)).isEqualTo(acked - 1);
    }

    private static List<CompletableFuture<Void>> start(ChildNode node, AckingForwardClient fwd, IdempotentHttpClient http) throws Exception {
        node.start();
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500);
        List<CompletableFuture<Void>> fs = new ArrayList<>();
        fs.add(CompletableFuture.runAsync(() -> quietly(() -> fwd.session(node.forwardPort, until, true)), CLIENTS));
        fs.add(CompletableFuture.runAsync(() -> quietly(() -> http.session(node, until, true)), CLIENTS));
        return fs;
    }

    /** Live documents of every day of {@code lane} matching {@code q}, in the last commits. */
    private static int count(Path root, String lane, Query q) throws IOException {
        int n = 0;
        IndexLayout layout = new IndexLayout(root);
        for (LocalDate day : layout.days(lane)) {
            try (FSDirectory d = FSDirectory.open(layout.dayDir(lane, day))) {
                if (DirectoryReader.indexExists(d)) {
                    try (DirectoryReader r = DirectoryReader.open(d)) {
                        n += new IndexSearcher(r).count(q);
                    }
                }
            }
        }
        return n;
    }

    /** The {@code seq} attr of every live document of {@code lane}, by its {@code client} attr. */
    private static Map<String, List<Long>> seqsByClient(Path root, String lane) throws IOException {
        Map<String, List<Long>> out = new HashMap<>();
        IndexLayout layout = new IndexLayout(root);
        for (LocalDate day : layout.days(lane)) {
            try (FSDirectory d = FSDirectory.open(layout.dayDir(lane, day)); DirectoryReader r = DirectoryReader.open(d)) {
                for (String client : List.of("fwd-err", "http-err")) {
                    Weight w = new IndexSearcher(r).createWeight(
                            new TermQuery(new Term(IndexFields.ATTRS_KEYWORD + "client", new BytesRef(client))), ScoreMode.COMPLETE_NO_SCORES, 1);
                    for (LeafReaderContext leaf : r.leaves()) {
                        Scorer s = w.scorer(leaf);
                        NumericDocValues seq = leaf.reader().getNumericDocValues(IndexFields.ATTRS_LONG + "seq");
                        if (s == null) {
                            continue;
                        }
                        DocIdSetIterator it = s.iterator();
                        for (int doc = it.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = it.nextDoc()) {
                            if (leaf.reader().getLiveDocs() != null && !leaf.reader().getLiveDocs().get(doc)) {
                                continue;
                            }
                            assertThat(seq.advanceExact(doc)).isTrue();
                            out.computeIfAbsent(client, k -> new ArrayList<>()).add(seq.longValue());
                        }
                    }
                }
            }
        }
        return out;
    }
}
