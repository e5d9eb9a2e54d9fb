package io.loglane.stores.index;

import io.loglane.core.os.BackgroundPriority;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermRangeQuery;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import io.loglane.core.config.LaneNames;
import io.loglane.core.config.Retention;
import io.loglane.core.event.RecordCursor;
import io.loglane.core.parse.RecordParser;
import io.loglane.core.telemetry.MetricNames;
import io.loglane.delivery.Sink;
import io.loglane.delivery.SinkException;
import io.loglane.stream.StoredBatch;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.lucene.index.IndexableField;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.store.AlreadyClosedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Lucene index store for one lane (store name {@code index}): one index per UTC day of event
 * time under {@code <index>/<lane>/<yyyy-MM-dd>/} ({@link IndexLayout}), each document a stream
 * record keyed by its offset ({@link DocumentMapper}; fields and recovery rules: FORMAT.md).
 *
 * <h2>Delivery protocol</h2>
 * <ul>
 *   <li>{@link #open(long)} rolls every open day index back to its last commit (what was written
 *       and not committed goes; redelivery brings it again).</li>
 *   <li>{@link #write} adds each record to the index of its day, except a record whose day is
 *       already past the retention age (the next retention pass would delete it): it is counted
 *       ({@link IndexMetrics#SKIPPED}) and left to the archive, which search reads for ranges older
 *       than the index's oldest document. At most {@link #MAX_OPEN_DAYS} day indices are open; the
 *       least recently written is committed and closed to open another. A record whose offset is below
 *       its day's committed {@link DayIndex#NEXT_OFFSET} may already be there (the checkpoint is
 *       behind the index: a crash between commit and checkpoint, or a lost checkpoint), so it
 *       replaces the document of that offset instead of adding one; every other record is added.
 *       A record whose msgpack is malformed, or that Lucene refuses, fails the batch as
 *       permanently invalid ({@link SinkException}, dead letter); open rolls back its part.</li>
 *   <li>{@link #flush(boolean)} commits every day index written to, when forced or once the oldest
 *       uncommitted write is {@link IndexSettings#commitInterval()} old, and returns the offset
 *       after the last batch written before the commit: only what a Lucene commit made durable.
 *       It also applies retention (whole days) at most every maintenance interval.</li>
 * </ul>
 * A written record is searchable within {@link IndexSettings#refreshInterval()}, committed or not:
 * a refresh thread reopens, at that interval, the searchers of open days searched in the last
 * {@link #KEEP_FRESH}, and a search of any other open day reopens its searchers first. A day
 * nobody searches is thus not reopened until its commit: each reopen flushes what the writer
 * buffered as a small segment that is sorted and later merged again (in IndexBench's profile the
 * reopens every 500 ms held ~30 % of the CPU samples, most of it flush work the writer would
 * otherwise do at its RAM-buffer limit; what they add is many small segments to merge).
 *
 * <p>A day index stays open while written to; one idle for {@link #IDLE_CLOSE} is closed at the
 * next commit (never the newest), and a late event reopens it.
 *
 * <p>Thread-safety: the {@link Sink} methods from one delivery thread; {@link #searchers} from any
 * thread. {@link #lock} guards the map of open days against the refresh thread and searchers.
 */
public final class IndexSink implements Sink {
    public static final String STORE = IndexKeys.NAME;
    private static final Logger LOG = LoggerFactory.getLogger(IndexSink.class);

    private final String lane;
    private final IndexSettings settings;
    private final IndexLayout layout;
    private final int partition;
    private final Retention retention;
    private final Clock clock;
    private final DocumentMapper mapper;
    private final List<IndexableField> doc = new ArrayList<>();
    private final Object lock = new Object();
    /** Open day indices by epoch day; guarded by {@link #lock} for changes, read freely by the delivery thread. */
    private final TreeMap<Long, DayIndex> days = new TreeMap<>();
    /** A day index not written to for this long is closed at the next commit (unless it is the newest). */
    static final Duration IDLE_CLOSE = Duration.ofMinutes(5);
    /** A day searched within this long is reopened by the refresh thread, so searches of a watched day never wait for a reopen. */
    static final Duration KEEP_FRESH = Duration.ofMinutes(1);
    /** Most day indices open at once (each an IndexWriter with its own RAM buffer); see {@link #day}. */
    static final int MAX_OPEN_DAYS = 4;
    private final ScheduledExecutorService refresher;
    private final Counter commits;
    private final Counter documents;
    private final Counter agedOut;
    private final Counter sizedOut;
    private final Counter pastRetention;
    /** Counts records written, so the least recently written open day is known exactly. */
    private long writeSeq;
    /** The distinct days of the batch being written ({@link #batchDays(StoredBatch, long)}); reused. */
    private long[] batchDays = new long[8];
    private boolean opened;
    /** Offset after everything a Lucene commit made durable. */
    private long durable;
    /** Offset after the last batch written. */
    private long next;
    /** When the oldest uncommitted write happened, or -1 when nothing is uncommitted. */
    private long firstUncommittedMillis = -1;
    private long lastMaintenanceMillis;

    public IndexSink(String lane, RecordParser parserOrNull, IndexSettings settings, Retention retention,
            MeterRegistry registry, Clock clock) {
        this(io.loglane.stream.Partitions.SINGLE, lane, parserOrNull, settings, retention, registry, clock);
    }

    /**
     * A sink for one stream partition of the lane. Partition 0 keeps its day indices under
     * {@code <dir>/<lane>/}; another partition's are under {@code <dir>/partition-<p>/<lane>/}, so
     * each partition has its own Lucene directories, commits and offset space (one IndexWriter per
     * directory). Search reads partition 0, the only one a local stream has.
     */
    public IndexSink(int partition, String lane, RecordParser parserOrNull, IndexSettings settings, Retention retention,
            MeterRegistry registry, Clock clock) {
        LaneNames.check(lane);
        if (partition < 0) {
            throw new IllegalArgumentException("partition must be >= 0: " + partition);
        }
        this.partition = partition;
        this.lane = lane;
        this.settings = settings;
        this.layout = new IndexLayout(partitionRoot(settings.dir(), partition));
        this.retention = retention;
        this.clock = clock;
        this.mapper = new DocumentMapper(parserOrNull);
        this.lastMaintenanceMillis = clock.millis();
        this.commits = Counter.builder(IndexMetrics.COMMITS).tag(MetricNames.LANE, lane).register(registry);
        this.documents = Counter.builder(IndexMetrics.DOCUMENTS).tag(MetricNames.LANE, lane).register(registry);
        this.agedOut = Counter.builder(IndexMetrics.DAYS_DELETED).tag(MetricNames.LANE, lane)
                .tag(MetricNames.REASON, "age").register(registry);
        this.sizedOut = Counter.builder(IndexMetrics.DAYS_DELETED).tag(MetricNames.LANE, lane)
                .tag(MetricNames.REASON, "size").register(registry);
        this.pastRetention = Counter.builder(IndexMetrics.SKIPPED).tag(MetricNames.LANE, lane)
                .tag(MetricNames.REASON, "past_retention").register(registry);
        this.refresher = Executors.newSingleThreadScheduledExecutor(settings.priority().factory("index-refresh-" + lane));
        long every = settings.refreshInterval().toMillis();
        refresher.scheduleWithFixedDelay(this::refresh, every, every, TimeUnit.MILLISECONDS);
    }

    @Override
    public String store() { return STORE; }

    @Override
    public int partition() { return partition; }

    /** Where the day indices of {@code partition} live under the index directory {@code dir}. */
    public static java.nio.file.Path partitionRoot(java.nio.file.Path dir, int partition) {
        return partition == io.loglane.stream.Partitions.SINGLE ? dir : dir.resolve("partition-" + partition);
    }

    public String lane() { return lane; }

    public IndexLayout layout() { return layout; }

    @Override
    public void open(long committedOffset) throws Exception {
        if (committedOffset < 0) {
            throw new IllegalArgumentException("negative committed offset " + committedOffset);
        }
        closeDays();
        durable = committedOffset;
        next = committedOffset;
        firstUncommittedMillis = -1;
        opened = true;
    }

    /**
     * The documents with offsets in {@code [from, to)} in the last commit of each day index of this
     * lane and partition: a commit is durable, and documents are keyed by offset (one per offset),
     * so each counts once; a kill between the commits of two days counts what the committed days
     * hold. Reads the directories only (no writer), so it needs no {@link #open}.
     */
    @Override
    public long durablyStored(long from, long to) throws Exception {
        if (from >= to) {
            return 0;
        }
        Query inRange = new TermRangeQuery(IndexFields.OFFSET, DocumentMapper.offsetKey(from), DocumentMapper.offsetKey(to), true, false);
        long n = 0;
        for (LocalDate day : layout.days(lane)) {
            try (Directory d = FSDirectory.open(layout.dayDir(lane, day))) {
                if (!DirectoryReader.indexExists(d)) {
                    continue; // created, never committed: holds nothing durably
                }
                try (DirectoryReader r = DirectoryReader.open(d)) {
                    n += new IndexSearcher(r).count(inRange);
                }
            }
        }
        return n;
    }

    @Override
    public void write(StoredBatch batch) throws Exception {
        checkOpen();
        if (batch.partition() != partition) {
            throw new IllegalArgumentException("index " + lane + " delivers partition " + partition
                    + ", not a batch of partition " + batch.partition());
        }
        byte[] tag = batch.tag().getBytes(StandardCharsets.UTF_8);
        long receivedMicros = Math.floorDiv(batch.receivedAtNanos(), 1000L);
        long now = clock.millis();
        long firstKeptDay = firstKeptDay(now);
        int dayCount = batchDays(batch, firstKeptDay);
        long skipped;
        if (dayCount <= MAX_OPEN_DAYS) {
            skipped = writeDays(batch, firstKeptDay, Long.MIN_VALUE, tag, receivedMicros, now);
        } else {
            // More days than may be open at once, interleaved as a backfill of several sources
            // can be: one pass per day, so each day is opened (and at most once evicted) per batch
            // instead of once per record (which committed and closed a Lucene writer per record).
            skipped = 0;
            for (int i = 0; i < dayCount; i++) {
                skipped += writeDays(batch, firstKeptDay, batchDays[i], tag, receivedMicros, now);
            }
        }
        documents.increment(batch.records().count() - skipped);
        pastRetention.increment(skipped);
        next = batch.nextOffset();
    }

    /**
     * Collects the distinct days (past retention excluded) of {@code batch}'s records into
     * {@link #batchDays}, in order of first appearance. A batch's records rarely span more than one
     * or two days, so the linear look-up is cheaper than a set.
     *
     * @return how many distinct days the batch holds
     */
    private int batchDays(StoredBatch batch, long firstKeptDay) {
        int n = 0;
        RecordCursor c = batch.records().cursor();
        while (c.next()) {
            long epochDay = IndexLayout.epochDay(c.tsNanos());
            if (epochDay < firstKeptDay) {
                continue;
            }
            boolean seen = false;
            for (int i = n - 1; i >= 0 && !seen; i--) {
                seen = batchDays[i] == epochDay;
            }
            if (!seen) {
                if (n == batchDays.length) {
                    batchDays = Arrays.copyOf(batchDays, n * 2);
                }
                batchDays[n++] = epochDay;
            }
        }
        return n;
    }

    /**
     * Writes the records of {@code batch} whose day is {@code onlyDay} (every kept day when
     * {@code Long.MIN_VALUE}), in offset order.
     *
     * @return the records skipped as past retention (counted in the pass over every day, or the first pass)
     */
    private long writeDays(StoredBatch batch, long firstKeptDay, long onlyDay, byte[] tag, long receivedMicros, long now)
            throws IOException, SinkException {
        long skipped = 0;
        long offset = batch.baseOffset();
        boolean countSkipped = onlyDay == Long.MIN_VALUE || onlyDay == batchDays[0];
        RecordCursor c = batch.records().cursor();
        while (c.next()) {
            long epochDay = IndexLayout.epochDay(c.tsNanos());
            if (epochDay < firstKeptDay) {
                skipped += countSkipped ? 1 : 0; // retention would drop its day at once: the archive alone keeps it
                offset++;
                continue;
            }
            if (onlyDay != Long.MIN_VALUE && epochDay != onlyDay) {
                offset++;
                continue;
            }
            // An evicted day records the batch's end as its next offset: every document it holds
            // is below it, and a redelivery of this batch replaces (never duplicates) them.
            DayIndex day = day(epochDay, onlyDay == Long.MIN_VALUE ? offset : batch.nextOffset());
            day.lastWriteMillis = now;
            day.lastWriteSeq = ++writeSeq;
            try {
                mapper.map(c, offset, tag, receivedMicros, doc); // reads the batch's bytes only: any failure is the record's
            } catch (IOException | RuntimeException e) {
                doc.clear();
                throw new SinkException("lane " + lane + " record at offset " + offset + " is malformed: " + e, false, e);
            }
            try {
                day.add(doc, offset, offset < day.committedNext());
            } catch (IllegalArgumentException e) {
                // Lucene refuses this document (and keeps the writer usable): the record, not the disk
                throw new SinkException("lane " + lane + " record at offset " + offset + " cannot be indexed: " + e.getMessage(), false, e);
            } finally {
                doc.clear(); // the fields point into the batch's bytes
            }
            offset++;
            if (firstUncommittedMillis < 0) {
                firstUncommittedMillis = clock.millis();
            }
        }
        return skipped;
    }

    @Override
    public long flush(boolean force) throws Exception {
        checkOpen();
        if (firstUncommittedMillis < 0) {
            durable = next; // only empty batches since the last commit
        } else if (force || clock.millis() - firstUncommittedMillis >= settings.commitInterval().toMillis()) {
            for (DayIndex d : days.values()) {
                if (d.dirty()) {
                    d.commit(next);
                }
            }
            commits.increment();
            durable = next;
            firstUncommittedMillis = -1;
            closeIdleDays();
        }
        if (!force && clock.millis() - lastMaintenanceMillis >= settings.maintenanceInterval().toMillis()) {
            lastMaintenanceMillis = clock.millis();
            enforceRetention();
        }
        return durable;
    }

    /**
     * The near-real-time searchers of {@code day}'s index while this sink has it open, else null
     * (a searcher then opens the day's last commit itself), holding every record written at least
     * {@link IndexSettings#refreshInterval()} ago (reopened now when the day was not searched within
     * {@link #KEEP_FRESH}), and kept that fresh for {@link #KEEP_FRESH}. Acquired searchers must be released.
     *
     * @throws IOException when the reopen fails
     */
    SearcherManager searchers(LocalDate day) throws IOException {
        synchronized (lock) {
            DayIndex d = days.get(day.toEpochDay());
            if (d == null) {
                return null;
            }
            try {
                d.searched(KEEP_FRESH.toNanos());
            } catch (AlreadyClosedException e) {
                return null; // a tragic writer error closed it: the day's last commit is what there is
            }
            return d.searchers();
        }
    }

    /**
     * The first epoch day the retention keeps at {@code nowMillis}: a day whose end is more than the
     * retention age ago is dropped by {@link #enforceRetention}, so its records are not indexed at
     * all (the same rule, so a record is skipped exactly when its day would be deleted).
     */
    private long firstKeptDay(long nowMillis) {
        if (retention == null || retention.maxAge() == null || !retention.maxAge().isPositive()) {
            return Long.MIN_VALUE;
        }
        // day d is deleted when now - (d + 1) * 86 400 000 > age, i.e. kept when (d + 1) * 86 400 000 >= now - age
        return Math.floorDiv(nowMillis - retention.maxAge().toMillis() + 86_399_999L, 86_400_000L) - 1;
    }

    /**
     * The open index of {@code epochDay}, opened when needed. At most {@link #MAX_OPEN_DAYS} are
     * open: before one more opens, the least recently written is committed and closed, recording
     * {@code offset} (the record about to be written) as its next offset, which every document it
     * holds is below, so a redelivery replaces them (FORMAT.md, Idempotence). Without the bound a
     * backfill of a year opened 365 writers, each with its own buffers, and exhausted the heap.
     */
    private DayIndex day(long epochDay, long offset) throws IOException {
        DayIndex d = days.get(epochDay);
        if (d == null) {
            if (days.size() >= MAX_OPEN_DAYS) {
                closeLeastRecentlyWritten(offset);
            }
            Path path = layout.dayDir(lane, LocalDate.ofEpochDay(epochDay));
            Files.createDirectories(path);
            d = new DayIndex(path, settings.ramBufferBytes());
            synchronized (lock) {
                days.put(epochDay, d);
            }
        }
        return d;
    }

    private void closeLeastRecentlyWritten(long offset) throws IOException {
        Map.Entry<Long, DayIndex> lru = null;
        for (Map.Entry<Long, DayIndex> e : days.entrySet()) {
            if (lru == null || e.getValue().lastWriteSeq < lru.getValue().lastWriteSeq) {
                lru = e;
            }
        }
        DayIndex d = lru.getValue();
        if (d.dirty()) {
            d.commit(offset);
            commits.increment();
        }
        synchronized (lock) {
            days.remove(lru.getKey());
        }
        d.close();
    }

    /**
     * Closes the (just committed) indices of days not written to for {@link #IDLE_CLOSE}, but never
     * the newest open day: a late event reopens its day; an idle writer only holds memory and files.
     */
    private void closeIdleDays() throws IOException {
        long now = clock.millis();
        List<DayIndex> idle = new ArrayList<>();
        synchronized (lock) {
            Long newest = days.isEmpty() ? null : days.lastKey();
            days.entrySet().removeIf(e -> {
                boolean close = !e.getKey().equals(newest) && now - e.getValue().lastWriteMillis >= IDLE_CLOSE.toMillis();
                if (close) {
                    idle.add(e.getValue());
                }
                return close;
            });
        }
        for (DayIndex d : idle) {
            d.close(); // committed: nothing is dropped
        }
    }

    /** Reopens the searchers of every open day searched within {@link #KEEP_FRESH} (the refresh thread). */
    private void refresh() {
        long keepFresh = KEEP_FRESH.toNanos();
        synchronized (lock) {
            for (DayIndex d : days.values()) {
                if (!d.searchedWithin(keepFresh)) {
                    continue;
                }
                try {
                    d.refresh();
                } catch (AlreadyClosedException e) {
                    // a tragic writer error closed it; the delivery thread's next call fails and reopens
                } catch (IOException | RuntimeException e) {
                    LOG.warn("index {}: refresh failed: {}", lane, e.toString());
                }
            }
        }
    }

    /**
     * Deletes whole day indices: those whose day ended more than the lane's retention age ago, then
     * the oldest while the lane's index holds more than its retention size (never the newest day).
     *
     * @return days deleted
     */
    int enforceRetention() throws IOException {
        if (retention == null) {
            return 0;
        }
        List<LocalDate> all = layout.days(lane);
        int byAge = 0;
        int bySize = 0;
        List<LocalDate> kept = new ArrayList<>();
        long nowMillis = clock.millis();
        for (LocalDate day : all) {
            long endMillis = day.plusDays(1).toEpochDay() * 86_400_000L;
            if (retention.maxAge() != null && retention.maxAge().isPositive()
                    && nowMillis - endMillis > retention.maxAge().toMillis()) {
                deleteDay(day);
                byAge++;
            } else {
                kept.add(day);
            }
        }
        if (retention.maxBytes() > 0 && kept.size() > 1) {
            long total = 0;
            long[] sizes = new long[kept.size()];
            for (int i = 0; i < kept.size(); i++) {
                sizes[i] = layout.sizeOf(lane, kept.get(i));
                total += sizes[i];
            }
            for (int i = 0; i < kept.size() - 1 && total > retention.maxBytes(); i++) {
                deleteDay(kept.get(i));
                total -= sizes[i];
                bySize++;
            }
        }
        agedOut.increment(byAge);
        sizedOut.increment(bySize);
        if (byAge + bySize > 0) {
            LOG.info("index {}: retention deleted {} day(s) by age (retention.age {}) and {} by size (retention.size {} bytes)",
                    lane, byAge, retention.maxAge(), bySize, retention.maxBytes());
        }
        return byAge + bySize;
    }

    /**
     * Closes the day's index if open, dropping what it had not committed: committed documents of
     * other days stay, and the checkpoint only moves with a commit, so nothing acknowledged is lost
     * that the retention did not mean to drop.
     */
    private void deleteDay(LocalDate day) throws IOException {
        DayIndex d;
        synchronized (lock) {
            d = days.remove(day.toEpochDay());
        }
        if (d != null) {
            d.rollback();
        }
        Path dir = layout.dayDir(lane, day);
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }

    private void closeDays() throws IOException {
        List<DayIndex> open;
        synchronized (lock) {
            open = new ArrayList<>(days.values());
            days.clear();
        }
        IOException first = null;
        for (DayIndex d : open) {
            try {
                d.rollback();
            } catch (IOException e) {
                if (first == null) {
                    first = e;
                }
            } catch (AlreadyClosedException e) {
                // closed by a tragic error: nothing left to drop
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private void checkOpen() {
        if (!opened) {
            throw new IllegalStateException("index sink for lane " + lane + " is not open");
        }
    }

    @Override
    public void close() throws Exception {
        opened = false;
        // No interrupt: one in the middle of a refresh would close the index's file channels under it.
        refresher.shutdown();
        refresher.awaitTermination(10, TimeUnit.SECONDS);
        closeDays();
    }
}
