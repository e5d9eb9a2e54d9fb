package io.loglane.inputs.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.loglane.core.event.RecordBlock;
import io.loglane.core.ingest.Ingest;
import io.loglane.core.ingest.IngestRejectedException;
import io.loglane.core.ingest.IngestRejectedException.Reason;
import io.loglane.core.ingest.IngestRequest;
import io.loglane.core.ingest.IngestResult;
import io.loglane.core.ingest.Source;
import io.loglane.core.ingest.SourceLedger;
import io.loglane.core.lifecycle.Pausable;
import io.loglane.core.telemetry.MetricNames;
import io.loglane.core.telemetry.RateLimitedLog;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The shared back-pressure wait, driven step by step on a manual source thread and clock: no sleeps. */
class BackPressureTest {
    private static final IngestResult ACCEPTED = new IngestResult(1, 0);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    /** The router's answers, in order; accepted once they run out. */
    private final Deque<CompletableFuture<IngestResult>> answers = new ArrayDeque<>();
    private final List<IngestRequest> submitted = new ArrayList<>();
    private final Ingest ingest = new Ingest() {
        @Override
        public CompletableFuture<IngestResult> submit(IngestRequest request) {
            submitted.add(request);
            CompletableFuture<IngestResult> next = answers.poll();
            return next != null ? next : CompletableFuture.completedFuture(ACCEPTED);
        }

        @Override
        public SourceLedger sources() { throw new UnsupportedOperationException(); }
    };
    private final ManualThread thread = new ManualThread();
    private final RecordingSource source = new RecordingSource();
    private boolean open = true;
    private final SourceBackPressure waits = new BackPressure("test", "in", ingest, registry,
            new RateLimitedLog(LoggerFactory.getLogger(BackPressureTest.class), Clock.systemUTC(), Duration.ofSeconds(10)))
            .source("peer", source, () -> open, thread);

    /** Counts calls; paused between pause() and resume(). */
    private static final class RecordingSource implements Pausable {
        int pauses;
        int resumes;

        @Override
        public void pause() { pauses++; }

        @Override
        public void resume() { resumes++; }

        boolean paused() { return pauses > resumes; }
    }

    /** What reached {@link Settled}. */
    private static final class Outcome implements Settled {
        final List<Object> calls = new ArrayList<>();

        @Override
        public void settled(IngestResult result, Throwable error) { calls.add(error != null ? error : result); }

        @Override
        public void abandoned() { calls.add("abandoned"); }
    }

    private static IngestRequest request(String chunk) {
        return new IngestRequest(new Source("in", "peer"), "app", RecordBlock.EMPTY, chunk, 0, null);
    }

    private void refuse(Reason reason, int times) {
        for (int i = 0; i < times; i++) {
            // thenApply wraps the refusal in a CompletionException, as a router's composed future does
            answers.add(CompletableFuture.<IngestResult>failedFuture(new IngestRejectedException(reason, reason.label()))
                    .thenApply(r -> r));
        }
    }

    private double retries() {
        return registry.get(BackPressure.RETRIES).tag(MetricNames.INPUT, "in").counter().count();
    }

    @Test
    void aFullStreamPausesTheSourceRetriesTheSameRequestWithDoublingBackoffAndResumesOnceAccepted() {
        refuse(Reason.BACKPRESSURE, 3);
        Outcome outcome = new Outcome();
        IngestRequest r = request("c1");
        waits.submit(r, outcome);
        thread.runDue();
        assertThat(source.paused()).isTrue();
        assertThat(waits.waiting()).isEqualTo(1);

        thread.advance(Duration.ofMillis(4));
        assertThat(submitted).as("the first retry is due after 5 ms").hasSize(1);
        thread.advance(Duration.ofMillis(1));
        assertThat(submitted).hasSize(2);
        thread.advance(Duration.ofMillis(9));
        assertThat(submitted).as("then after 10 ms").hasSize(2);
        thread.advance(Duration.ofMillis(1));
        assertThat(submitted).hasSize(3);
        assertThat(source.paused()).as("paused while a retry is with the router, too").isTrue();
        thread.advance(Duration.ofMillis(20));
        assertThat(submitted).hasSize(4).allSatisfy(s -> assertThat(s).isSameAs(r));

        assertThat(outcome.calls).containsExactly(ACCEPTED);
        assertThat(List.of(source.pauses, source.resumes)).as("paused once, resumed once").containsExactly(1, 1);
        assertThat(waits.waiting()).isZero();
        assertThat(retries()).isEqualTo(3);
    }

    @Test
    void aFullDiskIsWaitedOutTheSameWay() {
        refuse(Reason.DISK_FULL, 2);
        Outcome outcome = new Outcome();
        waits.submit(request("d"), outcome);
        thread.advance(Duration.ofMillis(15));
        assertThat(outcome.calls).containsExactly(ACCEPTED);
        assertThat(submitted).hasSize(3);
        assertThat(List.of(source.pauses, source.resumes)).containsExactly(1, 1);
        assertThat(retries()).isEqualTo(2);
    }

    @Test
    void theBackoffDoublesFromFiveMillisecondsAndStaysAtOneSecond() {
        assertThat(List.of(0, 1, 2, 7, 8, 20, 1000).stream().map(BackPressure::backoff).map(Duration::toMillis))
                .containsExactly(5L, 10L, 20L, 640L, 1000L, 1000L, 1000L);
    }

    @Test
    void aRefusalNotWorthWaitingOutSettlesAtOnceUnwrappedWithoutPausing() {
        refuse(Reason.RATE_LIMITED, 1);
        Outcome outcome = new Outcome();
        waits.submit(request("r"), outcome);
        thread.runDue();
        assertThat(outcome.calls).singleElement().isInstanceOfSatisfying(IngestRejectedException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.RATE_LIMITED));
        assertThat(source.pauses).isZero();
        assertThat(retries()).isZero();
    }

    @Test
    void theSourceStaysPausedUntilEveryWaitingRequestIsSettled() {
        refuse(Reason.BACKPRESSURE, 2);
        answers.add(CompletableFuture.completedFuture(ACCEPTED)); // the first retry (of a)
        CompletableFuture<IngestResult> bRetry = new CompletableFuture<>();
        answers.add(bRetry);
        Outcome a = new Outcome();
        Outcome b = new Outcome();
        waits.submit(request("a"), a);
        waits.submit(request("b"), b);
        thread.runDue();
        assertThat(waits.waiting()).isEqualTo(2);
        thread.advance(Duration.ofMillis(5));
        assertThat(a.calls).containsExactly(ACCEPTED);
        assertThat(source.paused()).as("b still waits").isTrue();

        bRetry.complete(ACCEPTED);
        thread.runDue();
        assertThat(b.calls).containsExactly(ACCEPTED);
        assertThat(List.of(source.pauses, source.resumes)).containsExactly(1, 1);
    }

    @Test
    void aSourceClosedWhileWaitingGivesUpWithTheLastRefusalInsteadOfRetrying() {
        refuse(Reason.BACKPRESSURE, 1);
        Outcome outcome = new Outcome();
        waits.submit(request("x"), outcome);
        thread.runDue();
        open = false;
        thread.advance(Duration.ofSeconds(1));
        assertThat(submitted).hasSize(1);
        assertThat(outcome.calls).singleElement().isInstanceOfSatisfying(IngestRejectedException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.BACKPRESSURE));
        assertThat(waits.waiting()).isZero();
    }

    @Test
    void aRouterThatThrowsSettlesWithItsException() {
        Ingest throwing = new Ingest() {
            @Override
            public CompletableFuture<IngestResult> submit(IngestRequest request) { throw new IllegalStateException("bug"); }

            @Override
            public SourceLedger sources() { throw new UnsupportedOperationException(); }
        };
        Outcome outcome = new Outcome();
        new BackPressure("test", "other", throwing, registry, null).source("peer", source, () -> true, thread)
                .submit(request("t"), outcome);
        thread.runDue();
        assertThat(outcome.calls).singleElement().isInstanceOf(IllegalStateException.class);
    }

    @Test
    void anAnswerForASourceWhoseThreadIsGoneIsAbandoned() {
        CompletableFuture<IngestResult> later = new CompletableFuture<>();
        answers.add(later);
        Outcome outcome = new Outcome();
        waits.submit(request("g"), outcome);
        thread.gone = true;
        later.complete(ACCEPTED);
        assertThat(outcome.calls).containsExactly("abandoned");
    }
}
