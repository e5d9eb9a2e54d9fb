package io.loglane.inputs.multiline;

import io.loglane.core.config.InputSpec;
import io.loglane.core.config.ReadingKeys;
import io.loglane.core.event.RecordBlock;
import io.loglane.core.ingest.ChunkIds;
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
import java.util.BitSet;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
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
 * <p>Chunk ids (so that a resent request stores every line once): every send is named by the
 * lines it holds, never by when it happens. A request sent exactly as it came keeps its chunk id;
 * the lines of one request sent apart from the rest of it are the part {@code (its id, their line
 * indices)} ({@link ChunkIds#part}); a send mixing the lines of several requests is named by their
 * parts in order ({@link ChunkIds#carry}), and a lane remembers each part of such a send as stored
 * too. Which lines of a request are held depends on the request alone (but for an event cut at
 * the joiner's bounds across requests, or a rule whose state runs on from held lines: then the
 * ids differ and the lines are stored twice, never lost), so a request resent alone
 * (after a {@code kill -9} lost what was held) sends its stored lines under the ids they were
 * stored with, as duplicates, and only its lines that were held when the process died are stored.
 * A request resent while this process runs is answered with the first copy's outcome
 * ({@link RecentRequests}) and carries nothing. A duplicate id means the same lines (ids name
 * line indices), so a line is never dropped as a duplicate of a send it was not in. What stays
 * inexact: after a crash, a resent request whose lines are mixed with <em>another</em> neighbour
 * than the first time (a Forward sender with several chunks in flight on one connection that
 * resends after a new chunk; HTTP clients of one tag, which share a stream) sends a mix never
 * stored before, whose lines may be stored twice (never lost). A Forward sender that waits for
 * each ack (Fluent Bit, Docker's fluentd driver) never mixes requests: every send holds one
 * request's lines.
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

    /**
     * Records with, for each, the request it came in ({@code owners}) and its index there
     * ({@code lines}): what a send's chunk id is derived from.
     */
    private record Lines(RecordBlock records, Owner[] owners, int[] lines) {}

    /** One stream's held lines and its flush timer. */
    private static final class Held {
        final Lines lines;
        final IngestRequest last;
        final Downstream down;
        ScheduledFuture<?> timer;

        Held(Lines lines, IngestRequest last, Downstream down) {
            this.lines = lines;
            this.last = last;
            this.down = down;
        }
    }

    /** How many chunk ids the carry remembers for resends while it runs ({@link RecentRequests}). */
    static final int RECENT_MAX = 16_384;
    /** How long it remembers each: the lanes' default {@code stream.dedup_window}. */
    static final long RECENT_KEEP_NANOS = TimeUnit.HOURS.toNanos(1);

    private final MultilineRules rules;
    private final long flushNanos;
    private final ScheduledExecutorService timer;
    private final Bounds bounds;
    private final Counter flushedOnBound;
    private final Counter flushedOnClose;
    private final MultilineJoiner joiner = new MultilineJoiner();
    private final RecentRequests recent = new RecentRequests(RECENT_MAX, RECENT_KEEP_NANOS, System::nanoTime);
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
        CompletableFuture<IngestResult> prior = recent.prior(request.chunkId());
        if (prior != null) { // a resend: the first copy's lines are stored or held; answered with it
            int n = request.records().count();
            return prior.thenApply(r -> new IngestResult(0, n));
        }
        Owner me = new Owner(request);
        recent.add(request.chunkId(), me.result);
        Lines mine = new Lines(request.records(), fill(me, request.records().count()), indices(request.records().count()));
        Held h = take(stream);
        if (closed) {
            if (h != null) {
                send(h.lines, h.last, h.down, flushedOnClose);
            }
            send(mine, request, down, null);
            return me.result;
        }
        Lines all = h == null ? mine : concat(h.lines, mine);
        int count = all.records.count();
        joiner.scan(all.records, rules);
        if (mask.length < count) {
            mask = new boolean[Math.max(count, mask.length * 2)];
        }
        int open = joiner.openLines(flushNanos, mask);
        if (open == 0) {
            send(all, request, down, null);
            return me.result;
        }
        now.reset(1 << 20);
        later.reset(1 << 20);
        Owner[] nowOwners = new Owner[count - open];
        int[] nowLines = new int[count - open];
        Owner[] laterOwners = new Owner[open];
        int[] laterLines = new int[open];
        int k = 0;
        int j = 0;
        RecordCursor c = all.records.cursor();
        for (int i = 0; c.next(); i++) {
            if (mask[i]) {
                later.addEncoded(c);
                laterOwners[k] = all.owners[i];
                laterLines[k++] = all.lines[i];
            } else {
                now.addEncoded(c);
                nowOwners[j] = all.owners[i];
                nowLines[j++] = all.lines[i];
            }
        }
        Lines keep = new Lines(later.build(), laterOwners, laterLines);
        if (!bounds.tryHold(keep.records.length())) {
            send(all, request, down, flushedOnBound);
            return me.result;
        }
        Held next = new Held(keep, request, down);
        try {
            next.timer = timer.schedule(() -> timedOut(stream, next), flushNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) { // the scheduler is shut down: nothing could flush it later
            bounds.release(keep.records.length());
            send(all, request, down, flushedOnClose);
            return me.result;
        }
        held.put(stream, next);
        Map<Owner, Boolean> stillHeld = new IdentityHashMap<>();
        for (Owner o : laterOwners) {
            stillHeld.put(o, Boolean.TRUE);
        }
        send(new Lines(now.build(), nowOwners, nowLines), request, down, null, stillHeld);
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
                send(h.lines, h.last, h.down, flushedOnClose);
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
            bounds.release(h.lines.records.length());
        }
        return h;
    }

    /** The flush timeout of {@code h}, held for {@code stream}, passed with no later request of the stream. */
    private synchronized void timedOut(Object stream, Held h) {
        if (held.get(stream) == h) { // else a later request took it (the timer fired as it was cancelled)
            take(stream);
            send(h.lines, h.last, h.down, null);
        }
    }

    /**
     * Sends {@code lines} on under the chunk id they name, and settles every owner none of whose
     * records stays held once it is stored.
     */
    private void send(Lines lines, IngestRequest like, Downstream down, Counter early) {
        send(lines, like, down, early, Map.of());
    }

    /** As above; the owners in {@code stillHeld} have records held here still, so they are not settled yet. */
    private void send(Lines lines, IngestRequest like, Downstream down, Counter early, Map<Owner, Boolean> stillHeld) {
        if (early != null) {
            early.increment();
        }
        LinkedHashMap<Owner, BitSet> parts = parts(lines);
        CompletableFuture<IngestResult> f = null;
        if (lines.records.count() > 0) {
            List<String> ids = new ArrayList<>(parts.size());
            parts.forEach((o, bits) -> ids.add(ChunkIds.part(o.request.chunkId(), o.request.records().count(), bits)));
            IngestRequest r = new IngestRequest(like.source(), like.tag(), lines.records, ChunkIds.carry(ids), like.receivedAtNanos(), null);
            try {
                f = down.submit(r);
            } catch (RuntimeException e) {
                f = CompletableFuture.failedFuture(e);
            }
        }
        Owner whole = parts.size() == 1 && lines.records.count() == lines.owners[0].request.records().count() ? lines.owners[0] : null;
        for (Owner o : parts.keySet()) {
            if (f != null) {
                o.sends.add(f);
            }
            if (!stillHeld.containsKey(o)) {
                settle(o, o == whole ? f : null);
            }
        }
    }

    /** Each owner of {@code lines} (in the order of its first line) with the indices of its lines there. */
    private static LinkedHashMap<Owner, BitSet> parts(Lines lines) {
        LinkedHashMap<Owner, BitSet> parts = new LinkedHashMap<>();
        for (int i = 0; i < lines.owners.length; i++) {
            parts.computeIfAbsent(lines.owners[i], o -> new BitSet()).set(lines.lines[i]);
        }
        return parts;
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

    private static int[] indices(int n) {
        int[] out = new int[n];
        Arrays.setAll(out, i -> i);
        return out;
    }

    private static Lines concat(Lines a, Lines b) {
        RecordBlockBuilder out = new RecordBlockBuilder(a.records.length() + b.records.length() + 64);
        for (RecordBlock x : List.of(a.records, b.records)) {
            RecordCursor c = x.cursor();
            while (c.next()) {
                out.addEncoded(c);
            }
        }
        Owner[] owners = Arrays.copyOf(a.owners, a.owners.length + b.owners.length);
        System.arraycopy(b.owners, 0, owners, a.owners.length, b.owners.length);
        int[] lines = Arrays.copyOf(a.lines, a.lines.length + b.lines.length);
        System.arraycopy(b.lines, 0, lines, a.lines.length, b.lines.length);
        return new Lines(out.build(), owners, lines);
    }
}
