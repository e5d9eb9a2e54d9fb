package io.loglane.inputs.http;

import static io.loglane.inputs.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.Javalin;
import io.loglane.core.ingest.Ingest;
import io.loglane.core.ingest.IngestRequest;
import io.loglane.core.ingest.IngestResult;
import io.loglane.core.ingest.SourceLedger;
import io.loglane.core.lifecycle.InputContext;
import io.loglane.core.telemetry.MetricNames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The http input's lifecycle on a real Javalin server on 127.0.0.1, as the app wires it. */
@Timeout(60)
class HttpInputTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<IngestRequest> submitted = new CopyOnWriteArrayList<>();
    private volatile Function<IngestRequest, CompletableFuture<IngestResult>> answer =
            r -> CompletableFuture.completedFuture(new IngestResult(r.records().count(), 0));
    private final Ingest ingest = new Ingest() {
        private final SourceLedger sources = new SourceLedger(registry, 100);

        @Override
        public CompletableFuture<IngestResult> submit(IngestRequest request) {
            submitted.add(request);
            return answer.apply(request);
        }

        @Override
        public SourceLedger sources() {
            if (ledgerBroken) {
                throw new IllegalStateException("ledger broken");
            }
            return sources;
        }
    };
    private volatile boolean ledgerBroken;
    private final HttpClient client = HttpClient.newHttpClient();
    private HttpInput input;
    private Javalin server;

    @BeforeEach
    void start() {
        input = new HttpInput(new io.loglane.core.config.InputSpec("http", "web", "127.0.0.1", 0, java.util.Map.of(), null), "127.0.0.1:0", new InputContext(ingest, registry, Clock.systemUTC(), null));
        input.start();
        server = Javalin.create(cfg -> cfg.showJavalinBanner = false)
                .post("/api/v1/ingest/{tag}", input.handler(1 << 20))
                .start("127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        input.close();
        server.stop();
    }

    private CompletableFuture<HttpResponse<String>> post(String tag) {
        return client.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/v1/ingest/" + tag))
                .POST(HttpRequest.BodyPublishers.ofString("{\"log\":\"hi\"}\n")).build(), HttpResponse.BodyHandlers.ofString());
    }

    private double failed(String reason) {
        var c = registry.find(MetricNames.REQUESTS_FAILED).tags(MetricNames.INPUT, "web", MetricNames.REASON, reason).counter();
        return c == null ? -1 : c.count();
    }

    @Test
    void whilePausedARequestIsAnswered503WithRetryAfterAndNeverReachesTheRouter() throws Exception {
        assertThat(post("app").get().statusCode()).isEqualTo(202);
        input.pause();
        assertThat(input.paused()).isTrue();
        HttpResponse<String> refused = post("app").get();
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(refused.body()).contains("\"reason\":\"paused\"", "is paused");
        assertThat(submitted).hasSize(1);
        assertThat(failed("paused")).isEqualTo(1);

        input.resume();
        assertThat(post("app").get().statusCode()).isEqualTo(202);
        assertThat(submitted).hasSize(2);
    }

    @Test
    void drainWaitsForRequestsTheRouterHoldsAndRefusesNewOnes() throws Exception {
        CompletableFuture<IngestResult> held = new CompletableFuture<>();
        answer = r -> held;
        CompletableFuture<HttpResponse<String>> taken = post("app");
        await(() -> submitted.size() == 1, "the request to reach the router");

        // its own thread: a blocked worker of the common pool (parallelism 1 on two cores) would stall the HTTP client
        CompletableFuture<Boolean> drained = new CompletableFuture<>();
        Thread.ofPlatform().start(() -> {
            try {
                drained.complete(input.drain(Duration.ofSeconds(30)));
            } catch (Throwable e) {
                drained.completeExceptionally(e);
            }
        });
        await(input::paused, "the drain to begin");
        HttpResponse<String> late = post("app").get();
        assertThat(late.statusCode()).isEqualTo(503);
        assertThat(late.body()).contains("\"reason\":\"paused\"", "is shutting down");
        input.resume();
        assertThat(input.paused()).as("resume() does not undo a drain").isTrue();
        assertThat(drained).as("the taken request is not answered yet").isNotDone();
        assertThat(taken).isNotDone();

        held.complete(new IngestResult(1, 0));
        assertThat(taken.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(202);
        assertThat(drained.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(submitted).hasSize(1);
    }

    @Test
    void drainEndsAtItsTimeoutWhenTheRouterNeverAnswers() throws Exception {
        answer = r -> new CompletableFuture<>();
        post("app");
        await(() -> submitted.size() == 1, "the request to reach the router");
        assertThat(input.drain(Duration.ofMillis(50))).isFalse();
    }

    @Test
    void aRouterThatThrowsStillAnswersTheRequestSoDrainDoesNotWaitForIt() throws Exception {
        answer = r -> {
            throw new IllegalStateException("router bug");
        };
        HttpResponse<String> r = post("app").get();
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(failed(HttpIngestMetrics.INTERNAL_ERROR)).isEqualTo(1);
        assertThat(input.drain(Duration.ofSeconds(5))).as("nothing left in flight").isTrue();
    }

    @Test
    void aRequestThatFailsAfterBeingTakenButBeforeTheRouterDoesNotHoldUpTheDrain() throws Exception {
        ledgerBroken = true;
        assertThat(post("app").get().statusCode()).isEqualTo(500);
        assertThat(submitted).isEmpty();
        assertThat(input.drain(Duration.ofMillis(50))).as("nothing left in flight").isTrue();
    }
}
