package io.loglane.stores.archive;

import io.loglane.core.os.BackgroundPriority;
import io.loglane.core.audit.ChainHead;
import io.loglane.core.config.Retention;
import io.loglane.core.event.RecordCursor;
import io.loglane.core.parse.RecordParser;
import io.loglane.core.telemetry.MetricNames;
import io.loglane.delivery.Sink;
import io.loglane.delivery.SinkException;
import io.loglane.stream.StoredBatch;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The Parquet archive store for one partition of one lane's stream (store name {@code archive}).
 * Rows are staged per event-time hour and written, on flush, as one zstd Parquet file per touched
 * hour partition: {@code lane=<lane>/date=<yyyy-MM-dd>/hour=<HH>/p<partition>-<first>-<last>.parquet},
 * named by the stream partition and the inclusive offset range of the flush, written to a
 * temporary file and published with an atomic, durable {@link ArchiveStorage#put} (layout, columns
 * and recovery rules: FORMAT.md in this package). Recovery and compaction touch only this
 * partition's files; retention deletes whole hours. Every file operation (publish, compaction's replace, retention's and recovery's
 * deletes, listings) goes through the sink's {@link ArchiveStorage}, and each is followed by the
 * replacement of the hour partition's symlink manifest ({@link SymlinkManifests}), which outside readers
 * (Athena, Trino, DuckDB) read so as never to count a compaction's rows twice.
 *
 * <h2>Delivery protocol</h2>
 * <ul>
 *   <li>{@link #open(long)} discards staged rows and runs recovery: temp files go, files whose first
 *       offset is ≥ the committed offset go (a flush that was never committed; redelivery rewrites
 *       it), and files covered by a compacted file of the same partition go (a compaction that
 *       crashed before deleting its sources). After it the archive holds exactly the committed rows,
 *       plus, when the checkpoint went back behind the archive (lost or corrupt: delivery restarts at
 *       the lane's start), the kept files that reach past it ({@link CoveredOffsets}).</li>
 *   <li>{@link #write} validates a batch's msgpack before staging any of it; a malformed batch is a
 *       non-retriable {@link SinkException} (dead letter) and stages nothing. A row whose offset a
 *       kept file of its partition already holds is skipped, so such a redelivery adds no duplicate.</li>
 *   <li>{@link #flush(boolean)} writes when rows, bytes or age reach {@link ArchiveSettings}'s limits
 *       (or when forced) and returns the offset after the last batch in renamed files; only whole
 *       flushes count. At most every {@link ArchiveSettings#maintenanceInterval()} it also hands a
 *       maintenance pass, compaction (unless built with {@code compact=false}) then retention (age,
 *       then size), to the sink's maintenance thread, and returns without waiting for it.</li>
 * </ul>
 * Offsets returned by {@code flush} are taken as committed once the next {@code write}/{@code flush}
 * arrives without an intervening {@code open} (the engine commits before it polls again); only
 * files below that point are ever compacted.
 *
 * <h2>Speed</h2>
 * Rows are staged as binary rows of their column values (straight from the msgpack bytes, one
 * file per hour bucket, {@link StagedRowWriter}); a due flush hands the staged generation to a
 * background thread where DuckDB reads it through a Java table function ({@link StagedRows}) into
 * {@code COPY … TO parquet}, while the delivery thread stages the next ones (at most {@link #MAX_FLUSHES_QUEUED} flushes queued; one more due flush waits for the oldest). A non-forced flush
 * therefore reports its offsets on a later call; {@code flush(true)} waits. Measured for the
 * conversion alone (loglane-bench {@code ConvertHarness}, 500 k access rows, thread CPU): the table
 * function 1.7–1.9 CPU-µs per row against 3.5–3.9 for NDJSON + {@code read_json}, 6–8 for DuckDB's
 * Java Appender and 5–6 for rows INSERTed into a DuckDB table before the COPY.
 *
 * <h2>Maintenance</h2>
 * Recovery, compaction and retention run on one maintenance thread per sink
 * ({@link MaintenanceRunner}), one task at a time, concurrently with the flushes, never on the
 * delivery thread: a compaction that takes seconds does not delay a flush. What makes that safe:
 * <ul>
 *   <li>compaction merges only files below the committed offset it was handed (a snapshot taken on
 *       the delivery thread); a flush in flight only adds files at or past it, so the two never
 *       touch, name or cover the same file;</li>
 *   <li>size retention spares the hour buckets staged or being flushed when the pass was handed
 *       over, and deletes only the objects it listed: a file a flush puts later is never deleted by
 *       that pass (age retention deletes past-age hours whatever is written to them, as before);</li>
 *   <li>{@link #open} runs recovery as a maintenance task, so it starts only once the pass before
 *       it finished, and no pass runs while it recovers; it first waits for the flushes in flight;</li>
 *   <li>{@link #close} lets a running pass finish (bounded, {@link MaintenanceRunner#CLOSE_WAIT});
 *       a kill during one leaves what recovery repairs;</li>
 *   <li>readers list concurrently: the storage's listing is monotonic across compaction's put
 *       then delete, and a file deleted under a reader makes it list again (FORMAT.md, Reading).</li>
 * </ul>
 * A failed pass is logged, counted in {@code loglane.archive.maintenance.failures{lane}} and tried
 * again at the next interval; it does not fail delivery (compaction and retention can wait, the
 * data keeps flowing).
 *
 * <p>Thread-safety: not thread-safe; one delivery thread (the {@link io.loglane.delivery.Sink} contract).
 * The internal converter threads own the flush Parquet writers while flushes are in flight; the
 * maintenance thread opens its own writer for each compaction pass.
 * {@link #compactNow()} and {@link #enforceRetention()} must be called from the delivery thread
 * too: they run a pass on the maintenance thread and wait for it.
 */
public final class ArchiveSink implements Sink {
    public static final String STORE = "archive";
    private static final Logger LOG = LoggerFactory.getLogger(ArchiveSink.class);

    private final String instance;
    private final int partition;
    private final String lane;
    private final ArchiveSettings settings;
    private final Retention retention;
    private final boolean compact;
    private final Clock clock;
    private final ArchiveStorage storage;
    private final RowEncoder encoder;
    private final Path stagingRoot;
    private final ExecutorService converter;
    private StagingBuffer staging;
    private long stagingGeneration;
    /**
     * Flushes handed to the converters, oldest first; their results are taken in this order, so
     * the durable offset only ever covers whole earlier flushes, whichever finishes first. Up to
     * {@link #MAX_FLUSHES_QUEUED}: while DuckDB converts one generation the delivery thread stages
     * the next instead of waiting; past the limit the delivery thread waits (back-pressure).
     */
    private final ArrayDeque<InFlight> inFlight = new ArrayDeque<>();
    static final int MAX_FLUSHES_QUEUED = 2;
    private final ArchiveMaintenance maintenance;
    private final MaintenanceRunner maintenanceThread;
    private final RecordParser parser;
    private final Counter flushes;
    private final Counter files;
    private final Counter compactions;
    private final Counter agedOut;
    private final Counter sizedOut;
    private final Counter maintenanceFailures;
    /** The chain columns of an {@code audit_chain} lane, else null. */
    private final ChainColumns chain;
    /** The chain head after the last record written (staged or skipped); null before one or when unchained. */
    private ChainHead writtenHead;
    /** The head of the newest flush collected as durable, and the one last published in {@link AuditHeads}. */
    private ChainHead durableHead;
    private ChainHead publishedHead;
    /** Rows of kept files past the commit point (set by open): redelivered rows there are skipped. */
    private CoveredOffsets covered = CoveredOffsets.NONE;

    /**
     * One Parquet writer (a private single-threaded DuckDB) per converter thread: two flushes
     * convert side by side. Measured end to end on 2 cores, single-threaded DuckDB converters
     * cost ~11 % less CPU per row than one DuckDB using both cores, and a second one keeps a core
     * busy while the delivery thread stages.
     */
    private final ArrayBlockingQueue<ParquetWriter> writers =
            new ArrayBlockingQueue<>(MAX_FLUSHES_QUEUED);
    private boolean opened;
    /** Offset the engine has committed (what open got, then each flush result once acted upon). */
    private long committed;
    /** Offset after everything in renamed files. */
    private long durable;
    /** Offset after the last batch written. */
    private long next;
    /** Base offset of the first staged batch, or -1 when nothing is staged. */
    private long firstStaged = -1;
    private long stagedBytes;
    private long firstStagedAtMillis;
    private long lastMaintenanceMillis;

    /** A flush handed to the converters: the offset after it once done, and the hour buckets it writes. */
    private record InFlight(Future<Long> result, Set<Long> buckets, ChainHead head) {}

    /** The default archive instance ({@link #STORE}) of {@code lane}, on the local directory {@code settings.dir()}. */
    public ArchiveSink(String lane, RecordParser parserOrNull, ArchiveSettings settings, Retention retention,
            boolean compact, MeterRegistry registry, Clock clock) {
        this(lane, parserOrNull, settings, retention, compact, registry, clock,
                settings == null || settings.dir() == null ? null : new LocalArchiveStorage(settings.dir()));
    }

    /** The default archive instance ({@link #STORE}) of {@code lane} on {@code storage}. */
    public ArchiveSink(String lane, RecordParser parserOrNull, ArchiveSettings settings, Retention retention,
            boolean compact, MeterRegistry registry, Clock clock, ArchiveStorage storage) {
        this(STORE, io.loglane.stream.Partitions.SINGLE, lane, parserOrNull, settings, retention, compact, registry, clock, storage);
    }

    /**
     * @param instance the archive instance ({@link #instance()}): names the delivery checkpoint, so
     *                 two archives on one lane need two names; {@link #STORE} for the default one
     * @param partition the stream partition delivered ({@link #partition()}): names its files, and
     *                 recovery and compaction touch only that partition's files
     * @param storage  where every file goes (published, listed, deleted); {@code settings.dir()} still
     *                 holds the staging files, which are local scratch
     */
    public ArchiveSink(String instance, int partition, String lane, RecordParser parserOrNull, ArchiveSettings settings,
            Retention retention, boolean compact, MeterRegistry registry, Clock clock, ArchiveStorage storage) {
        this(instance, partition, lane, parserOrNull, settings, retention, compact, false, registry, clock, storage);
    }

    /**
     * As above; {@code auditChain} (the lane's {@code audit_chain}) adds the chain columns to every
     * row, publishes the archived chain head ({@link AuditHeads}) and turns compaction off whatever
     * {@code compact} says: audit files are never rewritten.
     */
    public ArchiveSink(String instance, int partition, String lane, RecordParser parserOrNull, ArchiveSettings settings,
            Retention retention, boolean compact, boolean auditChain, MeterRegistry registry, Clock clock, ArchiveStorage storage) {
        this.instance = java.util.Objects.requireNonNull(instance, "instance");
        if (partition < 0) {
            throw new IllegalArgumentException("negative partition " + partition);
        }
        this.partition = partition;
        ArchiveLayout.checkLane(lane);
        if (settings == null || settings.dir() == null) {
            throw new IllegalArgumentException("archive settings need a dir");
        }
        if (storage == null) {
            throw new IllegalArgumentException("no archive storage");
        }
        if (settings.flushRows() <= 0 || settings.flushBytes() <= 0 || settings.flushAge() == null
                || settings.flushAge().isNegative() || settings.compactAfter() == null
                || settings.maintenanceInterval() == null || !settings.maintenanceInterval().isPositive()) {
            throw new IllegalArgumentException("bad archive settings: " + settings);
        }
        this.lane = lane;
        this.parser = parserOrNull;
        this.settings = settings;
        this.retention = retention;
        this.compact = compact && !auditChain;
        this.chain = auditChain ? new ChainColumns() : null;
        this.clock = clock;
        this.storage = storage;
        this.encoder = new RowEncoder(parserOrNull);
        this.stagingRoot = settings.dir().toAbsolutePath().normalize().resolve(".staging").resolve(lane);
        this.staging = new StagingBuffer(stagingRoot.resolve("0"));
        BackgroundPriority priority = settings == null ? BackgroundPriority.NONE : settings.priority();
        this.maintenanceThread = new MaintenanceRunner(lane, priority);
        this.converter = Executors.newFixedThreadPool(MAX_FLUSHES_QUEUED, priority.factory("archive-flush-" + lane));
        this.maintenance = new ArchiveMaintenance(storage, lane, partition, clock);
        this.flushes = Counter.builder(ArchiveMetrics.FLUSHES).tag(MetricNames.LANE, lane).register(registry);
        this.files = Counter.builder(ArchiveMetrics.FILES).tag(MetricNames.LANE, lane).register(registry);
        this.compactions = Counter.builder(ArchiveMetrics.COMPACTIONS).tag(MetricNames.LANE, lane).register(registry);
        this.agedOut = Counter.builder(ArchiveMetrics.PARTITIONS_DELETED).tag(MetricNames.LANE, lane)
                .tag(MetricNames.REASON, "age").register(registry);
        this.sizedOut = Counter.builder(ArchiveMetrics.PARTITIONS_DELETED).tag(MetricNames.LANE, lane)
                .tag(MetricNames.REASON, "size").register(registry);
        this.maintenanceFailures = Counter.builder(ArchiveMetrics.MAINTENANCE_FAILURES).tag(MetricNames.LANE, lane)
                .register(registry);
    }

    @Override
    public String store() { return STORE; }

    @Override
    public String instance() { return instance; }

    @Override
    public int partition() { return partition; }

    public String lane() { return lane; }

    /** The parser whose fields are this lane's typed columns, or null. */
    public RecordParser parser() { return parser; }

    @Override
    public void open(long committedOffset) throws Exception {
        if (committedOffset < 0) {
            throw new IllegalArgumentException("negative committed offset " + committedOffset);
        }
        awaitInFlightQuietly();
        staging.discard();
        StagingBuffer.deleteAll(stagingRoot);
        resetStaged();
        // On the maintenance thread: after the pass running now, if any, and before the next one.
        ArchiveMaintenance.Recovery recovery = maintenanceThread.call(() -> maintenance.recover(committedOffset));
        covered = recovery.covered();
        if (covered.files() > 0) {
            LOG.warn("archive {}: delivery restarts at offset {}, inside {} committed file(s) reaching offset {}"
                    + " (the checkpoint is behind the archive); redelivered rows they hold are skipped",
                    lane, committedOffset, covered.files(), covered.maxLast());
        }
        while (writers.size() < MAX_FLUSHES_QUEUED) {
            writers.add(new ParquetWriter(lane, chain == null ? encoder.typedFields() : ChainColumns.withChain(encoder.typedFields())));
        }
        committed = committedOffset;
        durable = committedOffset;
        next = committedOffset;
        // A flush collected but never committed is deleted by recovery: its head must not be published.
        durableHead = null;
        writtenHead = null;
        opened = true;
    }

    /**
     * The rows of this partition with offsets in {@code [from, to)} in live committed files
     * ({@link ArchiveHoldings}: counted from the Parquet footers of the files whose whole range
     * lies there). Reads the storage only; needs no {@link #open}.
     */
    @Override
    public long durablyStored(long from, long to) throws Exception {
        return ArchiveHoldings.count(storage, lane, partition, from, to);
    }

    @Override
    public void write(StoredBatch batch) throws Exception {
        checkOpen();
        if (batch.partition() != partition) {
            throw new IllegalArgumentException("lane " + lane + ": a batch of partition " + batch.partition()
                    + " handed to the archive of partition " + partition);
        }
        committed(); // the engine committed the last flush result before polling again
        int count = batch.records().count();
        if (count == 0) {
            next = Math.max(next, batch.nextOffset());
            return;
        }
        RecordCursor c = batch.records().cursor();
        while (c.next()) {
            String bad = encoder.validate(c);
            if (bad != null) {
                throw new SinkException("lane " + lane + " batch at offset " + batch.baseOffset() + ": " + bad, false, null);
            }
        }
        long receivedMicros = Math.floorDiv(batch.receivedAtNanos(), 1000L);
        byte[] tag = batch.tag().getBytes(StandardCharsets.UTF_8);
        long offset = batch.baseOffset();
        boolean staged = false;
        if (chain != null) {
            chain.startBatch(batch.chainPrev(), receivedMicros);
        }
        c = batch.records().cursor();
        while (c.next()) {
            long bucket = ArchiveLayout.hourBucket(c.tsNanos());
            if (chain != null) {
                chain.advance(c, offset, tag); // every record, so the chain carries over a skipped one
            }
            if (covered.contains(bucket, offset++)) {
                continue; // redelivered behind the archive: a kept file of this hour holds the row
            }
            if (firstStaged < 0) {
                firstStaged = batch.baseOffset();
                firstStagedAtMillis = clock.millis();
            }
            StagingBuffer.Part part = staging.part(bucket);
            encoder.encode(c, tag, receivedMicros, chain, part.out);
            staging.rowAdded(part);
            staged = true;
        }
        if (staged) {
            stagedBytes += batch.records().length();
        }
        if (chain != null && chain.head() != null) {
            writtenHead = chain.head();
        }
        next = batch.nextOffset();
    }

    @Override
    public long flush(boolean force) throws Exception {
        checkOpen();
        committed(); // the engine acted on the previous result before calling again
        collect(false);
        if (!force) {
            maybeMaintain();
        }
        if (staging.isEmpty()) {
            if (inFlight.isEmpty()) {
                durable = Math.max(durable, next); // only empty batches since the last flush
            } else if (force) {
                collect(true);
                durable = Math.max(durable, next);
            }
            return durable;
        }
        boolean due = force
                || staging.rows() >= settings.flushRows()
                || stagedBytes >= settings.flushBytes()
                || clock.millis() - firstStagedAtMillis >= settings.flushAge().toMillis();
        if (!due) {
            return durable;
        }
        while (inFlight.size() >= MAX_FLUSHES_QUEUED) {
            takeOldest(); // the back-pressure on the delivery thread
        }
        submit();
        if (force) {
            collect(true);
        }
        return durable;
    }

    /**
     * Hands the staged rows to the converter thread, which writes one Parquet file per hour bucket
     * (temp, fsync, rename) while the delivery thread keeps staging into a fresh generation.
     */
    private void submit() throws IOException {
        StagingBuffer done = staging;
        Map<Long, StagingBuffer.Part> parts = done.finish();
        String name = ArchiveLayout.fileName(partition, firstStaged, next - 1);
        long upTo = next;
        staging = new StagingBuffer(stagingRoot.resolve(Long.toString(++stagingGeneration)));
        resetStaged();
        inFlight.addLast(new InFlight(converter.submit(() -> {
            for (Map.Entry<Long, StagingBuffer.Part> e : parts.entrySet()) {
                String key = ArchiveLayout.partitionPrefix(lane, e.getKey()) + name;
                Path tmp = storage.newTempFile(key);
                ParquetWriter w = writers.take(); // one is free: at most MAX_FLUSHES_QUEUED flushes run
                try {
                    w.writeStaged(e.getValue().file, tmp);
                } finally {
                    if (!writers.offer(w)) {
                        w.close(); // open() replaced the writers after an interrupted wait: this one is surplus
                    }
                }
                // Atomic and durable on return: the checkpoint is committed after this flush returns.
                storage.put(tmp, key);
                files.increment();
                maintenance.published(key); // its manifest lists it before the offset counts as durable
            }
            done.discard();
            flushes.increment();
            return upTo;
        }), Set.copyOf(parts.keySet()), writtenHead));
    }

    /** Takes the results of the queued flushes that are done (all of them, waiting, when {@code wait}); rethrows a failure. */
    private void collect(boolean wait) throws Exception {
        while (!inFlight.isEmpty() && (wait || inFlight.peekFirst().result().isDone())) {
            takeOldest();
        }
    }

    private void takeOldest() throws Exception {
        InFlight done = inFlight.pollFirst();
        Future<Long> f = done.result();
        try {
            durable = Math.max(durable, f.get());
            if (done.head() != null) {
                durableHead = done.head();
            }
        } catch (ExecutionException e) {
            // A later flush must not count as durable past a failed one: drop their results too
            // (the engine reopens at its checkpoint, and recovery removes what they wrote).
            awaitInFlightQuietly();
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    /**
     * The engine committed {@link #durable}: on a chained lane, publishes the head of the flush it
     * ends with (never of a flush not yet committed, which recovery would delete).
     */
    private void committed() throws IOException {
        committed = durable;
        if (chain != null && durableHead != null && !durableHead.equals(publishedHead)) {
            AuditHeads.write(storage, lane, durableHead);
            publishedHead = durableHead;
        }
    }

    /** Waits for the flush in flight, if any, and takes its result. For tests only: flush(true) is the API. */
    void awaitInFlight() throws Exception {
        collect(true);
    }

    private void awaitInFlightQuietly() {
        while (!inFlight.isEmpty()) {
            try {
                inFlight.pollFirst().result().get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                inFlight.clear();
            } catch (ExecutionException e) {
                // open() recovers from whatever it left behind; close() does not care
            }
        }
    }

    /**
     * Hands a maintenance pass to the maintenance thread when the interval has passed and the
     * previous pass is over. What the pass may touch is decided here, on the delivery thread:
     * files below the committed offset (compaction) and the buckets in use now (size retention).
     */
    private void maybeMaintain() {
        long now = clock.millis();
        if (now - lastMaintenanceMillis < settings.maintenanceInterval().toMillis()) {
            return;
        }
        long below = Math.min(committed, durable);
        Set<Long> inUse = bucketsInUse();
        if (maintenanceThread.submitIfIdle(() -> maintainQuietly(below, inUse))) {
            lastMaintenanceMillis = now;
        }
    }

    /** One periodic pass, on the maintenance thread; a failure waits for the next interval. */
    private void maintainQuietly(long committedBelow, Set<Long> inUse) {
        try {
            compactBelow(committedBelow);
            retain(inUse);
        } catch (Exception e) {
            maintenanceFailures.increment();
            LOG.error("archive {}: maintenance failed (tried again in {}): {}", lane, settings.maintenanceInterval(), e.toString(), e);
        }
    }

    /**
     * Compacts every closed hour partition with enough small committed files, now (no-op when this
     * sink was built with {@code compact=false}, as for the audit lane), on the maintenance thread
     * after any pass running there; waits for it.
     *
     * @return number of partitions compacted
     */
    public int compactNow() throws Exception {
        checkOpen();
        long below = Math.min(committed, durable);
        return maintenanceThread.call(() -> compactBelow(below));
    }

    private int compactBelow(long committedBelow) throws Exception {
        if (!compact) {
            return 0;
        }
        // The sources outlive the manifest that dropped them by one maintenance interval.
        int n = maintenance.compact(committedBelow, settings.compactAfter(), settings.compactMinFiles(),
                settings.maintenanceInterval(), maintenanceThread::closing);
        compactions.increment(n);
        files.increment(n);
        return n;
    }

    /**
     * Deletes hour partitions past the lane's retention: older than its age, then the oldest while
     * the lane's archive is larger than its size, never a partition being written (rows staged for
     * it or being flushed, or the current hour) nor the newest. Counted in
     * {@code loglane.archive.partitions.deleted{lane, reason=age|size}} and logged. Runs on the
     * maintenance thread after any pass running there; waits for it.
     *
     * @return number of hour partitions deleted
     */
    public int enforceRetention() throws Exception {
        checkOpen();
        Set<Long> inUse = bucketsInUse();
        return maintenanceThread.call(() -> retain(inUse));
    }

    /** Hour buckets size retention must spare: staged, being flushed, and the current hour by the clock. */
    private Set<Long> bucketsInUse() {
        Set<Long> inUse = new HashSet<>(staging.buckets());
        for (InFlight f : inFlight) {
            inUse.addAll(f.buckets());
        }
        inUse.add(ArchiveLayout.hourBucket(Math.multiplyExact(clock.millis(), 1_000_000L)));
        return inUse;
    }

    private int retain(Set<Long> inUse) throws IOException {
        ArchiveMaintenance.RetentionResult r = maintenance.enforceRetention(retention, inUse);
        agedOut.increment(r.byAge());
        sizedOut.increment(r.bySize());
        if (r.byAge() + r.bySize() > 0) {
            LOG.info("archive {}: retention deleted {} hour partition(s) by age (retention.age {}) and {} by size"
                    + " (retention.size {} bytes)", lane, r.byAge(), retention.maxAge(), r.bySize(), retention.maxBytes());
        }
        if (retention != null && retention.maxBytes() > 0 && r.bytesLeft() > retention.maxBytes()) {
            LOG.warn("archive {}: {} bytes exceed retention.size {}, but the partitions left are being written"
                    + " or the newest", lane, r.bytesLeft(), retention.maxBytes());
        }
        return r.byAge() + r.bySize();
    }

    /** Waits until the maintenance pass handed over last, if any, is over. For tests only. */
    void awaitMaintenance() throws Exception {
        maintenanceThread.call(() -> null);
    }

    private void resetStaged() {
        firstStaged = -1;
        stagedBytes = 0;
    }

    private void checkOpen() {
        if (!opened) {
            throw new IllegalStateException("archive sink for lane " + lane + " is not open");
        }
    }

    @Override
    public void close() throws Exception {
        opened = false;
        maintenanceThread.close(); // a running pass finishes first (bounded)
        awaitInFlightQuietly();
        converter.shutdown();
        try {
            staging.close();
        } finally {
            for (ParquetWriter w; (w = writers.poll()) != null; ) {
                w.close();
            }
        }
    }
}
