package io.loglane.inputs.multiline;

import static org.assertj.core.api.Assertions.assertThat;

import io.loglane.core.event.RecordBlock;
import io.loglane.core.event.RecordBlockBuilder;
import io.loglane.core.event.RecordCursor;
import io.loglane.core.ingest.ChunkIds;
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
import java.util.BitSet;
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
        assertThat(sent.get(0).chunkId()).as("a part of a chunk is named by the chunk and its lines").isEqualTo(part("c1", 4, 0));
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

    private static String part(String chunk, int count, int... lines) {
        BitSet b = new BitSet();
        for (int l : lines) {
            b.set(l);
        }
        return ChunkIds.part(chunk, count, b);
    }

    @Test
    void everySendIsNamedByItsLinesSoARequestResentAloneSendsItsStoredPartUnderTheSameId() throws Exception {
        MultilineCarry carry = carry(Duration.ofMinutes(10), MultilineCarry.Bounds.standard());
        IngestRequest c1 = request("c1", "INFO start", "ERROR request failed", "java.lang.IllegalStateException: boom", "\tat a.B.c(B.java:1)");
        IngestRequest c2 = request("c2", "\tat a.B.d(B.java:2)", "INFO next", "java.lang.RuntimeException: again");
        carry.submit("app", c1, this::down);
        carry.submit("app", c2, this::down);
        assertThat(sendCount()).isEqualTo(2);
        String mix = sent.get(1).chunkId();
        assertThat(ChunkIds.carriedParts(mix)).as("c1's held lines, then c2's lines that are not held")
                .containsExactly(part("c1", 4, 1, 2, 3), part("c2", 3, 0));
        carry.close();
        assertThat(logsOf(2)).as("an exception line may continue the line before it").containsExactly("INFO next", "java.lang.RuntimeException: again");
        assertThat(sent.get(2).chunkId()).as("what close sends is c2's held lines").isEqualTo(part("c2", 3, 1, 2));

        // another process (its held lines lost with the first): c2 resent alone
        MultilineCarry after = carry(Duration.ofMinutes(10), MultilineCarry.Bounds.standard());
        after.submit("app", c2, this::down);
        assertThat(logsOf(3)).containsExactly("\tat a.B.d(B.java:2)");
        assertThat(sent.get(3).chunkId()).as("the lines it had in the mix, under the part the mix was stored with")
                .isEqualTo(ChunkIds.carriedParts(mix).get(1));
        after.close();
        assertThat(sent.get(4).chunkId()).as("its held lines under the same id as the first time").isEqualTo(part("c2", 3, 1, 2));
    }

    @Test
    void aRequestResentWhileItsFirstCopyIsHeldIsAnsweredWithItAndSendsNothing() throws Exception {
        MultilineCarry carry = carry(Duration.ofMinutes(10), MultilineCarry.Bounds.standard());
        CompletableFuture<IngestResult> first = carry.submit(List.of("conn1", "app"),
                request("c1", "INFO start", "ERROR failed", "java.lang.IllegalStateException: boom"), this::down);
        CompletableFuture<IngestResult> again = carry.submit(List.of("conn2", "app"),
                request("c1", "INFO start", "ERROR failed", "java.lang.IllegalStateException: boom"), this::down);
        assertThat(sendCount()).as("only the first copy's line no later line can continue").isEqualTo(1);
        assertThat(carry.heldStreams()).as("the resend holds nothing").isEqualTo(1);
        store(0);
        assertThat(again).isNotDone();
        carry.submit(List.of("conn1", "app"), request("c2", "\tat a.B.c(B.java:1)", "INFO next"), this::down);
        store(1);
        assertThat(first.get(10, TimeUnit.SECONDS).accepted()).isEqualTo(3);
        assertThat(again.get(10, TimeUnit.SECONDS)).as("answered as duplicates once the first copy is stored")
                .isEqualTo(new IngestResult(0, 3));
        CompletableFuture<IngestResult> late = carry.submit(List.of("conn3", "app"),
                request("c1", "INFO start", "ERROR failed", "java.lang.IllegalStateException: boom"), this::down);
        assertThat(late.get(10, TimeUnit.SECONDS)).as("after it was stored too").isEqualTo(new IngestResult(0, 3));
        assertThat(sendCount()).isEqualTo(2);
    }

    @Test
    void aRequestResentAfterItsFirstCopyFailedIsTakenAnew() throws Exception {
        MultilineCarry carry = carry(Duration.ofMinutes(10), MultilineCarry.Bounds.standard());
        CompletableFuture<IngestResult> first = carry.submit("app", request("c1", "INFO a", "INFO b"), this::down);
        synchronized (this) {
            sends.get(0).completeExceptionally(new IngestRejectedException(IngestRejectedException.Reason.STORAGE_ERROR, "disk gone"));
        }
        carry.close(); // sends the held "INFO b"
        store(1);
        assertThat(first).isCompletedExceptionally();
        CompletableFuture<IngestResult> again = carry.submit("app", request("c1", "INFO a", "INFO b"), this::down);
        assertThat(sendCount()).as("sent again, whole (the carry is closed)").isEqualTo(3);
        assertThat(sent.get(2).chunkId()).isEqualTo("c1");
        store(2);
        assertThat(again.get(10, TimeUnit.SECONDS).accepted()).isEqualTo(2);
    }
}
