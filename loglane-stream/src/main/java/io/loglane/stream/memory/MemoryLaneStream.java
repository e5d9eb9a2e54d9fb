package io.loglane.stream.memory;

import io.loglane.core.config.Durability;
import io.loglane.core.config.LaneSpec;
import io.loglane.core.config.StreamSettings;
import io.loglane.core.event.RecordBlock;
import io.loglane.core.ingest.IngestRejectedException;
import io.loglane.core.ingest.SourceTally;
import io.loglane.core.telemetry.LedgerCounters;
import io.loglane.core.telemetry.MetricNames;
import io.loglane.stream.AppendRequest;
import io.loglane.stream.AppendResult;
import io.loglane.stream.ConsumerCheckpoints;
import io.loglane.stream.LaneStream;
import io.loglane.stream.Partitions;
import io.loglane.stream.StoreHoldings;
import io.loglane.stream.StoredBatch;
import io.loglane.stream.StreamReader;
import io.loglane.stream.io.ChannelOpener;
import io.loglane.stream.dedup.DedupWindow;
import io.loglane.stream.dedup.Deduplicator;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code memory} lane: a bounded in-memory ring of batches ({@code memoryLaneBytes} of record
 * bytes). Appends are acknowledged at once. Batches every registered consumer has committed are
 * released at the commit. When a new batch does not fit, the oldest batches are evicted; the
 * records of them some consumer had not committed yet are lost and counted as
 * {@code loglane.events.dropped} and {@code loglane.bytes.dropped} {input, lane, reason=overflow},
 * under the input each batch came from (bytes in proportion to the records lost), and in the
 * batch's source's ledger entry ({@code loglane.source.events.dropped}, {@link AppendRequest#source()}); a reader that
 * had not reached them counts them in {@link StreamReader#skipped()}. With no consumer
 * registered nothing is waiting for the records, so eviction is not counted as a drop.
 *
 * <h2>Restarts</h2>
 * The buffered batches, the consumer checkpoints and the dedup window live in memory only: a
 * restart (or crash) loses what was not yet delivered, which is all a memory lane promises. Its
 * <em>offsets</em> however never repeat, as for every lane ({@link LaneStream}): stores name what
 * they hold by offset (the archive's files), and an archive reopened at a reused offset would
 * delete or overwrite events it was delivered before the restart. So the lane persists one small
 * file, {@code <laneDir>/memory.hwm} ({@link OffsetReservation}): offsets are reserved a block at
 * a time (fsynced before any offset of the block is handed out), a clean {@link #close()} stores
 * the exact end offset, and {@link #start()} begins the lane (start and end offset) at the stored
 * value. After a crash the offsets of the unused rest of the block are a gap. Consumers start at
 * the lane start: with no commit in this run, {@link ConsumerCheckpoints#committed} is the start
 * offset, which is above every offset a store got in earlier runs, so a store's recovery keeps
 * them all.
 *
 * <h2>Counting what a crash loses</h2>
 * The ledger's drop counters live in memory and die with the process, and so would the knowledge
 * of what was lost. So the lane also keeps {@code <laneDir>/memory.progress} ({@link DeliveryProgress}),
 * a memory-mapped file it updates on every append and commit with its end offset, the offset
 * below which every consumer has committed (or the overflow drop was counted) and each consumer's
 * own such offset. What the previous run lost is counted in this one, as reason {@code crash}
 * (or {@code shutdown} when that run closed cleanly with events still undelivered):
 * <ul>
 *   <li><b>per store</b>, in {@code loglane.store.events.dropped} {lane, store, reason}: when the
 *       store's consumer {@linkplain ConsumerCheckpoints#register(String, StoreHoldings) registers},
 *       the events of {@code [covered(c), end)} (past its last commit) minus those the store says
 *       it holds durably there ({@link StoreHoldings}): a store that made a flush durable and was
 *       killed before the checkpoint commit holds those events, so they are not counted. A store
 *       that cannot tell is counted {@code end - covered(c)}, as is, at this run's clean
 *       {@link #close()}, a consumer of the previous run never registered again (a store no longer
 *       configured; a crash of this run loses that count). Not at the first append: the request
 *       journal re-appends interrupted multi-lane requests at stream start, before any consumer
 *       registers.
 *       An overflow eviction counts there too, per store that had not committed the evicted events.</li>
 *   <li><b>for the lane</b>, in {@code loglane.events.dropped} {input=unknown, lane, reason}: the
 *       largest of the per-store counts, i.e. what the store that lost the most misses, raised
 *       as each store is counted. When a consumer had no slot in the file (more than
 *       {@link DeliveryProgress#SLOTS}, or a long name) and lagged behind every slotted one, its
 *       {@code end - covered} is counted at {@link #start()}; so is a version 1 file's.</li>
 * </ul>
 * The input is unknown: which input each lost event came from died with the process. Still
 * counted as lost although stored: a batch the lane accepted whose acknowledgement the crash cut
 * off and that the client resent (the resend is stored under a new offset). A power loss can lose
 * the newest values of the file (it is never fsynced), so after one the count is only as recent as
 * the kernel's last writeback. A crash of this run before a previous run's loss is counted loses
 * that count (the file was already reset for this run): never counted twice, possibly not at all.
 *
 * <p>Lifecycle: {@link #start()} reads the reservation (0 when there is none yet) and must succeed
 * before any append; it fails, rather than starting over at 0, when the file is unreadable or
 * corrupt. The first append of a run (and the first past each block) writes the file.
 *
 * <p>Thread-safety: safe for concurrent appenders and readers (one lock; appends only link a batch,
 * and write the reservation file once per block).
 */
public final class MemoryLaneStream implements LaneStream {
    /** Offsets reserved per write of the reservation file: 2^32 (at a million events a second, one write an hour). */
    static final long RESERVATION_BLOCK = 1L << 32;
    /** The lane's one file in its directory: the offset reservation ({@link OffsetReservation}). */
    public static final String RESERVATION_FILE = "memory.hwm";
    /** Reason label of events lost because the ring was full. */
    static final String OVERFLOW = "overflow";
    /** Reason label of events a killed process held undelivered, counted at the next start. */
    static final String CRASH = "crash";
    /** Reason label of events still undelivered at a clean close, counted at the next start. */
    static final String SHUTDOWN = "shutdown";
    /** Input label of events lost at a crash or shutdown: the process that knew their input is gone. */
    static final String UNKNOWN_INPUT = "unknown";
    private static final Logger LOG = LoggerFactory.getLogger(MemoryLaneStream.class);

    private final LaneSpec spec;
    private final Path laneDir;
    private final long reservationBlock;
    private final StreamSettings settings;
    private final MeterRegistry registry;
    private final Clock clock;
    private final Deduplicator dedup;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private final ArrayDeque<Held> ring = new ArrayDeque<>();
    /** Dropped counters by input, registered on first use (under {@link #lock}). */
    private final Map<String, LedgerCounters> dropped = new HashMap<>();
    private final Checkpoints checkpoints = new Checkpoints();
    /** Null until {@link #start()}; guarded by {@link #lock}. */
    private OffsetReservation reservation;
    /** Null until {@link #start()}; guarded by {@link #lock}. */
    private DeliveryProgress progress;
    private long startOffset;
    private long endOffset;
    private long bytes;
    private boolean open;
    private volatile ChannelOpener opener = ChannelOpener.DEFAULT;
    /** The previous run's per-store losses not counted yet (store → {@code end - covered(c)}); guarded by {@link #lock}. */
    private final Map<String, Long> uncounted = new LinkedHashMap<>();
    /** The previous run's end offset and loss reason; set by {@link #start()}. */
    private long previousEnd;
    private String previousReason = CRASH;
    /** What the lane-level count of the previous run's loss holds so far (the largest store loss counted); guarded by {@link #lock}. */
    private long previousLaneCounted;

    /** A batch in the ring and the input and source it came from (null: none), for counting it if it is dropped. */
    private record Held(StoredBatch batch, String input, SourceTally source) {}

    /** @param laneDir this lane's directory under the stream directory; holds only the offset reservation */
    public MemoryLaneStream(Path laneDir, LaneSpec spec, StreamSettings settings, MeterRegistry registry, Clock clock) {
        this(laneDir, spec, settings, registry, clock, RESERVATION_BLOCK);
    }

    /** @param reservationBlock offsets reserved per write of the reservation file (tests use small blocks) */
    MemoryLaneStream(Path laneDir, LaneSpec spec, StreamSettings settings, MeterRegistry registry, Clock clock, long reservationBlock) {
        this.laneDir = laneDir;
        this.reservationBlock = reservationBlock;
        this.spec = spec;
        this.settings = settings;
        this.registry = registry;
        this.clock = clock;
        this.dedup = new Deduplicator(new DedupWindow(settings.dedupWindow().toNanos(), settings.dedupMaxEntries()), clock);
    }

    @Override
    public String lane() { return spec.name(); }

    @Override
    public Durability durability() { return Durability.MEMORY; }

    /** Replaces how the lane opens its reservation file; for tests (a disk that fills up). Call before {@link #start()}. */
    void storageHook(ChannelOpener hook) { this.opener = hook; }

    @Override
    public void start() throws IOException {
        List<Map.Entry<String, StoreHoldings>> registered;
        OffsetReservation r = OffsetReservation.open(laneDir, reservationBlock, opener);
        long start = r.limit();
        DeliveryProgress p = DeliveryProgress.open(laneDir, start);
        Gauge.builder(MetricNames.STREAM_BYTES, this, MemoryLaneStream::sizeBytes).tag(MetricNames.LANE, spec.name()).register(registry);
        Gauge.builder(MetricNames.STREAM_END_OFFSET, this, MemoryLaneStream::endOffset).tag(MetricNames.LANE, spec.name()).register(registry);
        lock.lock();
        try {
            reservation = r;
            progress = p;
            startOffset = start;
            endOffset = start;
            checkpoints.committed.keySet().forEach(c -> progress.track(c, start));
            countPreviousRunLoss(p.previous());
            open = true;
            registered = List.copyOf(checkpoints.holdings.entrySet());
        } finally {
            lock.unlock();
        }
        for (Map.Entry<String, StoreHoldings> c : registered) {
            countStoreLoss(c.getKey(), c.getValue()); // consumers registered before start
        }
    }

    @Override
    public CompletableFuture<AppendResult> append(AppendRequest request) {
        return dedup.append(request, r -> CompletableFuture.completedFuture(store(r)));
    }

    /** Stores the batch or throws {@link IngestRejectedException} (the {@link Deduplicator} turns it into a failed future). */
    private AppendResult store(AppendRequest request) {
        if (request.records() == null || request.records().count() <= 0) {
            throw new IngestRejectedException(IngestRejectedException.Reason.INVALID, "lane " + spec.name() + ": a batch needs at least one record");
        }
        int size = request.records().length();
        lock.lock();
        try {
            if (!open) {
                throw new IngestRejectedException(IngestRejectedException.Reason.STORAGE_ERROR, "lane " + spec.name() + " is closed");
            }
            reserve(endOffset + request.records().count()); // before anything changes: a failure stores and evicts nothing
            long needed = checkpoints.lowestNeeded();
            while (!ring.isEmpty() && bytes + size > settings.memoryLaneBytes()) {
                Held old = ring.removeFirst();
                StoredBatch b = old.batch();
                RecordBlock records = b.records();
                bytes -= records.length();
                startOffset = b.nextOffset();
                long lost = b.nextOffset() - Math.max(b.baseOffset(), needed);
                if (lost > 0) {
                    dropped.computeIfAbsent(old.input(), in -> LedgerCounters.dropped(registry, in, spec.name(), OVERFLOW))
                            .add(lost, records.length() * lost / records.count());
                    if (old.source() != null) {
                        old.source().dropped(OVERFLOW, lost);
                    }
                }
                for (Map.Entry<String, Long> c : checkpoints.committed.entrySet()) {
                    long lostForStore = b.nextOffset() - Math.max(b.baseOffset(), c.getValue());
                    if (lostForStore > 0) {
                        storeDropped(c.getKey(), OVERFLOW).increment(lostForStore);
                    }
                }
            }
            StoredBatch b = new StoredBatch(Partitions.SINGLE, endOffset, request.tag(), request.receivedAtNanos(), request.records(),
                    request.chunkId(), request.sourcePosition(), request.source() == null ? null : request.source().source());
            ring.addLast(new Held(b, request.input(), request.source()));
            bytes += size;
            endOffset = b.nextOffset();
            recordProgress();
            arrived.signalAll();
            return new AppendResult(b.baseOffset(), b.records().count(), false);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes in what the previous run lost (accepted and not committed by every consumer when it
     * was killed or closed); under {@link #lock}. The lane-level count that no store can correct is
     * counted now; the per-store counts wait for their consumers ({@link #countStoreLoss}). The file
     * has already been reset for this run, so a crash from now on can under-count that run's loss
     * but never count it twice.
     */
    private void countPreviousRunLoss(DeliveryProgress.Previous previous) {
        if (previous.unknown()) {
            LOG.warn("lane {}: {} was unreadable; what the previous run lost is not known", spec.name(), laneDir.resolve(DeliveryProgress.FILE));
            return;
        }
        previousReason = previous.clean() ? SHUTDOWN : CRASH;
        previousEnd = previous.end();
        long largestSlotted = 0;
        for (Map.Entry<String, Long> c : previous.byConsumer().entrySet()) {
            largestSlotted = Math.max(largestSlotted, c.getValue());
            if (c.getValue() > 0) {
                uncounted.put(c.getKey(), c.getValue());
            }
        }
        if (previous.lost() > largestSlotted) {
            // A consumer without a slot (or a version 1 file, which has no slots) lost the most:
            // nothing can correct its count, so it is the lane's count from the start.
            countLaneLoss(previous.lost());
        }
        if (previous.lost() > 0) {
            LOG.warn("lane {} (memory): the previous run {} with {} events not yet delivered to every store; counted as dropped (reason={})"
                    + " per store as each store says what it holds; behind per store: {}",
                    spec.name(), previous.clean() ? "shut down" : "was killed", previous.lost(), previousReason, previous.byConsumer());
        }
    }

    /**
     * Counts what the previous run lost for {@code consumer}'s store, once: the events past its
     * last commit, less those the store holds durably ({@code holdings}); all of them when the
     * store cannot tell. The store is asked outside the lock (it may read files).
     */
    private void countStoreLoss(String consumer, StoreHoldings holdings) {
        long behind;
        long end;
        lock.lock();
        try {
            Long b = uncounted.remove(consumer);
            if (b == null) {
                return;
            }
            behind = b;
            end = previousEnd;
        } finally {
            lock.unlock();
        }
        long held = holdings(consumer, holdings, end - behind, end);
        long lost = behind - Math.min(Math.max(held, 0), behind);
        lock.lock();
        try {
            addStoreLoss(consumer, lost);
        } finally {
            lock.unlock();
        }
        LOG.warn("lane {} (memory) → {}: the previous run left {} events past its last commit, of which the store holds {};"
                + " {} counted as dropped (reason={})", spec.name(), consumer, behind, held < 0 ? "an unknown number" : held, lost, previousReason);
    }

    /** What {@code consumer}'s store holds durably in {@code [from, to)}, or -1 when it cannot tell (or fails to). */
    private long holdings(String consumer, StoreHoldings holdings, long from, long to) {
        try {
            long held = holdings.durablyStored(from, to);
            if (held > to - from) {
                LOG.warn("lane {} (memory) → {}: the store claims {} events of the {} offsets {}..{}; not trusted",
                        spec.name(), consumer, held, to - from, from, to - 1);
                return -1;
            }
            return held;
        } catch (Exception e) {
            LOG.warn("lane {} (memory) → {}: the store cannot say what it holds of offsets {}..{}; counting by its checkpoint: {}",
                    spec.name(), consumer, from, to - 1, e.toString());
            return -1;
        }
    }

    /** Counts the previous run's loss of every consumer not registered in this run by checkpoint alone; under {@link #lock}. */
    private void countUnregisteredStoreLoss() {
        uncounted.forEach(this::addStoreLoss);
        uncounted.clear();
    }

    /** Counts {@code lost} events of the previous run for one store, and raises the lane's count to it; under {@link #lock}. */
    private void addStoreLoss(String store, long lost) {
        if (lost > 0) {
            storeDropped(store, previousReason).increment(lost);
        }
        countLaneLoss(lost);
    }

    /** Raises the lane-level count of the previous run's loss to {@code lost} if it is below; under {@link #lock}. */
    private void countLaneLoss(long lost) {
        if (lost > previousLaneCounted) {
            LedgerCounters.dropped(registry, UNKNOWN_INPUT, spec.name(), previousReason).add(lost - previousLaneCounted, 0);
            previousLaneCounted = lost;
        }
    }

    /** {@code loglane.store.events.dropped} {lane, store, reason}: what this lane lost for one store (consumer). */
    private Counter storeDropped(String store, String reason) {
        return Counter.builder(MetricNames.STORE_EVENTS_DROPPED).description("Events a memory lane lost for one store (overflow, crash, shutdown)")
                .tags(MetricNames.LANE, spec.name(), MetricNames.STORE, store, MetricNames.REASON, reason).register(registry);
    }

    /** Writes the end offset and what is delivered or already counted into the progress file; under {@link #lock}. */
    private void recordProgress() {
        progress.record(endOffset, Math.max(checkpoints.lowestNeeded(), startOffset));
        checkpoints.committed.forEach((consumer, c) -> progress.cover(consumer, Math.max(c, startOffset)));
    }

    /** Makes offsets below {@code end} safe to hand out; under {@link #lock}. Fails the append, storing nothing, if it cannot. */
    private void reserve(long end) {
        try {
            reservation.cover(end);
        } catch (IOException | ArithmeticException e) {
            throw new IngestRejectedException(IngestRejectedException.Reason.STORAGE_ERROR,
                    "lane " + spec.name() + ": cannot reserve offsets: " + e.getMessage(), e);
        }
    }

    /** Always: a full memory lane drops its oldest batches instead of refusing. */
    @Override
    public boolean hasRoomFor(long bytes) { return true; }

    @Override
    public StreamReader reader(long offset) {
        return new Reader(Math.max(offset, startOffset()));
    }

    @Override
    public long startOffset() {
        lock.lock();
        try {
            return startOffset;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long endOffset() {
        lock.lock();
        try {
            return endOffset;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long sizeBytes() {
        lock.lock();
        try {
            return bytes;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public ConsumerCheckpoints checkpoints() { return checkpoints; }

    @Override
    public void close() throws IOException {
        lock.lock();
        try {
            boolean wasOpen = open;
            open = false;
            arrived.signalAll();
            if (wasOpen) {
                countUnregisteredStoreLoss();
                // No offset is handed out after this: the exact end lets the next run continue
                // without a gap. If this write fails, the stored (higher) limit still holds.
                progress.markClean();
                try {
                    reservation.settle(endOffset);
                } finally {
                    progress.close();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * In-memory checkpoints, lost at a restart with the buffered batches they point into. A
     * consumer that has not committed in this run reads from the lane start, which lies above
     * every offset of earlier runs (see the class comment).
     */
    private final class Checkpoints implements ConsumerCheckpoints {
        private final Map<String, Long> committed = new ConcurrentHashMap<>();
        /** What each registered consumer's store holds, as given at registration; guarded by {@link #lock}. */
        private final Map<String, StoreHoldings> holdings = new LinkedHashMap<>();

        @Override
        public void register(String consumer) {
            register(consumer, StoreHoldings.UNKNOWN);
        }

        @Override
        public void register(String consumer, StoreHoldings stored) {
            boolean started;
            lock.lock();
            try {
                started = progress != null;
                holdings.putIfAbsent(consumer, stored);
                registerLocked(consumer);
            } finally {
                lock.unlock();
            }
            if (started) {
                countStoreLoss(consumer, stored); // before start, start() counts it
            }
        }

        private void registerLocked(String consumer) {
            committed.putIfAbsent(consumer, -1L);
            if (progress != null && !progress.track(consumer, startOffset)) {
                LOG.warn("lane {} (memory): no per-store progress slot for consumer {} (at most {} of at most {} bytes); "
                        + "its crash loss counts only for the lane", spec.name(), consumer, DeliveryProgress.SLOTS, DeliveryProgress.MAX_NAME);
            }
        }

        @Override
        public long committed(String consumer) { return Math.max(committed.getOrDefault(consumer, -1L), startOffset()); }

        @Override
        public void commit(String consumer, long offset) {
            if (offset < 0 || offset > endOffset()) {
                throw new IllegalArgumentException("checkpoint " + offset + " outside 0.." + endOffset() + " for " + consumer);
            }
            committed.put(consumer, offset);
            releaseDelivered();
        }

        /** The lowest offset some registered consumer has not committed; the end offset when there is no consumer. */
        long lowestNeeded() {
            long low = Long.MAX_VALUE;
            for (long c : committed.values()) {
                low = Math.min(low, c);
            }
            return low == Long.MAX_VALUE ? endOffset() : Math.max(low, 0);
        }

        /** Frees the batches every consumer has committed: a drained memory lane holds nothing. */
        private void releaseDelivered() {
            if (committed.isEmpty()) {
                return;
            }
            lock.lock();
            try {
                long needed = lowestNeeded();
                while (!ring.isEmpty() && ring.peekFirst().batch().nextOffset() <= needed) {
                    Held h = ring.removeFirst();
                    bytes -= h.batch().records().length();
                    startOffset = h.batch().nextOffset();
                }
                if (progress != null) {
                    recordProgress();
                }
            } finally {
                lock.unlock();
            }
        }

        @Override
        public Map<String, Long> all() {
            Map<String, Long> out = new TreeMap<>();
            committed.keySet().forEach(c -> out.put(c, committed(c)));
            return out;
        }
    }

    private final class Reader implements StreamReader {
        private long position;
        private long skipped;

        Reader(long position) { this.position = position; }

        @Override
        public StoredBatch poll(Duration wait) throws InterruptedException {
            long nanos = Math.max(0, wait.toNanos());
            lock.lock();
            try {
                while (true) {
                    if (position < startOffset) {
                        skipped += startOffset - position;
                        position = startOffset;
                    }
                    if (position < endOffset) {
                        for (Held h : ring) {
                            StoredBatch b = h.batch();
                            if (b.nextOffset() > position) {
                                position = b.nextOffset();
                                return b;
                            }
                        }
                    }
                    if (nanos <= 0 || !open) {
                        return null;
                    }
                    nanos = arrived.awaitNanos(nanos);
                }
            } finally {
                lock.unlock();
            }
        }

        @Override
        public long position() { return position; }

        @Override
        public void seek(long offset) { position = Math.max(offset, startOffset()); }

        @Override
        public long skipped() { return skipped; }

        @Override
        public void close() {}
    }
}
