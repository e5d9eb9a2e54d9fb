package io.loglane.stream.journal;

import io.loglane.core.config.Durability;
import io.loglane.core.ingest.ChunkIds;
import io.loglane.core.ingest.IngestRejectedException;
import io.loglane.core.ingest.IngestRejectedException.Reason;
import io.loglane.core.io.DiskFull;
import io.loglane.stream.AppendRequest;
import io.loglane.stream.AppendResult;
import io.loglane.stream.LanePart;
import io.loglane.stream.LaneStream;
import io.loglane.stream.LaneStreams;
import io.loglane.stream.io.ChannelOpener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a request that spans several lanes atomic on the embedded stream, by write-ahead logging:
 * the whole request (every lane's part) is first written as one record to the request journal
 * ({@link RequestJournal}, FORMAT.md), fsynced when any of its lanes is a {@code sync} lane, and
 * only then are the parts appended to their lanes. The journal record is the commit point:
 * <ul>
 *   <li>when it cannot be written (disk full, I/O error) the request is refused whole and no lane
 *       has been touched;</li>
 *   <li>once it is written, the request will be stored whole: a part its lane refuses now (disk
 *       full, a failed lane, back-pressure from a race) is <em>deferred</em>, appended again with
 *       backoff until the lane takes it ({@link AppendResult#deferred}), and a crash at any point
 *       (kill -9 between two parts' appends) is repaired at the next {@link #start()}, which
 *       appends every part the journal does not record as applied.</li>
 * </ul>
 * A re-append is stored once because every part carries the request's chunk id (or, when it has
 * none, {@link ChunkIds#journal}), which each lane de-duplicates within {@code stream.dedup_window};
 * an applied record per part (written after its append, not fsynced) spares most re-appends.
 * While a lane owes a deferred part, further multi-lane requests with a part in that lane are
 * refused whole ({@code BACKPRESSURE}), so the journal holds at most what was in flight.
 *
 * <p>What it costs: a multi-lane request is written twice (journal and lanes) and, on sync lanes,
 * fsynced twice in sequence. Requests with one part, and those whose parts all go to memory lanes
 * (which lose their buffer in a crash anyway and refuse only when closed), bypass the journal and
 * pay nothing.
 *
 * <p>What it does not do: parts become visible to each lane's consumers as each lane stores them,
 * as events of one request in different lanes always have (each lane is delivered on its own);
 * a part redone after a restart has no completeness-ledger source (the ledger entry lived in the
 * process that crashed). On {@code disk} lanes the journal is not fsynced, like the lanes: a power
 * loss may lose a request or part of it, as it may lose any acknowledged batch of a disk lane.
 *
 * <p>Thread-safety: safe for concurrent use after {@link #start()}.
 */
public final class AtomicAppender implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AtomicAppender.class);
    /** The journal's directory under the stream directory; no lane can have this name (lane names start with a letter). */
    public static final String DIRECTORY = ".journal";
    /** Journal file size past which the next request starts a new file. */
    public static final long DEFAULT_ROLL_BYTES = 8L << 20;
    private static final long FIRST_RETRY_MILLIS = 100;
    private static final long MAX_RETRY_MILLIS = 5_000;
    /** How long {@link #start()} waits for the re-appends of an earlier run's requests. */
    private static final long RECOVERY_WAIT_SECONDS = 60;

    private final RequestJournal journal;
    private final Function<String, LaneStream> lanes;
    private final AtomicLong nextTxn = new AtomicLong(new SecureRandom().nextLong() & Long.MAX_VALUE);
    /** Deferred parts per lane name. */
    private final Map<String, AtomicInteger> owed = new ConcurrentHashMap<>();
    private final ScheduledExecutorService retries;
    private final Counter deferred;
    private final Counter redone;
    private volatile boolean open;

    /**
     * @param streamDir the stream directory; the journal lives in {@code streamDir/.journal/}
     * @param lanes     every lane by name (a journaled part names its lane)
     */
    public AtomicAppender(Path streamDir, Function<String, LaneStream> lanes, MeterRegistry registry, long rollBytes, ChannelOpener opener) {
        this.journal = new RequestJournal(streamDir.resolve(DIRECTORY), rollBytes, opener);
        this.lanes = lanes;
        this.retries = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("loglane-journal-redo").unstarted(r));
        this.deferred = Counter.builder("loglane.stream.journal.parts.deferred")
                .description("parts of multi-lane requests a lane refused after the request was journaled (appended again later)").register(registry);
        this.redone = Counter.builder("loglane.stream.journal.parts.redone")
                .description("deferred or crash-interrupted parts of multi-lane requests appended again and stored").register(registry);
    }

    /**
     * Opens the journal and appends every part an earlier run journaled but did not record as
     * applied (a crash between the parts), waiting up to a minute for them; a part its lane still
     * refuses is retried in the background. Call after every lane has started.
     */
    public void start() throws IOException {
        List<RequestJournal.Pending> pending = journal.open();
        open = true;
        List<CompletableFuture<AppendResult>> firsts = new ArrayList<>();
        int parts = 0;
        for (RequestJournal.Pending p : pending) {
            JournalCodec.Request r = p.request();
            for (int i = 0; i < r.parts().size(); i++) {
                if (p.applied()[i]) {
                    continue;
                }
                JournalCodec.Part part = r.parts().get(i);
                LaneStream lane;
                try {
                    lane = lanes.apply(part.lane());
                } catch (IllegalArgumentException e) {
                    LOG.error("request journal: request {} has a part of {} record(s) for lane {}, which is no longer configured; "
                            + "it is not stored", Long.toHexString(r.txnId()), part.records().count(), part.lane());
                    journal.applied(p.ticket(), r.txnId(), i);
                    continue;
                }
                AppendRequest request = new AppendRequest(r.tag(), part.records(), r.receivedAtNanos(), r.chunkId(), r.sourcePosition(), null);
                CompletableFuture<AppendResult> first = new CompletableFuture<>();
                appendPart(p.ticket(), r.txnId(), i, lane, request, first, true);
                firsts.add(first);
                parts++;
            }
        }
        if (parts > 0) {
            try {
                CompletableFuture.allOf(firsts.toArray(CompletableFuture[]::new)).get(RECOVERY_WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
                LOG.warn("request journal: not every re-append finished at start; the rest continue in the background");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            long stored = firsts.stream().filter(f -> f.isDone() && !f.isCompletedExceptionally() && !f.join().duplicate()
                    && !f.join().deferred()).count();
            long duplicates = firsts.stream().filter(f -> f.isDone() && !f.isCompletedExceptionally() && f.join().duplicate()).count();
            // The crash tests read this line: "stored now" > 0 proves a crash fell between a request's parts.
            LOG.info("request journal: re-appended {} part(s) of {} multi-lane request(s) an earlier run did not finish: "
                    + "{} stored now, {} already stored (de-duplicated), {} deferred", parts, pending.size(), stored, duplicates,
                    parts - stored - duplicates);
        }
    }

    /**
     * Appends the parts of one request as a unit (see the class comment and
     * {@link LaneStreams#appendAll}): either every returned future fails (with the same rejection)
     * and nothing was stored, or every one completes normally, a part refused after the commit
     * point as {@link AppendResult#deferred}.
     */
    public List<CompletableFuture<AppendResult>> append(List<LanePart> parts) {
        boolean durable = false;
        boolean sync = false;
        for (LanePart p : parts) {
            durable |= p.lane().durability() != Durability.MEMORY;
            sync |= p.lane().durability() == Durability.SYNC;
        }
        if (parts.size() < 2 || !durable) {
            return LaneStreams.appendEach(parts);
        }
        if (!open) {
            return refuseAll(parts, new IngestRejectedException(Reason.STORAGE_ERROR, "the stream is not open"));
        }
        for (LanePart p : parts) {
            AtomicInteger o = owed.get(p.lane().lane());
            if (o != null && o.get() > 0) {
                return refuseAll(parts, new IngestRejectedException(Reason.BACKPRESSURE, "lane " + p.lane().lane()
                        + " has " + o.get() + " part(s) of earlier requests waiting to be stored"));
            }
        }
        long txn = nextTxn.getAndIncrement();
        AppendRequest first = parts.getFirst().request();
        String chunk = first.chunkId() != null ? first.chunkId() : ChunkIds.journal(txn);
        List<String> names = new ArrayList<>(parts.size());
        List<AppendRequest> requests = new ArrayList<>(parts.size());
        for (LanePart p : parts) {
            AppendRequest r = p.request();
            names.add(p.lane().lane());
            requests.add(new AppendRequest(r.tag(), r.records(), r.receivedAtNanos(), chunk, r.sourcePosition(), r.source()));
        }
        RequestJournal.Ticket ticket;
        try {
            ticket = journal.write(JournalCodec.request(txn, chunk, names, requests), parts.size(), sync);
        } catch (IllegalArgumentException e) {
            return refuseAll(parts, new IngestRejectedException(Reason.INVALID, "request cannot be journaled: " + e.getMessage(), e));
        } catch (IOException e) {
            Reason reason = DiskFull.is(e) ? Reason.DISK_FULL : Reason.STORAGE_ERROR;
            return refuseAll(parts, new IngestRejectedException(reason, "request journal: " + e.getMessage()
                    + (reason == Reason.DISK_FULL ? " (requests are taken again once space is freed)" : ""), e));
        }
        List<CompletableFuture<AppendResult>> out = new ArrayList<>(parts.size());
        for (int i = 0; i < parts.size(); i++) {
            CompletableFuture<AppendResult> f = new CompletableFuture<>();
            appendPart(ticket, txn, i, parts.get(i).lane(), requests.get(i), f, false);
            out.add(f);
        }
        return out;
    }

    /**
     * Appends one journaled part; {@code result} completes with the first attempt's outcome (or
     * deferred). A refused part is retried with capped exponential backoff until stored.
     */
    private void appendPart(RequestJournal.Ticket ticket, long txn, int index, LaneStream lane, AppendRequest request,
            CompletableFuture<AppendResult> result, boolean redo) {
        attempt(ticket, txn, index, lane, request, result, redo, 0);
    }

    private void attempt(RequestJournal.Ticket ticket, long txn, int index, LaneStream lane, AppendRequest request,
            CompletableFuture<AppendResult> result, boolean redo, int failures) {
        CompletableFuture<AppendResult> f;
        try {
            f = lane.append(request);
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        f.whenComplete((r, e) -> {
            if (e == null) {
                journal.applied(ticket, txn, index);
                if (failures > 0) {
                    owed.get(lane.lane()).decrementAndGet();
                }
                if (failures > 0 || redo) {
                    redone.increment();
                }
                result.complete(r);
                return;
            }
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            if (failures == 0) {
                owed.computeIfAbsent(lane.lane(), k -> new AtomicInteger()).incrementAndGet();
                deferred.increment();
                LOG.warn("lane {} refused part {} of multi-lane request {} after it was journaled ({}); appending it again until stored",
                        lane.lane(), index, Long.toHexString(txn), cause.toString());
                result.complete(new AppendResult(-1, request.records().count(), false, true));
            }
            if (!open) {
                return; // closing: the journal keeps the part and the next start appends it
            }
            long delay = Math.min(MAX_RETRY_MILLIS, FIRST_RETRY_MILLIS << Math.min(failures, 16));
            try {
                retries.schedule(() -> attempt(ticket, txn, index, lane, request, result, redo, failures + 1), delay, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                // closed meanwhile: the next start appends it
            }
        });
    }

    /** Parts of multi-lane requests journaled but not yet stored in their lanes. */
    public int unappliedParts() { return journal.unappliedParts(); }

    /** Parts waiting for a lane that refused them (retried in the background). */
    public int deferredParts() {
        int n = 0;
        for (AtomicInteger a : owed.values()) {
            n += a.get();
        }
        return n;
    }

    /** Journal files on disk (status, tests). */
    public int journalFiles() throws IOException { return journal.files(); }

    private static List<CompletableFuture<AppendResult>> refuseAll(List<LanePart> parts, IngestRejectedException e) {
        List<CompletableFuture<AppendResult>> out = new ArrayList<>(parts.size());
        for (int i = 0; i < parts.size(); i++) {
            out.add(CompletableFuture.failedFuture(e));
        }
        return out;
    }

    /**
     * Stops retrying and closes the journal; parts still owed stay in it for the next start.
     * Call before the lanes close.
     */
    @Override
    public void close() throws IOException, InterruptedException {
        open = false;
        retries.shutdownNow();
        retries.awaitTermination(10, TimeUnit.SECONDS);
        journal.close();
    }
}
