package io.loglane.stream.local;

import io.loglane.stream.io.ChannelOpener;
import io.loglane.core.config.Durability;
import io.loglane.core.config.LaneSpec;
import io.loglane.core.config.StreamSettings;
import io.loglane.core.ingest.IngestRejectedException;
import io.loglane.core.ingest.IngestRejectedException.Reason;
import io.loglane.core.io.DiskFull;
import io.loglane.core.io.Fsync;
import io.loglane.core.telemetry.MetricNames;
import io.loglane.stream.AppendFailure;
import io.loglane.stream.AppendRequest;
import io.loglane.stream.AppendResult;
import io.loglane.stream.LaneStream;
import io.loglane.stream.StreamReader;
import io.loglane.stream.dedup.DedupWindow;
import io.loglane.stream.dedup.Deduplicator;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A disk or sync lane: the segmented log of one lane directory.
 *
 * <h2>Append path</h2>
 * The appending thread encodes the batch (LZ4 and CRC32C) without any lock, then takes the append
 * lock for: the back-pressure check, a segment roll if due, setting the base offset, and one
 * {@code FileChannel.write}. A {@code disk} lane is durable once that write returns; a
 * {@code sync} lane hands the append to its {@link GroupCommitter}. Readers see data only up to the
 * durable end, and {@link LaneReader#poll} waits on a condition for it to move.
 *
 * <h2>Disk full and other write failures</h2>
 * A failed write is cut off again ({@link Segment#truncateTo}) and a failed segment roll leaves the
 * lane as it was: a sync lane seals the full segment (fsync, index) before it creates the next one,
 * so the same segment takes the next append and the roll is simply tried again; the lane therefore
 * takes appends again by itself once space returns. Such refusals carry
 * {@link Reason#DISK_FULL} when the disk or a quota is full ({@link DiskFull}), else
 * {@link Reason#STORAGE_ERROR}, and are visible in {@link #lastAppendFailure()} until an append is
 * stored again. Only what breaks a promise is final until a restart: a failed fsync on a sync lane
 * (its bytes may be gone from the page cache while a later fsync reports success) or a failed
 * write that cannot be cut off.
 *
 * <h2>Back-pressure</h2>
 * When consumers are registered, the bytes from the lowest committed checkpoint to the end
 * (measured with the sparse index, so slightly over-counted) plus the new batch may not exceed
 * {@code maxLaneBytes}; otherwise the append fails with {@link Reason#BACKPRESSURE}. Committing a
 * checkpoint frees capacity at once. A lane with no registered consumer has no back-pressure;
 * its retention alone bounds it.
 *
 * <h2>Retention</h2>
 * {@link #enforceRetention()} deletes whole sealed segments, oldest first, while the oldest is past
 * {@code retention.maxAge} (by the newest arrival time it holds, against the injected clock) or the
 * lane exceeds {@code retention.maxBytes}, but never a segment holding offsets at or above the
 * lowest committed checkpoint. The active segment is never deleted.
 *
 * <h2>Corruption found while running</h2>
 * Start-up trusts the index of a sealed segment and does not re-read it, so bit rot there is first
 * met by a reader. The reader then calls {@link #repairCorruptSegment}, which recovers that one
 * segment as start-up recovery would with its index deleted ({@link SegmentRepair}): the damaged
 * bytes are quarantined, every intact batch before and after them is kept (those after move to a
 * segment of their own), and the dropped records' offsets become a gap that readers pass over.
 * The loss is logged once (WARN) and counted ({@link MetricNames#STREAM_REPAIRS},
 * {@link MetricNames#STREAM_RECORDS_LOST}, {@link MetricNames#STREAM_BYTES_QUARANTINED}).
 *
 * <h2>De-duplication</h2>
 * By the shared {@link Deduplicator}; at start-up its window is rebuilt from the headers of the newest
 * batches whose arrival time lies within the window (at most {@code dedupMaxEntries} ids).
 *
 * <p>Thread-safety: safe for concurrent appenders, readers and retention.
 */
public final class LaneLog implements LaneStream {
    private static final Logger LOG = LoggerFactory.getLogger(LaneLog.class);
    /** Sparse index granularity; batches are usually larger, so most batches get an entry. */
    static final int INDEX_INTERVAL_BYTES = 4096;

    private final LaneSpec spec;
    private final Path dir;
    private final StreamSettings settings;
    private final MeterRegistry registry;
    private final Clock clock;
    private final Executor sealer;
    private final boolean compress;
    private final LocalCheckpoints checkpoints;
    private final Deduplicator dedup;
    /** The audit hash chain of an {@code audit_chain} lane (guarded by the append lock), else null. */
    private final LaneChain chain;

    private final ReentrantLock appendLock = new ReentrantLock();
    private final ReentrantLock dataLock = new ReentrantLock();
    private final Condition dataArrived = dataLock.newCondition();
    private final AtomicInteger waitingReaders = new AtomicInteger();
    private final AtomicInteger appendersInFlight = new AtomicInteger();
    /** Held for a whole {@link #repairCorruptSegment}: one repair at a time, and close waits for it. */
    private final ReentrantLock repairLock = new ReentrantLock();

    private volatile Segments segments;
    private Segment active;
    private volatile long durableEnd;
    private volatile IOException failure;
    private volatile AppendFailure lastFailure;
    private volatile ChannelOpener opener = ChannelOpener.DEFAULT;
    private volatile boolean open;
    private volatile RecoveryReport report;
    /** The segment being repaired (guarded by the append lock): retention leaves it alone. */
    private Segment repairing;
    private GroupCommitter committer;
    private volatile GroupCommitter.Fsync fsync = Segment::flush;
    private Counter fsyncs;
    private Counter rejectedBackpressure;
    private Counter rejectedInvalid;
    private Counter rejectedStorage;
    private Counter rejectedDiskFull;
    private Counter sealFailures;
    private Counter repairs;
    private Counter recordsLost;
    private Counter bytesQuarantined;

    /**
     * @param laneDir  this lane's directory (created if missing)
     * @param sealer   runs segment seals (fsync + index write) of disk lanes off the append path
     */
    public LaneLog(Path laneDir, LaneSpec spec, StreamSettings settings, MeterRegistry registry, Clock clock, Executor sealer) {
        if (spec.durability() == Durability.MEMORY) {
            throw new IllegalArgumentException("lane " + spec.name() + " is a memory lane");
        }
        this.spec = spec;
        this.dir = laneDir;
        this.settings = settings;
        this.registry = registry;
        this.clock = clock;
        this.sealer = sealer;
        this.compress = true;
        this.checkpoints = new LocalCheckpoints(laneDir, this::startOffset, this::endOffset);
        this.dedup = new Deduplicator(new DedupWindow(settings.dedupWindow().toNanos(), settings.dedupMaxEntries()), clock);
        this.chain = spec.auditChain() ? new LaneChain(spec.name(), laneDir) : null;
    }

    @Override
    public String lane() { return spec.name(); }

    @Override
    public Durability durability() { return spec.durability(); }

    /** Replaces how a sync lane's group commit fsyncs the active segment; for tests (hold or fail an fsync). */
    void fsyncHook(GroupCommitter.Fsync hook) { this.fsync = hook; }

    /** Replaces how the lane opens its segment and index files; for tests (a disk that fills up). Call before {@link #start()}. */
    void storageHook(ChannelOpener hook) { this.opener = hook; }

    /** What start-up recovery found; null before {@link #start()}. */
    public RecoveryReport recoveryReport() { return report; }

    public Path directory() { return dir; }

    @Override
    public void start() throws IOException {
        LaneLoader.Loaded loaded = new LaneLoader(spec.name(), dir, INDEX_INTERVAL_BYTES, checkpoints, opener).load();
        segments = loaded.segments();
        report = loaded.report();
        active = segments.last();
        durableEnd = active.nextOffset();
        if (chain != null) {
            chain.recover(segments.all());
        }
        rebuildDedupWindow();
        String lane = spec.name();
        fsyncs = Counter.builder(MetricNames.STREAM_FSYNCS).tag(MetricNames.LANE, lane).register(registry);
        rejectedBackpressure = rejected(Reason.BACKPRESSURE);
        rejectedInvalid = rejected(Reason.INVALID);
        rejectedStorage = rejected(Reason.STORAGE_ERROR);
        rejectedDiskFull = rejected(Reason.DISK_FULL);
        sealFailures = Counter.builder(MetricNames.STREAM_SEAL_FAILURES).tag(MetricNames.LANE, lane)
                .description("segment seals (fsync + index) that failed").register(registry);
        repairs = Counter.builder(MetricNames.STREAM_REPAIRS).tag(MetricNames.LANE, lane)
                .description("segments recovered because of damaged bytes, at start-up or while running").register(registry);
        recordsLost = Counter.builder(MetricNames.STREAM_RECORDS_LOST).tag(MetricNames.LANE, lane)
                .description("records dropped with damaged bytes").register(registry);
        bytesQuarantined = Counter.builder(MetricNames.STREAM_BYTES_QUARANTINED).tag(MetricNames.LANE, lane)
                .description("damaged bytes moved out of segments into .quarantined files").register(registry);
        countRecoveryLoss(report);
        Gauge.builder(MetricNames.STREAM_BYTES, this, LaneLog::sizeBytes).tag(MetricNames.LANE, lane).register(registry);
        Gauge.builder(MetricNames.STREAM_END_OFFSET, this, LaneLog::endOffset).tag(MetricNames.LANE, lane).register(registry);
        if (spec.durability() == Durability.SYNC) {
            committer = new GroupCommitter(lane, new CommitTarget(), settings.syncMaxWait().toNanos(), fsyncs, s -> {
                IOException failed = failure;
                if (failed != null) {
                    throw failed; // a failed fsync (of a roll) came first: a later one proves nothing
                }
                fsync.force(s);
            });
            committer.start();
        }
        open = true;
    }

    private Counter rejected(Reason reason) {
        return Counter.builder("loglane.stream.appends.rejected").description("appends the stream refused")
                .tag(MetricNames.LANE, spec.name()).tag(MetricNames.REASON, reason.label()).register(registry);
    }

    @Override
    public CompletableFuture<AppendResult> append(AppendRequest request) {
        return dedup.append(request, this::store);
    }

    private CompletableFuture<AppendResult> store(AppendRequest request) {
        EncodedBatch batch;
        try {
            batch = BatchCodec.encode(request, compress, chain != null);
        } catch (IllegalArgumentException | NullPointerException e) {
            rejectedInvalid.increment();
            return CompletableFuture.failedFuture(new IngestRejectedException(Reason.INVALID, "lane " + spec.name() + ": " + e.getMessage(), e));
        }
        AppendResult result;
        appendersInFlight.incrementAndGet();
        try {
            appendLock.lock();
            try {
                if (!open) {
                    rejectedStorage.increment();
                    return CompletableFuture.failedFuture(new IngestRejectedException(Reason.STORAGE_ERROR, "lane " + spec.name() + " is closed"));
                }
                if (failure != null) {
                    return refuse(Reason.STORAGE_ERROR, "lane " + spec.name() + " failed (restart to recover): " + failure.getMessage(), failure);
                }
                long unconsumed = unconsumedBytes();
                if (!fits(unconsumed, batch.length())) {
                    rejectedBackpressure.increment();
                    return CompletableFuture.failedFuture(new IngestRejectedException(Reason.BACKPRESSURE, "lane " + spec.name()
                            + " holds " + unconsumed + " unconsumed bytes (limit " + settings.maxLaneBytes() + ")"));
                }
                if (active.size() > 0 && active.size() + batch.length() > settings.segmentBytes()) {
                    try {
                        roll();
                    } catch (IOException e) {
                        return refuse(e, "segment roll failed");
                    }
                }
                long base = active.nextOffset();
                long position = active.size();
                BatchCodec.setBaseOffset(batch.bytes(), base);
                if (chain != null) {
                    chain.stamp(batch, base, request);
                }
                try {
                    active.append(batch);
                } catch (IOException e) {
                    undoFailedWrite(position, base, e);
                    return refuse(e, "write failed");
                }
                if (chain != null) {
                    chain.commit();
                }
                result = new AppendResult(base, batch.recordCount(), false);
                if (lastFailure != null) {
                    lastFailure = null;
                }
                if (spec.durability() == Durability.DISK) {
                    durableEnd = active.nextOffset();
                }
            } finally {
                appendLock.unlock();
            }
            if (spec.durability() == Durability.DISK) {
                wakeReaders();
                return CompletableFuture.completedFuture(result);
            }
            CompletableFuture<AppendResult> f = new CompletableFuture<>();
            committer.enqueue(f, result);
            return f;
        } finally {
            appendersInFlight.decrementAndGet();
            if (committer != null) {
                committer.nudge();
            }
        }
    }

    /** Under the append lock: seals the active segment and starts the next one. */
    private void roll() throws IOException {
        roll(spec.durability() == Durability.SYNC);
    }

    /**
     * Under the append lock: seals the active segment and starts the next one. When it fails,
     * nothing has changed (the active segment takes the next append, which tries the roll again),
     * unless a sync lane's fsync failed: that fails the lane.
     *
     * @param sealNow seal on this thread, before the next segment exists (a sync lane: acks of later
     *                batches must not overtake unsynced bytes of this segment); else the sealer does
     *                it later
     */
    private void roll(boolean sealNow) throws IOException {
        Segment old = active;
        if (sealNow) {
            sealBeforeRoll(old);
        }
        Segment next;
        try {
            next = Segment.create(dir, old.nextOffset(), INDEX_INTERVAL_BYTES, opener);
        } catch (IOException e) {
            if (sealNow) {
                try {
                    Files.deleteIfExists(old.indexFile()); // it stays active and grows: the index would be stale
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed); // harmless: start-up finds it stale and rebuilds it
                }
            }
            throw e;
        }
        if (!sealNow) {
            sealer.execute(() -> sealQuietly(old));
        }
        segments.add(next);
        active = next;
        if (chain != null) {
            chain.writeHeadQuietly(); // keeps the head once retention removes the sealed segment
        }
    }

    private void sealBeforeRoll(Segment s) throws IOException {
        try {
            s.flush();
        } catch (IOException e) {
            sealFailures.increment();
            if (spec.durability() == Durability.SYNC) {
                failure = e;
                LOG.error("lane {}: fsync of {} failed; the lane can no longer promise durability and refuses appends until a restart",
                        spec.name(), s, e);
            }
            throw e;
        }
        fsyncs.increment();
        try {
            s.writeIndex();
        } catch (IOException e) {
            sealFailures.increment();
            throw e;
        }
    }

    /** Under the append lock: the failed future of an append refused because storing it failed with {@code e}. */
    private CompletableFuture<AppendResult> refuse(IOException e, String what) {
        // A failed lane stays failed once space returns: that is no disk-full the sender can wait out.
        Reason reason = failure == null && DiskFull.is(e) ? Reason.DISK_FULL : Reason.STORAGE_ERROR;
        String message = "lane " + spec.name() + ": " + what + ": " + e.getMessage()
                + (reason == Reason.DISK_FULL ? " (appends resume once space is freed)" : "");
        return refuse(reason, message, e);
    }

    private CompletableFuture<AppendResult> refuse(Reason reason, String message, IOException cause) {
        (reason == Reason.DISK_FULL ? rejectedDiskFull : rejectedStorage).increment();
        lastFailure = AppendFailure.after(lastFailure, reason, message, clock.instant());
        return CompletableFuture.failedFuture(new IngestRejectedException(reason, message, cause));
    }

    @Override
    public java.util.Optional<AppendFailure> lastAppendFailure() {
        return java.util.Optional.ofNullable(lastFailure);
    }

    /**
     * A disk lane's seal on the sealer thread. A failure costs no acknowledged data (a disk lane
     * promises to survive a process crash, which the written bytes do) but the segment has no index
     * file and, on an fsync failure, may not survive a power loss: warned and counted, and the next
     * start scans it.
     */
    private void sealQuietly(Segment s) {
        try {
            s.seal();
            fsyncs.increment();
        } catch (ClosedChannelException e) {
            LOG.debug("sealing {} skipped: closed by retention or shutdown", s); // recovery scans it instead
        } catch (IOException e) {
            sealFailures.increment();
            LOG.warn("lane {}: sealing {} failed (the next start scans it): {}", spec.name(), s, e.toString());
        }
    }

    private void undoFailedWrite(long position, long base, IOException cause) {
        try {
            active.truncateTo(position, base);
        } catch (IOException e) {
            failure = cause;
            LOG.error("lane {}: write failed and could not be undone; refusing further appends", spec.name(), e);
        }
    }

    /**
     * Admission by the same rule {@link #append} applies (see Back-pressure in the class comment).
     * The lane's total size bounds what is unconsumed, so only a lane near its limit takes the
     * append lock to count exactly.
     */
    @Override
    public boolean hasRoomFor(long bytes) {
        if (sizeBytes() + bytes <= settings.maxLaneBytes()) {
            return true;
        }
        appendLock.lock();
        try {
            return !open || fits(unconsumedBytes(), bytes); // a closed lane refuses for another reason, in append
        } finally {
            appendLock.unlock();
        }
    }

    /** Whether {@code bytes} more fit beside {@code unconsumed} ({@link #unconsumedBytes()}). */
    private boolean fits(long unconsumed, long bytes) {
        return unconsumed < 0 || unconsumed + bytes <= settings.maxLaneBytes();
    }

    /** Bytes from the lowest checkpoint to the end; -1 when no consumer is registered. */
    private long unconsumedBytes() {
        OptionalLong lowest = checkpoints.lowest();
        if (lowest.isEmpty()) {
            return -1;
        }
        long from = lowest.getAsLong();
        Segment s = segments.floor(from);
        if (s == null) {
            s = segments.first();
        }
        long n = s.size() - (from >= s.nextOffset() ? s.size() : s.floorPosition(from));
        for (Segment t = segments.next(s); t != null; t = segments.next(t)) {
            n += t.size();
        }
        return n;
    }

    /**
     * Deletes sealed segments past the lane's age or size retention, never past the lowest
     * committed checkpoint. Called by {@link LocalStream}'s scheduler and by the app.
     *
     * @return segments deleted
     */
    public int enforceRetention() {
        if (!open) {
            return 0;
        }
        List<Segment> doomed = new ArrayList<>();
        long maxAgeNanos = settings.effectiveAge(spec.retention()).toNanos();
        long maxBytes = spec.retention().maxBytes();
        long now = nowNanos();
        appendLock.lock();
        try {
            long total = segments.totalBytes();
            OptionalLong lowest = checkpoints.lowest();
            for (Segment s : segments.all()) {
                if (s == active || s == repairing) {
                    break;
                }
                boolean old = maxAgeNanos > 0 && s.maxReceivedAtNanos() < now - maxAgeNanos;
                boolean big = maxBytes > 0 && total > maxBytes;
                if (!old && !big) {
                    break;
                }
                if (lowest.isPresent() && s.nextOffset() > lowest.getAsLong()) {
                    break; // a consumer still needs it
                }
                segments.remove(s);
                total -= s.size();
                doomed.add(s);
            }
        } finally {
            appendLock.unlock();
        }
        for (Segment s : doomed) {
            try {
                s.delete();
                LOG.info("lane {}: retention deleted {}", spec.name(), s);
            } catch (IOException e) {
                LOG.warn("lane {}: could not delete {}", spec.name(), s, e);
            }
        }
        return doomed.size();
    }

    @Override
    public StreamReader reader(long offset) {
        return new LaneReader(this, Math.max(offset, startOffset()));
    }

    @Override
    public long startOffset() {
        Segments s = segments;
        return s == null ? 0 : s.first().baseOffset();
    }

    @Override
    public long endOffset() {
        appendLock.lock();
        try {
            return active == null ? 0 : active.nextOffset();
        } finally {
            appendLock.unlock();
        }
    }

    /**
     * The newest record of the lane's audit hash chain (appended; on a sync lane possibly not yet
     * fsynced), or null when the lane has no {@code audit_chain} or no chained record yet.
     */
    public io.loglane.core.audit.ChainHead chainHead() {
        if (chain == null) {
            return null;
        }
        appendLock.lock();
        try {
            return chain.head();
        } finally {
            appendLock.unlock();
        }
    }

    /** The offset below which every record is durable and visible to readers. */
    public long durableEnd() { return durableEnd; }

    @Override
    public long sizeBytes() {
        Segments s = segments;
        return s == null ? 0 : s.totalBytes();
    }

    @Override
    public LocalCheckpoints checkpoints() { return checkpoints; }

    Segments segments() { return segments; }

    boolean isOpen() { return open; }

    /** Waits until data beyond {@code position} is durable, the lane closes, or the time is up. */
    boolean awaitData(long position, long nanos) throws InterruptedException {
        if (durableEnd > position) {
            return true;
        }
        dataLock.lock();
        waitingReaders.incrementAndGet();
        try {
            while (durableEnd <= position && open) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = dataArrived.awaitNanos(nanos);
            }
            return durableEnd > position;
        } finally {
            waitingReaders.decrementAndGet();
            dataLock.unlock();
        }
    }

    private void wakeReaders() {
        if (waitingReaders.get() > 0) {
            dataLock.lock();
            try {
                dataArrived.signalAll();
            } finally {
                dataLock.unlock();
            }
        }
    }

    private long nowNanos() {
        Instant now = clock.instant();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    /** Re-reads chunk ids from the newest batches within the dedup window (see {@link DedupWindow}). */
    private void rebuildDedupWindow() throws IOException {
        DedupWindow window = dedup.window();
        if (window.maxEntries() <= 0 || window.windowNanos() <= 0) {
            return;
        }
        long cutoff = nowNanos() - window.windowNanos();
        Deque<BatchHeader> found = new ArrayDeque<>();
        List<Segment> all = segments.all();
        for (int i = all.size() - 1; i >= 0 && found.size() < window.maxEntries(); i--) {
            Segment s = all.get(i);
            if (s.size() == 0) {
                continue; // e.g. the empty segment recovery starts after a gap: older ones still count
            }
            if (s.maxReceivedAtNanos() < cutoff) {
                break;
            }
            List<BatchHeader> inSegment = new ArrayList<>();
            try (FileChannel ch = FileChannel.open(s.logFile(), StandardOpenOption.READ)) {
                BatchScanner scan = new BatchScanner(ch, 0, s.size(), false);
                while (scan.next() instanceof BatchScanner.Batch b) {
                    if (b.header().chunkId() != null && b.header().receivedAtNanos() >= cutoff) {
                        inSegment.add(b.header());
                    }
                }
            }
            for (int j = inSegment.size() - 1; j >= 0 && found.size() < window.maxEntries(); j--) {
                found.addFirst(inSegment.get(j));
            }
        }
        for (BatchHeader h : found) {
            window.seed(h.chunkId(), h.baseOffset(), h.recordCount(), h.receivedAtNanos());
        }
        if (!found.isEmpty()) {
            LOG.info("lane {}: dedup window rebuilt with {} chunk id(s)", spec.name(), window.size());
        }
    }

    /**
     * Recovers {@code damaged}, in which a reader met {@code cause}, as start-up recovery would with
     * its index deleted (see the class doc and {@link SegmentRepair}, whose steps make a process
     * killed at any point recover to the same result on its next start). The active segment is
     * first rolled (sealed now), so the repair only ever touches a sealed segment. One repair runs
     * at a time; appends wait only while the repaired segments are swapped in.
     *
     * @return true when {@code damaged} is no longer part of the lane (repaired now, or earlier by
     *     another reader, or removed by retention): the reader looks its position up again; false
     *     when the lane is closing or a scan finds every batch of it intact (the reader then fails
     *     with {@code cause})
     * @throws IOException when the repair could not be completed (the next start completes it)
     */
    boolean repairCorruptSegment(Segment damaged, CorruptBatchException cause) throws IOException {
        repairLock.lock();
        try {
            long endOffset;
            appendLock.lock();
            try {
                if (!open) {
                    return false;
                }
                if (segments.floor(damaged.baseOffset()) != damaged) {
                    return true;
                }
                if (damaged == active) {
                    roll(true);
                }
                repairing = damaged;
                endOffset = damaged.nextOffset();
            } finally {
                appendLock.unlock();
            }
            try {
                return repair(damaged, endOffset, cause);
            } finally {
                appendLock.lock();
                repairing = null;
                appendLock.unlock();
            }
        } finally {
            repairLock.unlock();
        }
    }

    private boolean repair(Segment damaged, long endOffset, CorruptBatchException cause) throws IOException {
        long base = damaged.baseOffset();
        SegmentScan.Result scan = SegmentScan.scan(damaged.channel(), base, damaged.size(), INDEX_INTERVAL_BYTES, endOffset);
        if (!scan.damaged()) {
            LOG.error("lane {}: {}, yet a scan of {} finds every batch intact; not repaired", spec.name(), cause.getMessage(), damaged);
            return false;
        }
        Path file = damaged.logFile();
        List<RecoveryReport.Drop> drops = new ArrayList<>();
        List<String> created = new ArrayList<>();
        if (SegmentRepair.deleteIndex(dir, base)) {
            Fsync.directory(dir);
        }
        SegmentRepair.copyOut(dir, file, scan, true, drops, created);
        Fsync.directory(dir);
        List<Segment> fresh;
        appendLock.lock();
        try {
            if (!open) {
                throw new IOException("lane " + spec.name() + " closed while repairing " + damaged + "; the next start completes it");
            }
            // Lock-free readers must never see the range without a segment (they would take it for a
            // gap): the moved runs go in first, then the segment at the base offset replaces the old
            // one in a single put. Only then is the old file closed and cut; a reader still on it
            // gets ClosedChannelException and looks its position up again.
            if (scan.replacement() != null) {
                SegmentRepair.cut(file, scan);
            }
            fresh = SegmentRepair.open(dir, scan, INDEX_INTERVAL_BYTES, opener);
            for (int i = 1; i < fresh.size(); i++) {
                segments.add(fresh.get(i));
            }
            segments.add(fresh.get(0));
            damaged.close();
            if (scan.replacement() == null) {
                SegmentRepair.cut(file, scan);
            }
            Fsync.directory(dir);
            for (Segment s : fresh) {
                s.seal();
            }
        } finally {
            appendLock.unlock();
        }
        long kept = scan.runs().stream().mapToLong(r -> r.nextOffset() - r.baseOffset()).sum();
        long lost = endOffset - base - kept;
        long bytes = drops.stream().mapToLong(RecoveryReport.Drop::bytes).sum();
        repairs.increment();
        recordsLost.increment(lost);
        bytesQuarantined.increment(bytes);
        List<String> gaps = new ArrayList<>();
        long prevEnd = -1;
        for (Segment s : fresh) {
            if (prevEnd >= 0 && s.baseOffset() > prevEnd) {
                gaps.add("[" + prevEnd + ", " + s.baseOffset() + ")");
            }
            prevEnd = s.nextOffset();
        }
        if (prevEnd < endOffset) {
            gaps.add("[" + prevEnd + ", " + endOffset + ")");
        }
        LOG.warn("lane {}: corrupt batch found while reading ({}); recovered {} with loss: {} record(s) lost, OFFSET GAPS {}; {}{}",
                spec.name(), cause.getMessage(), file.getFileName(), lost, gaps,
                String.join("; ", drops.stream().map(RecoveryReport.Drop::toString).toList()),
                created.isEmpty() ? "" : "; NEW SEGMENTS " + created);
        return true;
    }

    /** Counts what start-up recovery dropped as damage (not torn tails: those are an interrupted write, not a loss of stored data). */
    private void countRecoveryLoss(RecoveryReport r) {
        java.util.Set<String> files = new java.util.HashSet<>();
        for (RecoveryReport.Drop d : r.drops()) {
            if (!d.tornTail()) {
                files.add(d.file());
                recordsLost.increment(d.records());
                bytesQuarantined.increment(d.bytes());
            }
        }
        repairs.increment(files.size());
    }

    /**
     * Stops appends, fsyncs, seals the active segment and writes the clean-shutdown marker, which
     * lets the next start skip the tail scan. Idempotent.
     */
    @Override
    public void close() throws IOException, InterruptedException {
        appendLock.lock();
        try {
            if (!open) {
                return;
            }
            open = false;
        } finally {
            appendLock.unlock();
        }
        if (committer != null) {
            committer.close();
        }
        repairLock.lock(); // a repair under way finishes first (it stops at its next step once it sees the lane closed)
        repairLock.unlock();
        dataLock.lock();
        try {
            dataArrived.signalAll();
        } finally {
            dataLock.unlock();
        }
        boolean sealed = false;
        if (failure == null) {
            try {
                active.seal();
                sealed = true;
            } catch (IOException e) {
                LOG.warn("lane {}: final seal failed; next start will scan the tail", spec.name(), e);
            }
        }
        if (chain != null) {
            chain.writeHeadQuietly();
        }
        for (Segment s : segments.all()) {
            s.close();
        }
        if (sealed) {
            Files.write(dir.resolve(LaneFiles.CLEAN_SHUTDOWN), new byte[0]);
            Fsync.directory(dir);
        }
    }

    private final class CommitTarget implements GroupCommitter.Target {
        @Override
        public GroupCommitter.SyncPoint syncPoint() {
            appendLock.lock();
            try {
                return new GroupCommitter.SyncPoint(active.nextOffset(), active);
            } finally {
                appendLock.unlock();
            }
        }

        @Override
        public int appendersInFlight() { return appendersInFlight.get(); }

        @Override
        public void synced(long endOffset) {
            if (endOffset > durableEnd) {
                durableEnd = endOffset;
            }
            wakeReaders();
        }

        @Override
        public void failed(IOException e) {
            failure = e;
            lastFailure = AppendFailure.after(lastFailure, Reason.STORAGE_ERROR, "lane " + spec.name() + ": fsync failed: " + e.getMessage(),
                    clock.instant());
        }
    }
}
