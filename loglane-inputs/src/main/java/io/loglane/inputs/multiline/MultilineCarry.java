package io.loglane.inputs.multiline;

import io.loglane.core.config.InputSpec;
import io.loglane.core.config.ReadingKeys;
import io.loglane.core.event.RecordBlock;
import io.loglane.core.event.RecordBlockBuilder;
import io.loglane.core.event.RecordCursor;
import io.loglane.core.ingest.IngestRequest;
import io.loglane.core.ingest.IngestResult;
import io.loglane.core.multiline.MultilineJoiner;
import io.loglane.core.multiline.MultilineRules;
import io.loglane.core.parse.MultilineSpec;
import io.loglane.core.telemetry.MetricNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Joins multiline events across the requests of a network input (Forward chunks, HTTP,
 * CloudWatch and OTLP requests): per stream (a key the input chooses: Forward connection + tag,
 * else the tag; inside it the router's {@link MultilineJoiner} tells container_id + source apart),
 * the lines of events still open at the end of a request ({@link MultilineJoiner#openLines}) are
 * held here and sent again at the head of the stream's next request, where the router joins them
 * with the lines that continue them. The other records of the request are sent at once.
 *
 * <p>Acknowledgement: the future {@link #submit} returns completes only once <em>every</em> record
 * of its request is stored, so an input that acknowledges on it (Forward {@code ack}, HTTP 202)
 * never acknowledges a held line. A held line is sent when a later request of its stream closes
 * its event (or continues it: it is held again with the new lines), when {@code flush_timeout}
 * passes without a later request, when its stream is {@linkplain #flush flushed} (a Forward
 * connection closing) or the carry is {@linkplain #close closed}; it fails with the send it went
 * in. Bounds: at most {@link ReadingKeys#MAX_HELD_STREAMS} streams and
 * {@link ReadingKeys#MAX_HELD_BYTES} record bytes held per input ({@link Bounds}, shared by the
 * carries of its connections); a request that would pass them sends its open events as they are
 * (counted {@code MULTILINE_FLUSHED_EARLY} {reason=bound}). An event is also bounded by the
 * joiner's {@link MultilineJoiner#MAX_LINES} and {@link MultilineJoiner#MAX_BYTES}.
 *
 * <p>Chunk ids: a request sent exactly as it came (nothing held before it, nothing of it held)
 * keeps its chunk id, so a resent chunk is stored once; a send mixing requests has none, so a
 * request resent after a failure of such a send may store its lines twice (at least once, never
 * lost).
 *
 * <p>Thread-safety: thread-safe (one lock); sends happen under it, in the order of the requests of
 * each stream. The flush timer runs on the given scheduler.
 */
public final class MultilineCarry implements AutoCloseable {
    /** Where a carry sends: the router, possibly through the input's back-pressure waits. */
    @FunctionalInterface
    public interface Downstream {
        /** Completes once every record of {@code request} is stored; fails when it was not. */
        CompletableFuture<IngestResult> submit(IngestRequest request);
    }

    /** What one input's carries hold together: streams and record bytes. Thread-safe. */
    public static final class Bounds {
        private final int maxStreams;
        private final long maxBytes;
        private int streams;
        private long bytes;

        public Bounds(int maxStreams, long maxBytes) {
            this.maxStreams = maxStreams;
            this.maxBytes = maxBytes;
        }

        /** The bounds of {@link ReadingKeys#MAX_HELD_STREAMS} and {@link ReadingKeys#MAX_HELD_BYTES}. */
        public static Bounds standard() { return new Bounds(ReadingKeys.MAX_HELD_STREAMS, ReadingKeys.MAX_HELD_BYTES); }

        synchronized boolean tryHold(long b) {
            if (streams >= maxStreams || bytes + b > maxBytes) {
                return false;
            }
            streams++;
            bytes += b;
            return true;
        }

        synchronized void release(long b) {
            streams--;
            bytes -= b;
        }

        /** Streams held now, by every carry of the input. */
        public synchronized int streams() { return streams; }
    }

    /** A request owed its outcome, and the sends that hold its records. */
    private static final class Owner {
        final IngestRequest request;
        final CompletableFuture<IngestResult> result = new CompletableFuture<>();
        final List<CompletableFuture<IngestResult>> sends = new ArrayList<>(2);

        Owner(IngestRequest request) { this.request = request; }
    }

    /** One stream's held lines, each with the request it came in ({@code owners}), and its flush timer. */
    private static final class Held {
        final RecordBlock records;
        final Owner[] owners;
        final IngestRequest last;
        final Downstream down;
        ScheduledFuture<?> timer;

        Held(RecordBlock records, Owner[] owners, IngestRequest last, Downstream down) {
            this.records = records;
            this.owners = owners;
            this.last = last;
            this.down = down;
        }
    }

    private final MultilineRules rules;
    private final long flushNanos;
    private final ScheduledExecutorService timer;
    private final Bounds bounds;
    private final Counter flushedOnBound;
    private final Counter flushedOnClose;
    private final MultilineJoiner joiner = new MultilineJoiner();
    private final Map<Object, Held> held = new HashMap<>();
    private final RecordBlockBuilder now = new RecordBlockBuilder(16 * 1024);
    private final RecordBlockBuilder later = new RecordBlockBuilder(4 * 1024);
    private boolean[] mask = new boolean[256];
    private boolean closed;

    /**
     * @param timer runs the flush timeouts; not shut down by {@link #close}
     */
    public MultilineCarry(MultilineSpec spec, Duration flushTimeout, ScheduledExecutorService timer, Bounds bounds,
                          MeterRegistry registry, String input) {
        this.rules = new MultilineRules(spec);
        this.flushNanos = flushTimeout.toNanos();
        this.timer = timer;
        this.bounds = bounds;
        this.flushedOnBound = Counter.builder(MetricNames.MULTILINE_FLUSHED_EARLY).tag(MetricNames.INPUT, input)
                .tag(MetricNames.REASON, "bound").register(registry);
        this.flushedOnClose = Counter.builder(MetricNames.MULTILINE_FLUSHED_EARLY).tag(MetricNames.INPUT, input)
                .tag(MetricNames.REASON, "closed").register(registry);
    }

    /** The input's {@code multiline:} rules, or null when it sets none (then nothing is carried). */
    public static MultilineSpec spec(InputSpec spec) {
        Object m = spec.options().get(ReadingKeys.MULTILINE);
        return m instanceof MultilineSpec rules && !rules.isNone() ? rules : null;
    }

    /** The input's {@code flush_timeout}. */
    public static Duration flushTimeout(InputSpec spec) {
        Object t = spec.options().get(ReadingKeys.FLUSH_TIMEOUT);
        return t instanceof Duration d ? d : Duration.ofSeconds(1);
    }

    /**
     * Sends {@code request}'s records, with the lines held for {@code stream} before them, less
     * the lines of events still open at their end (held for the stream's next request).
     *
     * @return completes once every record of {@code request} is stored
     */
    public synchronized CompletableFuture<IngestResult> submit(Object stream, IngestRequest request, Downstream down) {
        Owner me = new Owner(request);
        Held h = take(stream);
        if (closed) {
            if (h != null) {
                send(h.records, h.owners, h.last, h.down, null, flushedOnClose);
            }
            send(request.records(), fill(me, request.records().count()), request, down, request.chunkId(), null);
            return me.result;
        }
        RecordBlock all = h == null ? request.records() : concat(h.records, request.records());
        Owner[] owners = new Owner[all.count()];
        int from = 0;
        if (h != null) {
            System.arraycopy(h.owners, 0, owners, 0, h.owners.length);
            from = h.owners.length;
        }
        Arrays.fill(owners, from, owners.length, me);
        joiner.scan(all, rules);
        if (mask.length < all.count()) {
            mask = new boolean[Math.max(all.count(), mask.length * 2)];
        }
        int open = joiner.openLines(flushNanos, mask);
        if (open == 0) {
            send(all, owners, request, down, h == null ? request.chunkId() : null, null);
            return me.result;
        }
        now.reset(1 << 20);
        later.reset(1 << 20);
        List<Owner> nowOwners = new ArrayList<>();
        Owner[] laterOwners = new Owner[open];
        int k = 0;
        RecordCursor c = all.cursor();
        for (int i = 0; c.next(); i++) {
            if (mask[i]) {
                later.addEncoded(c);
                laterOwners[k++] = owners[i];
            } else {
                now.addEncoded(c);
                nowOwners.add(owners[i]);
            }
        }
        RecordBlock keep = later.build();
        if (!bounds.tryHold(keep.length())) {
            send(all, owners, request, down, null, flushedOnBound);
            return me.result;
        }
        Held next = new Held(keep, laterOwners, request, down);
        try {
            next.timer = timer.schedule(() -> timedOut(stream, next), flushNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) { // the scheduler is shut down: nothing could flush it later
            bounds.release(keep.length());
            send(all, owners, request, down, null, flushedOnClose);
            return me.result;
        }
        held.put(stream, next);
        Map<Owner, Boolean> stillHeld = new IdentityHashMap<>();
        for (Owner o : laterOwners) {
            stillHeld.put(o, Boolean.TRUE);
        }
        send(now.build(), nowOwners.toArray(Owner[]::new), request, down, null, null, stillHeld);
        return me.result;
    }

    /**
     * Sends the held lines of every stream {@code which} accepts as they are (a Forward
     * connection closing: its streams), counted {@code reason=closed}.
     */
    public synchronized void flush(Predicate<Object> which) {
        for (Object stream : new ArrayList<>(held.keySet())) {
            if (which.test(stream)) {
                Held h = take(stream);
                send(h.records, h.owners, h.last, h.down, null, flushedOnClose);
            }
        }
    }

    /** Streams with held lines in this carry. */
    public synchronized int heldStreams() { return held.size(); }

    /** Sends every held line as it is; later requests are sent whole, nothing held. */
    @Override
    public synchronized void close() {
        flush(s -> true);
        closed = true;
    }

    /** Removes {@code stream}'s held lines (cancelling their timer), or null when it holds none. */
    private Held take(Object stream) {
        Held h = held.remove(stream);
        if (h != null) {
            h.timer.cancel(false);
            bounds.release(h.records.length());
        }
        return h;
    }

    /** The flush timeout of {@code h}, held for {@code stream}, passed with no later request of the stream. */
    private synchronized void timedOut(Object stream, Held h) {
        if (held.get(stream) == h) { // else a later request took it (the timer fired as it was cancelled)
            take(stream);
            send(h.records, h.owners, h.last, h.down, null, null);
        }
    }

    /**
     * Sends {@code records} (each from the request in {@code owners}) on, and settles every owner
     * none of whose records stays held once it is stored.
     */
    private void send(RecordBlock records, Owner[] owners, IngestRequest like, Downstream down, String chunkId, Counter early) {
        send(records, owners, like, down, chunkId, early, Map.of());
    }

    /** As above; the owners in {@code stillHeld} have records held here still, so they are not settled yet. */
    private void send(RecordBlock records, Owner[] owners, IngestRequest like, Downstream down, String chunkId, Counter early,
                      Map<Owner, Boolean> stillHeld) {
        if (early != null) {
            early.increment();
        }
        CompletableFuture<IngestResult> f = null;
        if (records.count() > 0) {
            IngestRequest r = new IngestRequest(like.source(), like.tag(), records, chunkId, like.receivedAtNanos(), null);
            try {
                f = down.submit(r);
            } catch (RuntimeException e) {
                f = CompletableFuture.failedFuture(e);
            }
        }
        Map<Owner, Boolean> seen = new IdentityHashMap<>();
        for (Owner o : owners) {
            if (seen.put(o, Boolean.TRUE) == null) {
                if (f != null) {
                    o.sends.add(f);
                }
                if (!stillHeld.containsKey(o)) {
                    settle(o, chunkId != null ? f : null);
                }
            }
        }
    }

    /** Completes {@code o}'s outcome once every send holding its records is done: the request's own when it went whole. */
    private static void settle(Owner o, CompletableFuture<IngestResult> whole) {
        if (whole != null) {
            whole.whenComplete((r, e) -> {
                if (e != null) {
                    o.result.completeExceptionally(e);
                } else {
                    o.result.complete(r);
                }
            });
            return;
        }
        CompletableFuture.allOf(o.sends.toArray(CompletableFuture[]::new)).whenComplete((v, e) -> {
            if (e != null) {
                o.result.completeExceptionally(e instanceof CompletionException && e.getCause() != null ? e.getCause() : e);
            } else {
                o.result.complete(new IngestResult(o.request.records().count(), 0));
            }
        });
    }

    private static Owner[] fill(Owner o, int n) {
        Owner[] out = new Owner[n];
        Arrays.fill(out, o);
        return out;
    }

    private static RecordBlock concat(RecordBlock a, RecordBlock b) {
        RecordBlockBuilder out = new RecordBlockBuilder(a.length() + b.length() + 64);
        for (RecordBlock x : List.of(a, b)) {
            RecordCursor c = x.cursor();
            while (c.next()) {
                out.addEncoded(c);
            }
        }
        return out.build();
    }
}
