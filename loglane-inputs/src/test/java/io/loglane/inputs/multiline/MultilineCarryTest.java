package io.loglane.inputs.multiline;

import static org.assertj.core.api.Assertions.assertThat;

import io.loglane.core.event.RecordBlock;
import io.loglane.core.event.RecordBlockBuilder;
import io.loglane.core.event.RecordCursor;
import io.loglane.core.ingest.IngestRejectedException;
import io.loglane.core.ingest.IngestRequest;
import io.loglane.core.ingest.IngestResult;
import io.loglane.core.ingest.Source;
import io.loglane.core.parse.MultilineSpec;
import io.loglane.core.telemetry.MetricNames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;

/**
 * The carry of a network input: the lines of an event open at the end of a request wait for the
 * stream's next request (or the flush timeout) and that request's outcome waits with them; what
 * the downstream stores decides every outcome. The downstream here records each send and
 * completes it when the test says (the router's part is tested in loglane-router; the Forward and
 * HTTP inputs use this carry with the real router in their own tests).
 */
class MultilineCarryTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final List<IngestRequest> sent = new ArrayList<>();
    private final List<CompletableFuture<IngestResult>> sends = new ArrayList<>();

    @AfterEach
    void stop() {
        timer.shutdownNow();
    }

    private MultilineCarry carry(Duration flush, MultilineCarry.Bounds bounds) {
        return new MultilineCarry(new MultilineSpec(List.of(MultilineSpec.Rule.named("java"))), flush, timer, bounds, registry, "fwd");
    }

    private synchronized CompletableFuture<IngestResult> down(IngestRequest r) {
        sent.add(r);
        CompletableFuture<IngestResult> f = new CompletableFuture<>();
        sends.add(f);
        return f;
    }

    private synchronized List<String> logsOf(int send) {
        return logs(sent.get(send).records());
    }

    private synchronized int sendCount() { return sent.size(); }

    private synchronized void store(int send) {
        sends.get(send).complete(new IngestResult(sent.get(send).records().count(), 0));
    }

    private static IngestRequest request(String chunk, String... lines) {
        RecordBlockBuilder b = new RecordBlockBuilder();
        for (String l : lines) {
            try (MessageBufferPacker p = MessagePack.newDefaultBufferPacker()) {
                p.packMapHeader(2).packString("source").packString("stderr").packString("log").packString(l);
                byte[] rec = p.toByteArray();
                b.add(1, rec, 0, rec.length);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new IngestRequest(new Source("fwd", "10.0.0.1"), "app", b.build(), chunk, 1, null);
    }

    private static List<String> logs(RecordBlock block) {
        List<String> out = new ArrayList<>();
        RecordCursor c = block.cursor();
        while (c.next()) {
            try (MessageUnpacker u = MessagePack.newDefaultUnpacker(c.array(), c.recordOffset(), c.recordLength())) {
                u.unpackValue().asMapValue().map().forEach((k, v) -> {
                    if (k.asStringValue().asString().equals("log")) {
                        out.add(v.asStringValue().asString());
                    }
                });
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    private void awaitSends(int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (sendCount() < n) {
            assertThat(System.nanoTime()).as("waiting for send " + n).isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    @Test
    void aTraceSplitOverTwoRequestsIsSentTogetherAndTheFirstRequestIsAnsweredOnlyOnceItIsStored() throws Exception {
        MultilineCarry carry = carry(Duration.ofMinutes(10), MultilineCarry.Bounds.standard());
        CompletableFuture<IngestResult> first = carry.submit("app", request("c1", "INFO start", "ERROR request failed",
                "java.lang.IllegalStateException: boom", "\tat a.B.c(B.java:1)"), this::down);
        assertThat(sendCount()).isEqualTo(1);
        assertThat(logsOf(0)).as("what no later line can continue goes now").containsExactly("INFO start");
        assertThat(sent.get(0).chunkId()).as("a part of a chunk is not the chunk: no dedup id").isNull();
        store(0);
        assertThat(first).as("its trace is still held: no answer").isNotDone();
        assertThat(carry.heldStreams()).isEqualTo(1);

        CompletableFuture<IngestResult> second = carry.submit("app", request("c2", "\tat a.B.d(B.java:2)", "INFO next"), this::down);
        assertThat(sendCount()).isEqualTo(2);
        assertThat(logsOf(1)).as("the held lines first, then the line that continues them")
                .containsExactly("ERROR request failed", "java.lang.IllegalStateException: boom", "\tat a.B.c(B.java:1)", "\tat a.B.d(B.java:2)");
        assertThat(first).isNotDone();
        store(1);
        assertThat(first.get(10, TimeUnit.SECONDS).accepted()).as("answered with its own count").isEqualTo(4);
        assertThat(second).as("its last line is held in turn").isNotDone();
        carry.close();
        assertThat(logsOf(2)).containsExactly("INFO next");
        store(2);
        assertThat(second.get(10, TimeUnit.SECONDS).accepted()).isEqualTo(2);
        assertThat(registry.get(MetricNames.MULTILINE_FLUSHED_EARLY).tag("reason", "closed").counter().count()).isEqualTo(1.0);
    }

    @Test
    void heldLinesAreSentAloneOnceTheFlushTimeoutPasses() throws Exception {
        MultilineCarry carry = carry(Duration.ofMillis(100), MultilineCarry.Bounds.standard());
        CompletableFuture<IngestResult> r = carry.submit("app", request("c1", "java.lang.RuntimeException: x", "\tat a.B.c(B.java:1)"), this::down);
        assertThat(sendCount()).as("everything is open").isZero();
        awaitSends(1);
        assertThat(logsOf(0)).containsExactly("java.lang.RuntimeException: x", "\tat a.B.c(B.java:1)");
        assertThat(r).isNotDone();
        store(0);
        assertThat(r.get(10, TimeUnit.SECONDS).accepted()).isEqualTo(2);
        assertThat(carry.heldStreams()).isZero();
    }

    @Test
    void aFailedSendFailsEveryRequestWithLinesInItAndLeavesTheOthers() throws Exception {
        MultilineCarry carry = carry(Duration.ofMinutes(10), MultilineCarry.Bounds.standard());
        CompletableFuture<IngestResult> first = carry.submit("app", request(null, "java.lang.RuntimeException: x"), this::down);
        CompletableFuture<IngestResult> other = carry.submit("other", request(null, "INFO elsewhere"), this::down);
        CompletableFuture<IngestResult> second = carry.submit("app", request(null, "\tat a.B.c(B.java:1)", "INFO after"), this::down);
        assertThat(sendCount()).isEqualTo(1);
        synchronized (this) {
            sends.get(0).completeExceptionally(new IngestRejectedException(IngestRejectedException.Reason.STORAGE_ERROR, "disk gone"));
        }
        assertThat(first).isCompletedExceptionally();
        ExecutionException e = org.assertj.core.api.Assertions.catchThrowableOfType(ExecutionException.class, () -> first.get());
        assertThat(e.getCause()).isInstanceOf(IngestRejectedException.class).hasMessageContaining("disk gone");
        assertThat(second).as("its last line is still held: not answered yet").isNotDone();
        assertThat(other).isNotDone();
    }

    @Test
    void pastTheBoundOpenEventsAreSentAsTheyAreAndCounted() throws Exception {
        MultilineCarry.Bounds bounds = new MultilineCarry.Bounds(1, 1 << 20);
        MultilineCarry carry = carry(Duration.ofMinutes(10), bounds);
        carry.submit("a", request(null, "java.lang.RuntimeException: a"), this::down);
        assertThat(bounds.streams()).isEqualTo(1);
        CompletableFuture<IngestResult> b = carry.submit("b", request(null, "java.lang.RuntimeException: b"), this::down);
        assertThat(sendCount()).as("a second stream would pass the bound: sent at once").isEqualTo(1);
        assertThat(logsOf(0)).containsExactly("java.lang.RuntimeException: b");
        store(0);
        assertThat(b.get(10, TimeUnit.SECONDS).accepted()).isEqualTo(1);
        assertThat(registry.get(MetricNames.MULTILINE_FLUSHED_EARLY).tag("reason", "bound").counter().count()).isEqualTo(1.0);
    }

    @Test
    void flushSendsOnlyTheStreamsItNames() {
        MultilineCarry carry = carry(Duration.ofMinutes(10), MultilineCarry.Bounds.standard());
        carry.submit(List.of("conn1", "app"), request(null, "java.lang.RuntimeException: 1"), this::down);
        carry.submit(List.of("conn2", "app"), request(null, "java.lang.RuntimeException: 2"), this::down);
        carry.flush(s -> ((List<?>) s).get(0).equals("conn1"));
        assertThat(sendCount()).isEqualTo(1);
        assertThat(logsOf(0)).containsExactly("java.lang.RuntimeException: 1");
        assertThat(carry.heldStreams()).isEqualTo(1);
    }
}
