package io.loglane.inputs.tail;

import io.loglane.core.config.InputSpec;
import io.loglane.core.event.RecordBlock;
import io.loglane.core.ingest.IngestRejectedException;
import io.loglane.core.ingest.IngestRequest;
import io.loglane.core.ingest.IngestResult;
import io.loglane.core.lifecycle.Input;
import io.loglane.core.lifecycle.InputContext;
import io.loglane.core.telemetry.LedgerCounters;
import io.loglane.core.telemetry.MetricNames;
import io.loglane.core.telemetry.RateLimitedLog;
import io.loglane.inputs.admission.BackPressure;
import io.loglane.inputs.admission.Settled;
import io.loglane.inputs.admission.SourceThread;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code type: tail}: reads the files its globs match as they grow, through rotation, and hands
 * their lines to the router in batches of one block each ({@link LineReader}, {@link LineRecords}).
 * No line is lost and none is stored twice across a restart or {@code kill -9}: see FORMAT.md
 * beside this class for the positions file and the chunk ids that make that so, and its limits.
 *
 * <h2>The tailer thread</h2>
 * Everything runs on one thread per input: {@link FileWatcher} scans every {@code scan_interval};
 * every {@code poll_interval} each file's size is checked (growth, truncation, a reused inode, a
 * rotated file read to its end); a file with new bytes is queued and the <em>pump</em> reads one
 * block of each queued file, records the batches' ranges in the positions file (one fsync for all
 * of them), and submits them. A file's next block is read as soon as its batch is acknowledged, so
 * a busy file is read back to back. At most one batch per file is in flight, and the batches of
 * all files together hold at most {@code max_in_flight_bytes} (beyond it, queued files wait their
 * turn), so memory is bounded however many files are tailed.
 *
 * <h2>Refusals</h2>
 * A batch refused for a full lane or disk is retried through {@link BackPressure} (the file is
 * paused meanwhile); one refused for a rate limit or a storage error stays pending and is re-sent
 * after a second; one refused as invalid is dropped and counted. Nothing the stream has not
 * accepted moves a file's position.
 *
 * <h2>Meters</h2>
 * {@code loglane.events.received} / {@code loglane.bytes.received} {input}; the completeness
 * ledger per file ({@code loglane.source.*}, peer = path and device:inode, as {@code ./loglane
 * sources} shows it); {@code loglane.tail.files{input}} (files open); {@code
 * loglane.tail.position.writes{input}}; {@code loglane.tail.problems{input, reason}}
 * ({@link TailErrors}); {@code loglane.input.backpressure.retries{input}} ({@link BackPressure}).
 *
 * <p>Thread-safety: the {@link Input} methods as that interface states; all state is confined to
 * the tailer thread.
 */
public final class TailInput implements Input {
    static final String FILES_GAUGE = "loglane.tail.files";
    static final String POSITION_WRITES = "loglane.tail.position.writes";
    private static final Logger LOG = LoggerFactory.getLogger(TailInput.class);
    private static final Duration RETRY = Duration.ofSeconds(1);

    private final TailConfig config;
    private final InputContext context;
    private final TailErrors errors;
    private final PositionsFile positions;
    private final LineReader reader;
    private final LineRecords records;
    private final BackPressure backPressure;
    private final ScheduledExecutorService thread;
    private final SourceThread sourceThread;
    private final Counter positionWrites;
    /** {@code loglane.events.received} and {@code loglane.bytes.received} {input}: lines read (again after a restart, for a re-sent batch) and their bytes. */
    private final LedgerCounters received;
    /** Null for plain lines ({@code type: tail}); a container format otherwise. */
    private final LineFormat format;
    /** Null without {@code multiline:}; else ends batches before events still open ({@link MultilineHold}). */
    private final MultilineHold hold;
    private final LineStarts starts;
    /** The records of the last {@link #read} that go into its batch, when a hold chose them; else null (all of them). */
    private RecordBlock kept;
    private final ArrayDeque<TailedFile> ready = new ArrayDeque<>();
    private FileWatcher watcher;
    private volatile boolean paused;
    private volatile boolean draining;
    private volatile boolean closed;
    private boolean pumpScheduled;
    /** Record bytes of every file's pending batch. */
    private long inFlightBytes;
    private boolean dirty;
    private volatile int openFiles;

    public TailInput(TailConfig config, InputContext context) {
        this(config, context, null);
    }

    /** A tail whose lines are decoded by {@code format} (a container runtime's log files); null for plain lines. */
    public TailInput(TailConfig config, InputContext context, LineFormat format) {
        this(config, context, format, null);
    }

    /**
     * A tail of {@code format} lines (null: plain) that holds multiline events open at the end of a
     * read back in the file ({@link MultilineHold}, built from the spec's {@code multiline:}; null: none).
     */
    public TailInput(TailConfig config, InputContext context, LineFormat format, InputSpec multilineSpec) {
        this.format = format;
        this.hold = multilineSpec == null ? null : MultilineHold.of(multilineSpec, context.clock());
        if (context.dataDir() == null) {
            throw new IllegalArgumentException("tail input '" + config.name() + "' needs a data directory for its read positions");
        }
        this.config = config;
        this.context = context;
        this.errors = new TailErrors(context.registry(), type() + " input '" + config.name() + "'", config.name());
        this.positions = new PositionsFile(context.dataDir().resolve("inputs").resolve("tail")
                .resolve(config.name().replaceAll("[^A-Za-z0-9._-]", "_") + ".positions"));
        this.reader = new LineReader(config.readBlockBytes(), config.maxLineBytes());
        this.records = new LineRecords(Math.min(config.readBlockBytes() * 2, 8 << 20));
        this.starts = new LineStarts(records);
        this.backPressure = new BackPressure(type(), config.name(), context.ingest(), context.registry(),
                new RateLimitedLog(LOG, context.clock(), Duration.ofSeconds(10)));
        this.thread = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("tail-" + config.name()).factory());
        this.sourceThread = SourceThread.of(thread);
        this.positionWrites = context.registry().counter(POSITION_WRITES, MetricNames.INPUT, config.name());
        this.received = LedgerCounters.received(context.registry(), config.name());
        Gauge.builder(FILES_GAUGE, this, t -> t.openFiles).tag(MetricNames.INPUT, config.name()).register(context.registry());
    }

    @Override public String name() { return config.name(); }

    @Override public String describe() { return type() + " " + String.join(", ", config.paths()); }

    /** {@code tail}, or the container runtime whose files this input reads ({@code docker}, {@code cri}). */
    private String type() { return format == null ? TailInputType.TYPE : format.inputType(); }

    /** Where the read positions are kept. */
    public Path positionsFile() { return positions.path(); }

    /** Reads the positions file (a corrupt one fails the start), then scans and starts reading. */
    @Override
    public void start() throws IOException {
        PositionsFile.Content known = positions.read();
        long writtenMillis = java.nio.file.Files.exists(positions.path())
                ? java.nio.file.Files.getLastModifiedTime(positions.path()).toMillis() : System.currentTimeMillis();
        watcher = new FileWatcher(new PathScanner(config.paths(), config.exclude()), errors, this::newFile, known, writtenMillis);
        later(() -> {
            opened(watcher.scan(true, config.startAtHead()));
            dirty = true;
            pump();
        });
        long scan = config.scanInterval().toNanos();
        long poll = config.pollInterval().toNanos();
        thread.scheduleWithFixedDelay(guarded(this::scan), scan, scan, TimeUnit.NANOSECONDS);
        thread.scheduleWithFixedDelay(guarded(this::poll), poll, poll, TimeUnit.NANOSECONDS);
    }

    /** A periodic scan; released files or lost generations it forgot are dropped from the positions file at the next poll. */
    private void scan() {
        int remembered = watcher.rememberedCount();
        opened(watcher.scan(false, true));
        if (watcher.rememberedCount() < remembered) {
            dirty = true;
        }
    }

    private TailedFile newFile(FileIdentity id, FileChannel ch, Path path, Fingerprint fp, long offset, boolean skipping) {
        LineFormat.FileLines lines = format == null ? null
                : format.open(path, config.maxLineBytes(), (reason, n, detail) -> errors.count(reason, path.toString(), n, detail));
        String tag = lines == null || lines.tag() == null ? config.tagFor(path.getFileName().toString()) : lines.tag();
        TailedFile f = new TailedFile(id, ch, path, fp, offset, skipping, config.name(), tag, System.nanoTime());
        f.lines = lines;
        f.tally = context.ingest().sources().tally(f.source, f.tag);
        f.waits = backPressure.source(path.toString(), f, () -> !closed && f.isOpen(), sourceThread);
        return f;
    }

    /** New files: a resumed one first re-reads the batch it had in flight, then all are queued. */
    private void opened(Iterable<TailedFile> files) {
        for (TailedFile f : files) {
            TailPosition p = f.resumedFrom;
            if (p != null && p.pendingEnd() > p.offset()) {
                reread(f, p);
            }
            queue(f);
        }
        openFiles = watcher.files().size();
        schedulePump();
    }

    /** Rebuilds the batch {@code [offset, pendingEnd)} that was in flight at the crash, under its chunk id. */
    private void reread(TailedFile f, TailPosition p) {
        try {
            if (f.channel.size() < p.pendingEnd()) {
                if (!p.id().equals(f.id) || !p.pendingOf().equals(f.id)) {
                    return; // a copy made before the range was read: read on from its start as new (FORMAT.md: limits)
                }
                // truncated meanwhile (copytruncate while loglane was down): the range is re-sent from a copy, if there is one
                f.restartAtZero();
                dirty = true;
                generationLost(f, p, p.pendingEnd());
                return;
            }
            LineReader.Read r = read(f, p.offset(), p.pendingEnd(), p.skipping(), true);
            if (r.end() != p.pendingEnd()) {
                return; // cannot happen for the same bytes; then read on as new (FORMAT.md: limits)
            }
            // under the chunk id it was sent with: that of the file it was read from (a copy re-sends its original's range)
            f.pend(request(f, TailedFile.chunkId(config.name(), p.pendingOf(), p.fingerprint(), p.offset(), r.end()), p.offset(), r),
                    r.end(), r.skipping(), p.pendingOf());
            inFlightBytes += f.pending.records().length();
        } catch (IOException e) {
            errors.count(TailErrors.READ_ERROR, f.path.toString(), 1, e.toString());
        }
    }

    /** Checks every file's size: growth queues it, shrinkage or new first bytes start it over, a finished gone file is released. */
    private void poll() {
        long now = System.nanoTime();
        for (TailedFile f : List.copyOf(watcher.files())) {
            long size;
            try {
                size = f.channel.size();
                if (size != f.lastSize) {
                    f.lastGrowthNanos = now;
                    f.lastSize = size;
                    if (f.pendingEnd < 0) {
                        intact(f); // with a batch in flight, the next read checks
                    } else if (size > f.seenSize && f.fingerprint.matches(f.channel)) {
                        f.seenSize = size; // grown, the same generation: what a truncation now would take is known
                    }
                }
            } catch (IOException e) {
                errors.count(TailErrors.READ_ERROR, f.path.toString(), 1, e.toString());
                continue;
            }
            boolean behind = size > f.offset && f.pendingEnd < 0 || f.pending != null && !f.inFlight;
            if (behind) {
                queue(f);
            } else if (f.gone && f.pending == null && now - f.lastGrowthNanos >= config.rotateWait().toNanos()) {
                watcher.release(f);
                errors.forget(f.path.toString());
                dirty = true;
            }
        }
        openFiles = watcher.files().size();
        if (dirty) {
            writePositions();
        }
        schedulePump();
    }

    /**
     * False, with the file started over at byte 0, when it was truncated (shorter than the read
     * position: copy-truncate) or its first bytes changed (rewritten in place, or truncated and
     * written past the position already); grows a short fingerprint. Checked before and after
     * every read, so no block of a new generation is read at the old generation's offset.
     */
    private boolean intact(TailedFile f) throws IOException {
        long size = f.channel.size();
        if (size < f.offset) {
            errors.count(TailErrors.FILE_TRUNCATED, f.path.toString(), 1, "shorter (" + size + " bytes) than the read position "
                    + f.offset + "; read again from its start");
        } else if (f.fingerprint.length() > 0 && !f.fingerprint.matches(f.channel)) {
            errors.count(TailErrors.REPLACED, f.path.toString(), 1, "its first bytes changed (truncated and rewritten, or rewritten in place);"
                    + " read again from its start");
        } else {
            if (f.fingerprint.partial() && size > f.fingerprint.length() && f.pendingEnd < 0) {
                f.fingerprint = Fingerprint.of(f.channel);
                dirty = true;
            }
            f.seenSize = Math.max(f.seenSize, size);
            return true;
        }
        TailPosition generation = f.position();
        long seen = f.seenSize;
        f.restartAtZero();
        dirty = true;
        generationLost(f, generation, seen);
        return false;
    }

    /**
     * The content {@code generation} describes is no longer at {@code f}'s inode (truncated,
     * replaced): what the tail had not read of it is read from its copy beside it
     * (copytruncate's {@code app.log.1}) if there is one. Bytes known to have been there
     * ({@code seenSize}) that no copy holds are counted as lost.
     */
    private void generationLost(TailedFile f, TailPosition generation, long seenSize) throws IOException {
        watcher.lost(generation);
        TailedFile copy = watcher.adoptCopy(generation);
        long kept = copy == null ? generation.offset() : Math.max(generation.offset(), copy.channel.size());
        if (seenSize > kept) {
            errors.lost(TailErrors.ROTATED_AWAY, f.path.toString(), seenSize - kept, (copy == null
                    ? "truncated or replaced before the tail read it to its end, and no copy of it is beside it"
                    : "its copy " + copy.path + " ends before what the tail saw in it (lines written between copytruncate's copy and"
                    + " its truncate)") + "; bytes " + kept + " to " + seenSize + " are lost");
        }
        if (copy != null) {
            opened(List.of(copy));
        }
    }

    private void queue(TailedFile f) {
        if (!f.queued) {
            f.queued = true;
            ready.add(f);
        }
    }

    private void schedulePump() {
        if (!pumpScheduled && !closed) {
            pumpScheduled = true;
            thread.execute(guarded(() -> {
                pumpScheduled = false;
                pump();
            }));
        }
    }

    /** Reads one block of every queued file, records the new batches in the positions file, then submits them. */
    private void pump() {
        if (paused || closed) {
            return;
        }
        List<TailedFile> started = new ArrayList<>();
        for (int n = ready.size(); n > 0; n--) {
            TailedFile f = ready.poll();
            f.queued = false;
            if (f.inFlight || f.paused || !f.isOpen()) {
                continue; // queued again when answered or resumed
            }
            if (f.pending == null) {
                if (inFlightBytes >= config.maxInFlightBytes()) {
                    queue(f); // its turn comes when batches are answered
                    continue;
                }
                if (!readBatch(f)) {
                    continue;
                }
                inFlightBytes += f.pending.records().length();
            }
            started.add(f);
        }
        if (started.isEmpty()) {
            return;
        }
        if (!writePositions()) {
            return; // not recorded, so not sent: the poll retries (a batch sent unrecorded could be stored twice)
        }
        for (TailedFile f : started) {
            f.inFlight = true;
            f.waits.submit(f.pending, new Settled() {
                @Override
                public void settled(IngestResult result, Throwable error) { answered(f, result, error); }

                @Override
                public void abandoned() {}
            });
        }
    }

    /** Reads the next block of {@code f} into its pending batch; false when it held no whole line. */
    private boolean readBatch(TailedFile f) {
        long now = System.nanoTime();
        boolean flush = now - f.lastGrowthNanos >= config.partialFlush().toNanos();
        try {
            while (true) {
                intact(f);
                LineReader.Read r = read(f, f.offset, Long.MAX_VALUE, f.skipping, flush);
                if (r.end() == f.offset) {
                    return false;
                }
                if (f.offset == 0) {
                    // the first bytes as read become the fingerprint: one taken before (perhaps of an
                    // empty file) could not tell this content from what replaces it later
                    int k = Math.min(r.read(), Fingerprint.MAX_LENGTH);
                    f.fingerprint = new Fingerprint(k, reader.prefixCrc(k));
                }
                if (!intact(f)) {
                    continue; // truncated or rewritten while being read: what was read may be either generation
                }
                count(f);
                if (records.count() > 0) {
                    f.pend(request(f, f.chunkId(config.name(), f.offset, r.end()), f.offset, r), r.end(), r.skipping());
                    return true;
                }
                // only the skipped rest of a cut line, or lines the format rejected: nothing to
                // send, skip on (its end is recorded with the next batch's range)
                countRejected(f, nowNanos());
                f.offset = r.end();
                f.skipping = r.skipping();
                dirty = true;
            }
        } catch (IOException e) {
            errors.count(TailErrors.READ_ERROR, f.path.toString(), 1, e.toString());
            return false;
        }
    }

    /** One block of {@code f} into {@link #records}, as plain lines or through the file's {@link LineFormat}. */
    private LineReader.Read read(TailedFile f, long start, long limit, boolean skipping, boolean flush) throws IOException {
        long now = nowNanos();
        records.begin(f.recordPrefix, now);
        kept = null;
        LineReader.LineSink sink = f.lines == null ? records : f.lines.begin(records, now);
        LineReader.Read r = reader.read(f.channel, start, limit, skipping, flush, hold == null ? sink : starts.wrap(sink, f.lines));
        if (f.lines != null) {
            int end = f.lines.end(flush || r.full() || limit != Long.MAX_VALUE);
            // a line's parts left to the next batch: the batch ends before them (a re-read range ends there too)
            r = end < 0 ? r : new LineReader.Read(start + end, false, records.count(), r.full(), r.read());
        }
        if (hold == null || limit != Long.MAX_VALUE || records.count() == 0) {
            return r; // a re-read range ends where its batch ended: nothing is held from it
        }
        RecordBlock all = records.build();
        int k = hold.keep(f.held, start, all, starts, r.full());
        kept = all.prefix(k);
        if (k == all.count()) {
            return r;
        }
        // an open multiline event: the batch ends before its first line, which the next read starts with
        return new LineReader.Read(start + starts.start(k), false, k, r.full(), r.read());
    }

    private IngestRequest request(TailedFile f, String chunkId, long start, LineReader.Read r) {
        long bytes = records.bytes();
        RecordBlock block = kept != null ? kept : records.build();
        long now = nowNanos();
        f.tally.received(block.count(), now);
        // lines held back for a multiline event are counted when they are sent: the batch's range, not the read's
        received.add(block.count(), block.count() < records.count() ? r.end() - start : bytes);
        countRejected(f, now);
        return new IngestRequest(f.source, f.tag, block, chunkId, now, TailedFile.sourcePosition(f.id, r.end()));
    }

    /** Lines of the batch just read that its format rejected: received and rejected, by reason, in the file's ledger entry. */
    private void countRejected(TailedFile f, long now) {
        if (f.lines == null) {
            return;
        }
        f.lines.rejected().forEach((reason, n) -> {
            f.tally.received(n, now);
            received.add(n, 0);
            f.tally.rejected(reason, n);
        });
    }

    private void count(TailedFile f) {
        String path = f.path.toString();
        errors.count(TailErrors.LINE_TRUNCATED, path, records.truncated(), "a line longer than max_line_bytes (" + config.maxLineBytes()
                + ") was cut there and stored with truncated: true; its rest is skipped");
        errors.count(TailErrors.INVALID_UTF8, path, records.invalidUtf8(), "a line is not UTF-8; stored with bad bytes replaced by U+FFFD");
        errors.count(TailErrors.BINARY, path, records.binary(), "a line holds NUL bytes (binary data); stored as it is");
        if (f.lines != null) {
            f.lines.report();
        }
    }

    private void answered(TailedFile f, IngestResult result, Throwable error) {
        f.inFlight = false;
        if (error == null) {
            f.tally.settled(result);
            inFlightBytes -= f.pending.records().length();
            f.accepted();
            dirty = true;
            queue(f);
            schedulePump();
            return;
        }
        if (error instanceof IngestRejectedException r && r.reason() == IngestRejectedException.Reason.INVALID) {
            int n = f.pending.records().count();
            f.tally.failed(r.reason().label(), n, r);
            errors.count(TailErrors.REJECTED, f.path.toString(), n, "the router refused a batch as invalid: " + r.getMessage());
            inFlightBytes -= f.pending.records().length();
            f.accepted(); // dropped, and counted as such: re-sending cannot make it valid
            dirty = true;
            queue(f);
            schedulePump();
            return;
        }
        // rate limit, storage error, or closed while waiting out back-pressure: the batch stays pending
        if (!closed) {
            sourceThread.schedule(guarded(() -> {
                queue(f);
                schedulePump();
            }), RETRY);
        }
    }

    /** Writes every file's position if anything changed; false (counted, logged) when it could not be written. */
    private boolean writePositions() {
        List<TailPosition> all = new ArrayList<>();
        for (TailedFile f : watcher.files()) {
            all.add(f.position());
        }
        try {
            // the scan watermark with the files that scan and later ones found, and those released since (FORMAT.md)
            positions.write(new PositionsFile.Content(watcher.watermark(), all, watcher.released(), watcher.lost()));
            positionWrites.increment();
            dirty = false;
            return true;
        } catch (IOException e) {
            errors.count(TailErrors.READ_ERROR, positions.path().toString(), 1, "cannot write the positions file: " + e);
            return false;
        }
    }

    private long nowNanos() {
        Instant now = context.clock().instant();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    @Override
    public void pause() { paused = true; }

    @Override
    public void resume() {
        if (draining || closed) {
            return;
        }
        paused = false;
        thread.execute(guarded(() -> {
            watcher.files().forEach(this::queue);
            pump();
        }));
    }

    @Override
    public boolean paused() { return paused; }

    @Override
    public boolean drain(Duration timeout) throws InterruptedException {
        draining = true;
        paused = true;
        if (watcher == null) {
            return true; // never started (another component failed first): nothing was taken
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            boolean idle;
            try {
                idle = onThread(() -> watcher.files().stream().noneMatch(f -> f.inFlight));
            } catch (IOException e) {
                return false;
            }
            if (idle || System.nanoTime() >= deadline) {
                return idle;
            }
            Thread.sleep(20);
        }
    }

    @Override
    public void close() throws Exception {
        if (closed) {
            return;
        }
        if (!draining && watcher != null) {
            drain(Duration.ofSeconds(5));
        }
        if (watcher != null) {
            onThread(() -> {
                closed = true;
                writePositions();
                List.copyOf(watcher.files()).forEach(watcher::release);
                return null;
            });
        }
        closed = true;
        thread.shutdownNow();
        thread.awaitTermination(5, TimeUnit.SECONDS);
    }

    /** Test hook: runs {@code task} on the tailer thread and waits for it. */
    <T> T onThread(java.util.concurrent.Callable<T> task) throws IOException, InterruptedException {
        try {
            return thread.submit(task).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("tail input '" + config.name() + "': its thread did not answer within 30 s", e);
        }
    }

    private void later(Runnable task) {
        thread.execute(guarded(task));
    }

    /** A task that logs what it throws instead of killing a periodic schedule. */
    private Runnable guarded(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                LOG.error("tail input '{}': unexpected failure on its thread (it goes on)", config.name(), e);
            }
        };
    }

    /** Record bytes of the batches read and not yet accepted (for tests; on the tailer thread). */
    long inFlightBytes() { return inFlightBytes; }

    /** The problem counters (for tests). */
    TailErrors errors() { return errors; }

    /** Problems counted so far, by reason (for tests). */
    long problems(String reason) { return errors.total(reason); }
}
