package io.loglane.stream.dedup;

import io.loglane.core.ingest.ChunkIds;
import io.loglane.stream.AppendResult;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Remembers the chunk ids a lane stored recently, so a resent chunk (a Forward client that lost an
 * ack, or resends after a restart) is stored once. An id is remembered for {@code windowNanos}
 * after it was stored, and at most {@code maxEntries} ids are kept (oldest forgotten first).
 *
 * <p>Concurrent appends of one id: the first to arrive stores it; later ones get
 * {@link Decision.Wait} with the first's future and report a duplicate when it succeeds (or retry
 * when it failed), so an id is never stored twice.
 *
 * <p>A multiline carry's id mixing several requests ({@link ChunkIds#carry}) is remembered with
 * each of its parts ({@link ChunkIds#carriedParts}), so a later append of one part alone is a
 * duplicate: its lines were all in the stored mix.
 *
 * <p>Lanes use it through {@link Deduplicator}, which drives {@link #begin}, {@link #stored} and
 * {@link #failed}. On a disk/sync lane the window survives a restart because chunk ids are in the
 * batch headers: the local lane re-reads the headers of the newest batches at start-up and
 * {@link #seed}s them.
 *
 * <p>Thread-safety: safe for concurrent use (one monitor; the critical sections are map operations).
 */
public final class DedupWindow {
    /** What an append with a chunk id should do. */
    public sealed interface Decision permits Decision.Store, Decision.Duplicate, Decision.Wait {
        /** Not seen: store it, then call {@link #stored} or {@link #failed}. */
        record Store() implements Decision {}

        /** Already stored: answer with this result, store nothing. */
        record Duplicate(AppendResult result) implements Decision {}

        /** Being stored by another append right now: wait for its outcome. */
        record Wait(CompletableFuture<AppendResult> first) implements Decision {}
    }

    private record Entry(long baseOffset, int count, long storedAtNanos) {}

    private final long windowNanos;
    private final int maxEntries;
    private final LinkedHashMap<String, Entry> stored = new LinkedHashMap<>();
    private final Map<String, CompletableFuture<AppendResult>> inFlight = new HashMap<>();

    public DedupWindow(long windowNanos, int maxEntries) {
        this.windowNanos = windowNanos;
        this.maxEntries = maxEntries;
    }

    /**
     * Decides what to do with an append of {@code chunkId}; on {@link Decision.Store} registers
     * {@code mine} as the outcome later appends of the same id wait for.
     */
    public synchronized Decision begin(String chunkId, long nowNanos, CompletableFuture<AppendResult> mine) {
        expire(nowNanos);
        Entry e = stored.get(chunkId);
        if (e != null) {
            return new Decision.Duplicate(new AppendResult(e.baseOffset, e.count, true));
        }
        CompletableFuture<AppendResult> first = inFlight.get(chunkId);
        if (first != null) {
            return new Decision.Wait(first);
        }
        inFlight.put(chunkId, mine);
        return new Decision.Store();
    }

    /**
     * The append of {@code chunkId} is durable. A request journal's id ({@link ChunkIds#isJournal})
     * is not remembered: its part is appended once while running, and the start after a crash,
     * the one time it is appended again, {@link #seed}s it from the batch headers.
     */
    public synchronized void stored(String chunkId, AppendResult result, long nowNanos) {
        inFlight.remove(chunkId);
        if (!ChunkIds.isJournal(chunkId)) {
            remember(chunkId, result.baseOffset(), result.count(), nowNanos);
        }
    }

    /** The append of {@code chunkId} failed; a retry may store it. */
    public synchronized void failed(String chunkId) {
        inFlight.remove(chunkId);
    }

    /** Adds an id found in a stored batch header at start-up; call oldest first. */
    public synchronized void seed(String chunkId, long baseOffset, int count, long storedAtNanos) {
        remember(chunkId, baseOffset, count, storedAtNanos);
    }

    public synchronized int size() { return stored.size(); }

    public long windowNanos() { return windowNanos; }

    public int maxEntries() { return maxEntries; }

    private void remember(String chunkId, long baseOffset, int count, long atNanos) {
        if (maxEntries <= 0 || windowNanos <= 0) {
            return;
        }
        Entry entry = new Entry(baseOffset, count, atNanos);
        stored.remove(chunkId);
        stored.put(chunkId, entry);
        // A multiline carry's send mixing requests stores each request's part of it: a request
        // resent alone (after a crash) sends that part under the part's own id.
        for (String part : ChunkIds.carriedParts(chunkId)) {
            stored.remove(part);
            stored.put(part, entry);
        }
        while (stored.size() > maxEntries) {
            Iterator<String> it = stored.keySet().iterator();
            it.next();
            it.remove();
        }
    }

    private void expire(long nowNanos) {
        Iterator<Entry> it = stored.values().iterator();
        while (it.hasNext() && it.next().storedAtNanos < nowNanos - windowNanos) {
            it.remove();
        }
    }
}
