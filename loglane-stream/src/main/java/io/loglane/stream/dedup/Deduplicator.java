package io.loglane.stream.dedup;

import io.loglane.stream.AppendRequest;
import io.loglane.stream.AppendResult;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Chunk-id de-duplication in front of a lane's own store step, the one way every lane
 * implementation de-duplicates (the {@link io.loglane.stream.LaneStream} contract):
 * <ul>
 *   <li>no chunk id: stored as is;</li>
 *   <li>an id stored within the window: answered as a duplicate with the first copy's offsets,
 *       nothing stored;</li>
 *   <li>an id being stored right now by another append: waits for that first copy; a duplicate if
 *       it is stored, and stored itself if the first copy fails (its sender would otherwise be
 *       refused for a failure that was not its own);</li>
 *   <li>only a stored append records its id: after a refusal the resend is stored.</li>
 * </ul>
 * A store step that throws is turned into a failed future, so {@link #append} never throws.
 *
 * <p>Thread-safety: safe for concurrent use (the window synchronises; the store step must be safe
 * for concurrent appenders).
 */
public final class Deduplicator {
    private final DedupWindow window;
    private final Clock clock;

    public Deduplicator(DedupWindow window, Clock clock) {
        this.window = window;
        this.clock = clock;
    }

    /** The window (a disk lane seeds it from its batch headers at start-up). */
    public DedupWindow window() { return window; }

    /**
     * Appends {@code request} through {@code store} unless its chunk id makes it a duplicate.
     *
     * @param store the lane's append without de-duplication: completes once the batch is durable
     */
    public CompletableFuture<AppendResult> append(AppendRequest request, Function<AppendRequest, CompletableFuture<AppendResult>> store) {
        String chunk = request.chunkId();
        if (chunk == null) {
            return storeSafely(request, store);
        }
        CompletableFuture<AppendResult> mine = new CompletableFuture<>();
        DedupWindow.Decision d = window.begin(chunk, nowNanos(), mine);
        if (d instanceof DedupWindow.Decision.Duplicate dup) {
            return CompletableFuture.completedFuture(dup.result());
        }
        if (d instanceof DedupWindow.Decision.Wait wait) {
            // The first copy decides: a duplicate if it was stored, another attempt if it failed.
            return wait.first().handle((r, e) -> e == null
                    ? CompletableFuture.completedFuture(new AppendResult(r.baseOffset(), r.count(), true))
                    : append(request, store)).thenCompose(f -> f);
        }
        storeSafely(request, store).whenComplete((r, e) -> {
            if (e == null) {
                window.stored(chunk, r, nowNanos());
                mine.complete(r);
            } else {
                window.failed(chunk);
                mine.completeExceptionally(e);
            }
        });
        return mine;
    }

    private static CompletableFuture<AppendResult> storeSafely(AppendRequest request,
            Function<AppendRequest, CompletableFuture<AppendResult>> store) {
        try {
            return store.apply(request);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private long nowNanos() {
        Instant now = clock.instant();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
