package io.loglane.inputs.forward;

import io.loglane.core.ingest.IngestRejectedException;
import io.loglane.core.ingest.IngestRequest;
import io.loglane.core.ingest.IngestResult;
import io.loglane.core.ingest.SourceStatus;
import io.loglane.core.telemetry.MetricNames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static io.loglane.inputs.Await.await;
import static io.loglane.inputs.forward.Events.ev;
import static io.loglane.inputs.forward.ForwardDecoderTest.REC_A;
import static io.loglane.inputs.forward.ForwardDecoderTest.REC_B;
import static io.loglane.inputs.forward.ForwardDecoderTest.T;
import static io.loglane.inputs.forward.Frames.frame;
import static org.assertj.core.api.Assertions.assertThat;

/** A real ForwardInput on 127.0.0.1 driven by raw sockets. */
class ForwardInputTest {
    static final Duration NO_ACK_WINDOW = Duration.ofMillis(200);
    /** The schema's defaults (timeouts among them), with small limits. */
    static final ForwardConfig DEFAULTS = ForwardConfig.of("fwd", "127.0.0.1", 0);
    static final ForwardConfig CONFIG = new ForwardConfig("fwd", "127.0.0.1", 0, 4096, 8192, 4, 1L << 20, Duration.ofSeconds(5), 2,
            DEFAULTS.idleTimeout(), DEFAULTS.frameTimeout(), ForwardSecurity.NONE);

    SimpleMeterRegistry registry;
    RecordingIngest ingest;
    ForwardInput input;

    @BeforeEach
    void start() throws Exception {
        registry = new SimpleMeterRegistry();
        ingest = new RecordingIngest();
        input = new ForwardInput(CONFIG,
                ingest, registry, Clock.systemUTC());
        input.start();
    }

    @AfterEach
    void stop() throws Exception {
        input.close();
    }

    static byte[] good(String chunk) {
        return frame().array(3).str("app").array(1).array(2).eventTime(T, 7).record("a", 1)
                .map(1).str("chunk").str(chunk).build();
    }

    double protocolErrors(String reason) {
        var c = registry.find(MetricNames.PROTOCOL_ERRORS).tags(MetricNames.INPUT, "fwd", MetricNames.REASON, reason).counter();
        return c == null ? 0 : c.count();
    }

    /** The ledger entry of tag {@code tag} from this host. */
    SourceStatus source(String tag) {
        return ingest.sources.statuses().stream().filter(s -> s.tag().equals(tag)).findFirst().orElseThrow();
    }

    @Test
    void bindsLoopbackOnAnEphemeralPortAndAcksAChunk() throws Exception {
        assertThat(input.boundPort()).isPositive();
        try (ForwardClient c = new ForwardClient(input.boundPort())) {
            c.send(good("c1"));
            assertThat(c.readAck()).isEqualTo("c1");
        }
        IngestRequest r = ingest.requests.get(0);
        assertThat(r.tag()).isEqualTo("app");
        assertThat(r.chunkId()).as("the dedup id, in the forward namespace (the ack echoes c1)").isEqualTo("forward:c1");
        assertThat(r.source().input()).isEqualTo("fwd");
        assertThat(r.source().peer()).as("the host, not host:port").isEqualTo("127.0.0.1");
        assertThat(r.sourcePosition()).as("a Forward connection has no source position").isNull();
        assertThat(Events.of(r.records())).containsExactly(ev(T, 7, REC_A));
        assertThat(registry.get(MetricNames.EVENTS_RECEIVED).counter().count()).isEqualTo(1);
        assertThat(registry.get(MetricNames.BYTES_RECEIVED).counter().count()).isEqualTo(good("c1").length);
    }

    @Test
    void noChunkMeansNoReply() throws Exception {
        try (ForwardClient c = new ForwardClient(input.boundPort())) {
            c.send(frame().array(3).str("t").integer(T).record("a", 1).build());
            await(() -> ingest.requests.size() == 1, "the request");
            assertThat(c.silentFor(NO_ACK_WINDOW)).isTrue();
        }
    }

    static Stream<Arguments> badInputs() {
        byte[] entry = frame().array(2).integer(T).record("a", 1).build();
        Frames huge = frame().array(2).str("t").array(200);
        for (int i = 0; i < 200; i++) {
            huge.array(2).integer(T).record("0123456789", i);
        }
        return Stream.of(
                Arguments.of("garbage", new byte[] {'G', 'E', 'T', ' ', '/', '\r', '\n'}),
                Arguments.of("garbage", frame().array(1).str("t").build()),
                Arguments.of("frame_too_large", huge.build()),
                Arguments.of("frame_too_large", frame().array(2).str("t").raw(0xc6, 0, 1, 0, 0).build()),
                Arguments.of("bad_gzip", frame().array(3).str("t").bin(entry).map(1).str("compressed").str("gzip").build()),
                Arguments.of("bad_tag", frame().array(3).integer(1).integer(T).record("a", 1).build()),
                Arguments.of("unknown_mode", frame().array(3).str("t").bool(true).record("a", 1).build()),
                Arguments.of("bad_options", frame().array(3).str("t").array(0).array(0).build()),
                Arguments.of("bad_packed", frame().array(2).str("t").bin(new byte[] {(byte) 0x92, 1}).build()),
                Arguments.of("non_log_signal", frame().array(3).str("t").array(1).bytes(entry)
                        .map(2).str("chunk").str("x").str("fluent_signal").integer(2).build()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInputs")
    void badInputClosesOnlyThatConnectionAndIsCounted(String reason, byte[] bytes) throws Exception {
        try (ForwardClient bad = new ForwardClient(input.boundPort());
             ForwardClient other = new ForwardClient(input.boundPort())) {
            bad.send(bytes);
            assertThat(bad.closedByServer()).isTrue();
            assertThat(protocolErrors(reason)).isEqualTo(1);
            other.send(good("still-ok"));
            assertThat(other.readAck()).isEqualTo("still-ok");
        }
        try (ForwardClient again = new ForwardClient(input.boundPort())) {
            again.send(good("new-connection"));
            assertThat(again.readAck()).isEqualTo("new-connection");
        }
        assertThat(ingest.requests).extracting(IngestRequest::chunkId).containsExactly("forward:still-ok", "forward:new-connection");
    }

    @Test
    void connectionClosedMidFrameIsCountedAsTruncated() throws Exception {
        byte[] f = good("x");
        try (ForwardClient c = new ForwardClient(input.boundPort())) {
            c.send(java.util.Arrays.copyOf(f, f.length - 3));
        }
        await(() -> protocolErrors("truncated") == 1, "truncated counted");
        assertThat(ingest.requests).isEmpty();
    }

    @Test
    void badEntriesAreRejectedAndCountedWhileTheFrameAndConnectionProceed() throws Exception {
        byte[] f = frame().array(3).str("t").array(3)
                .array(2).str("noon").record("x", 0)
                .array(2).integer(T).integer(5)
                .array(2).integer(T).record("b", 2)
                .map(1).str("chunk").str("mixed").build();
        try (ForwardClient c = new ForwardClient(input.boundPort())) {
            c.send(f);
            assertThat(c.readAck()).isEqualTo("mixed");
            c.send(good("next"));
            assertThat(c.readAck()).isEqualTo("next");
        }
        assertThat(ingest.events().get(0)).isEqualTo(ev(T, 0, REC_B));
        assertThat(protocolErrors("bad_entry")).isEqualTo(2);
        assertThat(registry.get(MetricNames.EVENTS_REJECTED).tags(MetricNames.REASON, "invalid").counter().count()).isEqualTo(2);
        assertThat(registry.get(MetricNames.BYTES_REJECTED).tags(MetricNames.INPUT, "fwd", MetricNames.LANE, "none",
                MetricNames.REASON, "invalid").counter().count())
                .as("the two bad entries' bytes")
                .isEqualTo(frame().array(2).str("noon").record("x", 0).array(2).integer(T).integer(5).build().length);
        assertThat(registry.get(MetricNames.EVENTS_RECEIVED).counter().count()).isEqualTo(4);
        SourceStatus t = source("t");
        assertThat(List.of(t.input(), t.peer(), t.received(), t.accepted(), t.rejected())).containsExactly(
                "fwd", "127.0.0.1", 3L, 1L, java.util.Map.of("invalid", 2L));
        assertThat(List.of(source("app").received(), source("app").accepted())).containsExactly(1L, 1L);
    }

    @Test
    void acksWaitForTheIngestFutureAndLeaveInRequestOrder() throws Exception {
        List<CompletableFuture<IngestResult>> futures = new ArrayList<>();
        ingest.behaviour = r -> {
            CompletableFuture<IngestResult> f = new CompletableFuture<>();
            synchronized (futures) {
                futures.add(f);
            }
            return f;
        };
        try (ForwardClient c = new ForwardClient(input.boundPort())) {
            c.send(good("c1")).send(good("c2")).send(good("c3"));
            await(() -> ingest.requests.size() == 3, "three requests");
            assertThat(c.silentFor(NO_ACK_WINDOW)).as("no ack before durability").isTrue();
            futures.get(2).complete(new IngestResult(1, 0));
            futures.get(1).complete(new IngestResult(1, 0));
            assertThat(c.silentFor(NO_ACK_WINDOW)).as("c2 and c3 wait for c1").isTrue();
            futures.get(0).complete(new IngestResult(1, 0));
            assertThat(List.of(c.readAck(), c.readAck(), c.readAck())).containsExactly("c1", "c2", "c3");
        }
    }

    double closedBy(String reason) {
        var c = registry.find(ForwardMetrics.CONNECTIONS_CLOSED).tags(MetricNames.INPUT, "fwd", MetricNames.REASON, reason).counter();
        return c == null ? 0 : c.count();
    }

    /**
     * The peer waits for this chunk's ack before it sends on, and the protocol has no negative ack:
     * closing is what makes it resend now (Fluent Bit: "cannot get ack", then its retry schedule)
     * instead of after its own read timeout, which Fluent Bit does not even set by default.
     */
    @Test
    void aRateLimitedFrameWithAChunkGetsNoAckAndItsConnectionIsClosedAfterTheAcksBeforeIt() throws Exception {
        CompletableFuture<IngestResult> first = new CompletableFuture<>();
        ingest.behaviour = r -> switch (r.chunkId()) {
            case "forward:first" -> first;
            case "forward:limited" -> CompletableFuture.failedFuture(
                    new IngestRejectedException(IngestRejectedException.Reason.RATE_LIMITED, "over rate"));
            default -> CompletableFuture.completedFuture(new IngestResult(1, 0));
        };
        try (ForwardClient c = new ForwardClient(input.boundPort())) {
            c.send(good("first")).send(good("limited"));
            await(() -> ingest.requests.size() == 2, "both requests");
            first.complete(new IngestResult(1, 0));
            assertThat(c.readAck()).isEqualTo("first");
            assertThat(c.closedByServer()).as("no ack for the limited chunk: the connection closes").isTrue();
        }
        assertThat(registry.get(MetricNames.REQUESTS_FAILED).tags(MetricNames.REASON, "rate_limited").counter().count()).isEqualTo(1);
        assertThat(closedBy("rate_limited")).isEqualTo(1);
        assertThat(source("app").rejected()).as("the ledger counts the refused frame's event").containsExactly(java.util.Map.entry("rate_limited", 1L));
        assertThat(List.of(source("app").received(), source("app").accepted(), source("app").pending())).containsExactly(2L, 1L, 0L);
    }

    @Test
    void aRateLimitedFrameWithoutAChunkGetsNoReplyAndTheConnectionStays() throws Exception {
        ingest.behaviour = r -> r.chunkId() == null
                ? CompletableFuture.failedFuture(new IngestRejectedException(IngestRejectedException.Reason.RATE_LIMITED, "over rate"))
                : CompletableFuture.completedFuture(new IngestResult(1, 0));
        try (ForwardClient c = new ForwardClient(input.boundPort())) {
            c.send(frame().array(3).str("t").integer(T).record("a", 1).build()).send(good("fine"));
            assertThat(c.readAck()).as("the peer asked for no ack: nothing to close for").isEqualTo("fine");
        }
        assertThat(registry.get(MetricNames.REQUESTS_FAILED).tags(MetricNames.REASON, "rate_limited").counter().count()).isEqualTo(1);
        assertThat(closedBy("rate_limited")).isZero();
    }

    @Test
    void storageErrorClosesTheConnectionWithoutAck() throws Exception {
        ingest.behaviour = r -> CompletableFuture.failedFuture(
                new IngestRejectedException(IngestRejectedException.Reason.STORAGE_ERROR, "disk gone"));
        try (ForwardClient c = new ForwardClient(input.boundPort())) {
            c.send(good("lost"));
            assertThat(c.closedByServer()).isTrue();
        }
        assertThat(closedBy("storage_error")).isEqualTo(1);
    }

    @Test
    void aFullDiskPausesReadingAndRetriesUntilSpaceReturnsInsteadOfClosing() throws Exception {
        AtomicInteger rejectionsLeft = new AtomicInteger(3);
        ingest.behaviour = r -> rejectionsLeft.getAndDecrement() > 0
                ? CompletableFuture.failedFuture(new IngestRejectedException(IngestRejectedException.Reason.DISK_FULL, "No space left on device"))
                : CompletableFuture.completedFuture(new IngestResult(1, 0));
        try (ForwardClient c = new ForwardClient(input.boundPort())) {
            c.send(good("D"));
            assertThat(c.readAck()).as("acked once the lane takes it again").isEqualTo("D");
        }
        assertThat(ingest.requests).extracting(IngestRequest::chunkId).containsExactly("forward:D", "forward:D", "forward:D", "forward:D");
        assertThat(closedBy("disk_full")).as("the connection is kept").isZero();
    }

    @Test
    void backpressurePausesReadingAndRetriesUntilAcceptedWithoutLoss() throws Exception {
        AtomicInteger rejectionsLeft = new AtomicInteger(3);
        CompletableFuture<IngestResult> finalAccept = new CompletableFuture<>();
        ingest.behaviour = r -> {
            if (r.chunkId().equals("forward:A")) {
                if (rejectionsLeft.getAndDecrement() > 0) {
                    return CompletableFuture.failedFuture(
                            new IngestRejectedException(IngestRejectedException.Reason.BACKPRESSURE, "stream full"));
                }
                return finalAccept;
            }
            return CompletableFuture.completedFuture(new IngestResult(1, 0));
        };
        var retries = registry.get(io.loglane.inputs.admission.BackPressure.RETRIES).counter();
        try (ForwardClient c = new ForwardClient(input.boundPort())) {
            c.send(good("A"));
            await(() -> retries.count() >= 1, "first back-pressure rejection");
            c.send(good("B")); // must stay unread in the socket while A is pushed back
            await(() -> ingest.requests.size() == 4, "A retried until accepted");
            assertThat(c.silentFor(NO_ACK_WINDOW)).as("no ack before A is accepted").isTrue();
            finalAccept.complete(new IngestResult(1, 0));
            assertThat(List.of(c.readAck(), c.readAck())).containsExactly("A", "B");
        }
        assertThat(ingest.requests).extracting(IngestRequest::chunkId).containsExactly("forward:A", "forward:A", "forward:A", "forward:A", "forward:B");
        assertThat(ingest.requests.get(3).records()).isSameAs(ingest.requests.get(0).records());
        assertThat(retries.count()).isEqualTo(3);
        SourceStatus app = source("app");
        assertThat(List.of(app.received(), app.accepted(), app.pending())).as("a retried request counts once, as its final outcome")
                .containsExactly(2L, 2L, 0L);
        assertThat(app.rejected()).isEmpty();
    }

    @Test
    void inFlightLimitPausesReadingInsteadOfQueueing() throws Exception {
        List<CompletableFuture<IngestResult>> futures = new java.util.concurrent.CopyOnWriteArrayList<>();
        ingest.behaviour = r -> {
            CompletableFuture<IngestResult> f = new CompletableFuture<>();
            futures.add(f);
            return f;
        };
        try (ForwardClient c = new ForwardClient(input.boundPort())) {
            for (int i = 0; i < 10; i++) { // max in flight is 4; sent one at a time so reads see them separately
                c.send(good("c" + i));
                if (i < 4) {
                    int n = i + 1;
                    await(() -> ingest.requests.size() == n, "request " + n);
                }
            }
            assertThat(c.silentFor(NO_ACK_WINDOW)).isTrue();
            assertThat(ingest.requests).hasSize(4);
            for (int done = 0; done < 10; done++) {
                int d = done;
                await(() -> futures.size() > d, "request " + d);
                futures.get(done).complete(new IngestResult(1, 0));
                assertThat(c.readAck()).isEqualTo("c" + done);
            }
        }
    }

    @Test
    void inFlightBytesAreBoundedAcrossConnections() throws Exception {
        // a second input whose connections may together hold 1 KiB of records: one 2 KiB frame exhausts it
        try (ForwardInput small = new ForwardInput(new ForwardConfig("small", "127.0.0.1", 0, 64 * 1024, 64 * 1024, 64, 1024,
                Duration.ofSeconds(5), 2, DEFAULTS.idleTimeout(), DEFAULTS.frameTimeout(), ForwardSecurity.NONE), ingest, registry,
                Clock.systemUTC())) {
            small.start();
            List<CompletableFuture<IngestResult>> futures = new java.util.concurrent.CopyOnWriteArrayList<>();
            ingest.behaviour = r -> {
                CompletableFuture<IngestResult> f = new CompletableFuture<>();
                futures.add(f);
                return f;
            };
            String big = "x".repeat(2048);
            java.util.function.Function<String, byte[]> frame = chunk -> frame().array(3).str("app").array(1).array(2)
                    .eventTime(T, 7).map(1).str("log").str(big).map(1).str("chunk").str(chunk).build();
            var inFlightBytes = registry.get("loglane.input.in_flight.bytes").tag(MetricNames.INPUT, "small").gauge();
            try (ForwardClient a = new ForwardClient(small.boundPort()); ForwardClient b = new ForwardClient(small.boundPort())) {
                a.send(frame.apply("a0"));
                await(() -> ingest.requests.size() == 1, "a0");
                assertThat(inFlightBytes.value()).isGreaterThan(2048);
                for (int i = 1; i < 4; i++) {
                    a.send(frame.apply("a" + i));
                }
                // b's first frame is read (a connection overshoots by at most one frame), then b pauses too
                b.send(frame.apply("b0"));
                await(() -> ingest.requests.size() == 2, "b0");
                b.send(frame.apply("b1"));
                assertThat(a.silentFor(NO_ACK_WINDOW)).isTrue();
                assertThat(ingest.requests).hasSize(2);
                assertThat(registry.get("loglane.input.budget.pauses").tag(MetricNames.INPUT, "small").counter().count())
                        .isGreaterThanOrEqualTo(2);

                futures.get(0).complete(new IngestResult(1, 0));
                assertThat(a.readAck()).isEqualTo("a0");
                // b0 still holds 2 KiB: over the budget, so nobody reads yet
                assertThat(b.silentFor(NO_ACK_WINDOW)).isTrue();
                assertThat(ingest.requests).hasSize(2);

                // from here every request completes at once: everything flows and every ack arrives in order
                ingest.behaviour = r -> CompletableFuture.completedFuture(new IngestResult(r.records().count(), 0));
                futures.get(1).complete(new IngestResult(1, 0));
                assertThat(b.readAck()).isEqualTo("b0");
                assertThat(b.readAck()).isEqualTo("b1");
                for (int i = 1; i < 4; i++) {
                    assertThat(a.readAck()).isEqualTo("a" + i);
                }
                assertThat(ingest.requests).hasSize(6);
                await(() -> inFlightBytes.value() == 0, "in-flight bytes back to 0");
            }
        }
    }

    @Test
    void sixteenConcurrentConnectionsAllGetEveryAck() throws Exception {
        int clients = 16;
        int frames = 40;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<List<String>>> results = new ArrayList<>();
            for (int k = 0; k < clients; k++) {
                int id = k;
                results.add(pool.submit(() -> {
                    List<String> acks = new ArrayList<>();
                    try (ForwardClient c = new ForwardClient(input.boundPort())) {
                        for (int i = 0; i < frames; i++) {
                            c.send(good(id + "-" + i));
                        }
                        for (int i = 0; i < frames; i++) {
                            acks.add(c.readAck());
                        }
                    }
                    return acks;
                }));
            }
            for (int k = 0; k < clients; k++) {
                List<String> expected = new ArrayList<>();
                for (int i = 0; i < frames; i++) {
                    expected.add(k + "-" + i);
                }
                assertThat(results.get(k).get(30, TimeUnit.SECONDS)).isEqualTo(expected);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(ingest.requests).hasSize(clients * frames);
        await(() -> registry.get(MetricNames.CONNECTIONS).gauge().value() == 0, "connections gauge back to 0");
    }

    @Test
    void closeLetsInFlightAcksFinish() throws Exception {
        CompletableFuture<IngestResult> pending = new CompletableFuture<>();
        ingest.behaviour = r -> pending;
        try (ForwardClient c = new ForwardClient(input.boundPort())) {
            c.send(good("last"));
            await(() -> ingest.requests.size() == 1, "the request");
            Thread closer = Thread.ofPlatform().start(() -> {
                try {
                    input.close();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            pending.complete(new IngestResult(1, 0));
            assertThat(c.readAck()).isEqualTo("last");
            closer.join(10_000);
            assertThat(closer.isAlive()).isFalse();
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void pauseStopsReadingEveryConnectionWithoutClosingItAndResumeTakesWhatWaited() throws Exception {
        try (ForwardClient before = new ForwardClient(input.boundPort())) {
            before.send(good("first"));
            assertThat(before.readAck()).isEqualTo("first");
            input.pause();
            assertThat(input.paused()).isTrue();
            before.send(good("waits"));
            try (ForwardClient opened = new ForwardClient(input.boundPort())) {
                opened.send(good("opened-while-paused"));
                assertThat(before.silentFor(NO_ACK_WINDOW)).as("open, unread, unacked").isTrue();
                assertThat(opened.silentFor(NO_ACK_WINDOW)).as("a connection opened while paused is accepted and not read").isTrue();
                assertThat(ingest.requests).as("nothing taken while paused").hasSize(1);

                input.resume();
                assertThat(before.readAck()).as("the same connection, read again").isEqualTo("waits");
                assertThat(opened.readAck()).isEqualTo("opened-while-paused");
            }
        }
        assertThat(ingest.requests).extracting(IngestRequest::chunkId)
                .containsExactlyInAnyOrder("forward:first", "forward:waits", "forward:opened-while-paused");
        assertThat(closedBy("idle_timeout") + closedBy("frame_timeout")).isZero();
    }

    @Test
    void resumeKeepsAConnectionHeldBackByItsOwnLimitsPaused() throws Exception {
        CompletableFuture<IngestResult> held = new CompletableFuture<>();
        ingest.behaviour = r -> r.chunkId().equals("forward:c0") ? held : CompletableFuture.completedFuture(new IngestResult(1, 0));
        AtomicInteger rejections = new AtomicInteger(1_000_000);
        try (ForwardClient c = new ForwardClient(input.boundPort())) {
            c.send(good("c0"));
            await(() -> ingest.requests.size() == 1, "c0");
            ingest.behaviour = r -> rejections.get() > 0 && r.chunkId().equals("forward:c1")
                    ? CompletableFuture.failedFuture(new IngestRejectedException(IngestRejectedException.Reason.BACKPRESSURE, "full"))
                    : CompletableFuture.completedFuture(new IngestResult(1, 0));
            c.send(good("c1"));
            await(() -> ingest.requests.size() >= 2, "c1 refused for back-pressure");
            input.pause();
            input.resume();
            c.send(good("c2"));
            assertThat(c.silentFor(NO_ACK_WINDOW)).isTrue();
            assertThat(ingest.requests).as("c1 is still pushed back: resume() does not read c2").extracting(IngestRequest::chunkId)
                    .doesNotContain("forward:c2");
            rejections.set(0);
            held.complete(new IngestResult(1, 0));
            assertThat(List.of(c.readAck(), c.readAck(), c.readAck())).containsExactly("c0", "c1", "c2");
        }
    }

    @Test
    void drainWaitsForTakenRequestsKeepsTheirConnectionsForTheAcksAndRefusesNewConnections() throws Exception {
        CompletableFuture<IngestResult> held = new CompletableFuture<>();
        ingest.behaviour = r -> held;
        int port = input.boundPort();
        try (ForwardClient c = new ForwardClient(port)) {
            c.send(good("last"));
            await(() -> ingest.requests.size() == 1, "the request");
            CompletableFuture<Boolean> drained = new CompletableFuture<>();
            Thread drainer = Thread.ofPlatform().start(() -> {
                try {
                    drained.complete(input.drain(Duration.ofSeconds(30)));
                } catch (Throwable e) {
                    drained.completeExceptionally(e);
                }
            });
            await(() -> refusesConnections(port), "the listener to close");
            c.send(good("after-drain"));
            assertThat(c.silentFor(NO_ACK_WINDOW)).isTrue();
            assertThat(drained).as("drain waits for the taken request").isNotDone();
            input.resume();
            assertThat(input.paused()).as("resume() does not undo a drain").isTrue();

            held.complete(new IngestResult(1, 0));
            assertThat(c.readAck()).isEqualTo("last");
            assertThat(drained.get(10, TimeUnit.SECONDS)).isTrue();
            drainer.join(10_000);
            assertThat(c.silentFor(NO_ACK_WINDOW)).as("still open until close(); the frame after the drain is not read").isTrue();
            assertThat(ingest.requests).hasSize(1);
            input.close();
            assertThat(c.closedByServer()).isTrue();
        }
    }

    @Test
    void drainEndsAtTheCallersTimeoutWhenARequestIsNeverAnswered() throws Exception {
        ingest.behaviour = r -> new CompletableFuture<>();
        try (ForwardClient c = new ForwardClient(input.boundPort())) {
            c.send(good("stuck"));
            await(() -> ingest.requests.size() == 1, "the request");
            assertThat(input.drain(Duration.ofMillis(50))).as("CONFIG's drain_timeout is 5 s; the caller's 50 ms bound wins").isFalse();
        }
    }

    static boolean refusesConnections(int port) {
        try {
            new java.net.Socket("127.0.0.1", port).close();
            return false;
        } catch (java.io.IOException refused) {
            return true;
        }
    }
}
