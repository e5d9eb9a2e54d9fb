package io.loglane.inputs.multiline;

import io.loglane.core.ingest.IngestResult;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * The outcomes of the requests a {@link MultilineCarry} took recently, by chunk id, so that a
 * request resent while this process runs (a Forward client whose ack was late or whose connection
 * dropped, an HTTP retry with the same {@code Idempotency-Key}) is answered with the first copy's
 * outcome instead of being carried again: its lines are stored, or held and owed to the first
 * copy, exactly once, whichever stream or connection the resend comes on. A first copy that failed
 * is forgotten, so its resend is taken anew. At most {@code maxEntries} ids for {@code keepNanos}
 * each (oldest first out); past that a resend is recognised by the lanes' chunk-id window alone.
 *
 * <p>Thread-safety: thread-safe (one monitor, held only for map operations; it never calls out).
 */
final class RecentRequests {
    private record Entry(CompletableFuture<IngestResult> result, long addedNanos) {}

    private final int maxEntries;
    private final long keepNanos;
    private final LongSupplier nanoTime;
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>();

    RecentRequests(int maxEntries, long keepNanos, LongSupplier nanoTime) {
        this.maxEntries = maxEntries;
        this.keepNanos = keepNanos;
        this.nanoTime = nanoTime;
    }

    /**
     * The outcome of the first copy of the request {@code chunkId} names, pending or successful;
     * null when there is none to follow (no id, not seen, forgotten, or the first copy failed).
     */
    synchronized CompletableFuture<IngestResult> prior(String chunkId) {
        if (chunkId == null) {
            return null;
        }
        expire();
        Entry e = entries.get(chunkId);
        if (e == null) {
            return null;
        }
        if (e.result.isCompletedExceptionally()) {
            entries.remove(chunkId);
            return null;
        }
        return e.result;
    }

    /** Remembers the outcome of the first copy of {@code chunkId} (nothing for a request without one). */
    synchronized void add(String chunkId, CompletableFuture<IngestResult> result) {
        if (chunkId == null || maxEntries <= 0) {
            return;
        }
        entries.remove(chunkId);
        entries.put(chunkId, new Entry(result, nanoTime.getAsLong()));
        while (entries.size() > maxEntries) {
            Iterator<String> it = entries.keySet().iterator();
            it.next();
            it.remove();
        }
    }

    synchronized int size() { return entries.size(); }

    private void expire() {
        long now = nanoTime.getAsLong();
        Iterator<Entry> it = entries.values().iterator();
        while (it.hasNext() && now - it.next().addedNanos > keepNanos) {
            it.remove();
        }
    }
}
