package io.loglane.inputs.admission;

import io.loglane.core.ingest.IngestRejectedException;
import io.loglane.core.ingest.IngestRequest;
import io.loglane.core.ingest.IngestResult;
import io.loglane.core.lifecycle.Pausable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BooleanSupplier;

/**
 * One source's requests through {@link BackPressure}: {@link #submit} hands a request to the
 * router; a refusal worth waiting out pauses the source and retries the same request after the
 * backoff, on the source's thread, until it has its final outcome, which goes to {@link Settled}.
 *
 * <p>Invariants: the source is paused exactly while {@link #waiting()} is above 0, i.e. from a
 * request's first such refusal until its final outcome, including while a retry is with the
 * router (reading on between a retry and its answer would only take more events the lane cannot
 * hold). Each request reaches {@link Settled} exactly once. Retries resend the same request, so
 * a request with a chunk id is stored once however often it is retried.
 *
 * <p>Thread-safety: {@link #submit} and {@link #waiting()} on the source's thread only; router
 * answers hop onto it.
 */
public final class SourceBackPressure {
    private final BackPressure policy;
    private final String name;
    private final Pausable source;
    private final BooleanSupplier open;
    private final SourceThread thread;
    private int waiting;

    SourceBackPressure(BackPressure policy, String name, Pausable source, BooleanSupplier open, SourceThread thread) {
        this.policy = policy;
        this.name = name;
        this.source = source;
        this.open = open;
        this.thread = thread;
    }

    /** Hands {@code request} to the router; its final outcome goes to {@code settled}. */
    public void submit(IngestRequest request, Settled settled) {
        attempt(request, settled, 0);
    }

    /** Requests of this source waiting out a refusal; the source is paused while this is above 0. */
    public int waiting() { return waiting; }

    /** Attempt number {@code retry + 1} ({@code retry} 0 for the first submission). */
    private void attempt(IngestRequest request, Settled settled, int retry) {
        CompletableFuture<IngestResult> f;
        try {
            f = policy.ingest().submit(request);
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        f.whenComplete((r, e) -> {
            try {
                thread.execute(() -> answered(request, settled, retry, r, e));
            } catch (RejectedExecutionException gone) {
                settled.abandoned();
            }
        });
    }

    private void answered(IngestRequest request, Settled settled, int retry, IngestResult result, Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof IngestRejectedException r && BackPressure.waitable(r.reason()) && open.getAsBoolean()) {
            if (retry == 0 && waiting++ == 0) {
                source.pause();
            }
            policy.retrying(name, r.reason(), retry, r);
            try {
                thread.schedule(() -> {
                    if (open.getAsBoolean()) {
                        attempt(request, settled, retry + 1);
                    } else {
                        done(settled, null, cause, true); // closed while waiting: the last refusal is the outcome
                    }
                }, BackPressure.backoff(retry));
            } catch (RejectedExecutionException gone) {
                settled.abandoned();
            }
            return;
        }
        done(settled, result, cause, retry > 0);
    }

    private void done(Settled settled, IngestResult result, Throwable cause, boolean waited) {
        if (waited && --waiting == 0) {
            source.resume();
        }
        settled.settled(result, cause);
    }
}
