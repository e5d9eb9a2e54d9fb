package io.loglane.delivery;

import io.loglane.core.os.BackgroundPriority;
import io.loglane.core.ingest.Source;
import io.loglane.core.ingest.SourceLedger;
import io.loglane.core.ingest.SourceTally;
import io.loglane.core.lifecycle.Component;
import io.loglane.core.telemetry.FailureStreak;
import io.loglane.core.telemetry.MetricNames;
import io.loglane.stream.LaneStream;
import io.loglane.stream.StoredBatch;
import io.loglane.stream.StreamReader;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers one lane to one store instance: read from the committed checkpoint → {@link Sink#write} →
 * {@link Sink#flush} → commit the checkpoint the sink reports durable. At least once, made exact
 * by the sink's idempotence by offset; nothing is ever skipped. Offset gaps (left by crash
 * recovery, never reused) are passed over: once everything written is durable, the checkpoint
 * may move to the reader's position beyond a gap.
 *
 * <p>On any failure the consumer counts a retry, waits per its {@link Backoff} and starts over from
 * the last committed checkpoint ({@link Sink#open}). The backoff and {@link #lastError()} reset only
 * on progress: a committed checkpoint, or nothing left to deliver. A pass that merely did not fail
 * yet (the sink buffered a batch and its flush was not due) is no recovery: the delays keep growing
 * through an outage and the lane's health does not flap. A failing store stalls only this consumer:
 * each runs on its own thread, and the stream keeps the data until it is committed (on disk/sync
 * lanes a full stream pushes back on inputs; nothing is deleted).
 *
 * <p>Failures in a row form a {@link #failure() streak} that ends only when the checkpoint moves
 * (or nothing is left to deliver): a store that takes batches but fails every flush would
 * otherwise look healthy between its attempts.
 *
 * <p>Non-retriable sink errors are retried too, with a louder log: the dead-letter lane that will
 * take records a store rejects forever comes with the index store; until then, stalling is the
 * only choice that loses nothing.
 *
 * <p>The checkpoint, the metrics' {@code store} label and the thread are named by the sink's
 * {@link Sink#instance() instance}, so two stores of one kind on one lane never share a
 * checkpoint (the default instance is named after its kind: {@code archive}).
 *
 * <p>Completeness ledger: each commit counts the events it covers in the ledger entry of the
 * source their batch names ({@link StoredBatch#source()}), as delivered by this store instance
 * ({@link SourceTally#delivered}). The consumer remembers, per batch handed to the sink and not yet
 * committed, its end offset, source, tag and event count (one small entry per batch, dropped at
 * the commit that passes it, or when a failure restarts delivery from the checkpoint, which hands
 * the batches over again); batches without a source (written before sources were stored, or from
 * no input) are not counted per source.
 *
 * <p>It delivers one lane partition, the sink's ({@link Sink#partition()}): it reads that partition
 * and commits that partition's checkpoint.
 *
 * <p>Thread-safety: {@link #start()}, {@link #close()} and {@link #flush()} may be called from any
 * thread; the loop runs on its own thread.
 */
public final class DeliveryConsumer implements Component {
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryConsumer.class);
    private static final Duration POLL_WAIT = Duration.ofMillis(200);

    private final LaneStream lane;
    private final Sink sink;
    private final Backoff backoff;
    private final Sleeper sleeper;
    private final String name;
    private final Counter retries;
    private final Counter delivered;
    private final AtomicLong committed = new AtomicLong();
    private final List<FlushRequest> flushRequests = new ArrayList<>();
    private final Clock clock;
    /** The ledger delivered events are counted in, or null (not counted per source). */
    private final SourceLedger sources;
    /** Batches handed to the sink and not yet committed, oldest first; only touched by the delivery thread. */
    private final ArrayDeque<Uncommitted> uncommitted = new ArrayDeque<>();
    private volatile boolean running;
    private volatile FailureStreak failure;
    /** The exception behind {@link #failure}; null exactly when it is. */
    private volatile Exception lastFailure;
    private Thread thread;

    private record FlushRequest(long target, CompletableFuture<Void> done) {}

    /** A batch written to the sink but not yet committed: what its commit counts for its source. */
    private final BackgroundPriority priority;

    private record Uncommitted(long end, Source source, String tag, int events) {}

    /** Waits between attempts ({@link Thread#sleep} in production); a seam so tests see the delays without waiting them out. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    public DeliveryConsumer(LaneStream lane, Sink sink, Duration initialBackoff, Duration maxBackoff,
                            MeterRegistry registry, RandomGenerator random) {
        this(lane, sink, initialBackoff, maxBackoff, registry, random, Clock.systemUTC(), Thread::sleep);
    }

    /**
     * @param clock   dates the start of a {@link #failure() failure streak}
     * @param sleeper waits out each backoff delay
     */
    public DeliveryConsumer(LaneStream lane, Sink sink, Duration initialBackoff, Duration maxBackoff,
                            MeterRegistry registry, RandomGenerator random, Clock clock, Sleeper sleeper) {
        this(lane, sink, initialBackoff, maxBackoff, registry, random, clock, sleeper, null);
    }

    /** @param sources the completeness ledger committed events are counted in per source ({@link SourceTally#delivered}) */
    public DeliveryConsumer(LaneStream lane, Sink sink, Duration initialBackoff, Duration maxBackoff,
                            MeterRegistry registry, RandomGenerator random, Clock clock, Sleeper sleeper, SourceLedger sources) {
        this(lane, sink, initialBackoff, maxBackoff, registry, random, clock, sleeper, sources, BackgroundPriority.NONE);
    }

    /** @param priority the delivery thread's CPU priority (the server's {@code background_nice}) */
    public DeliveryConsumer(LaneStream lane, Sink sink, Duration initialBackoff, Duration maxBackoff, MeterRegistry registry,
                            RandomGenerator random, Clock clock, Sleeper sleeper, SourceLedger sources, BackgroundPriority priority) {
        this.priority = priority;
        this.sources = sources;
        this.lane = lane;
        this.clock = clock;
        this.sleeper = sleeper;
        this.sink = sink;
        this.name = sink.instance();
        this.backoff = new Backoff(initialBackoff, maxBackoff, random);
        Tags tags = Tags.of(MetricNames.LANE, lane.lane(), MetricNames.STORE, name);
        this.retries = Counter.builder(MetricNames.DELIVERY_RETRIES).tags(tags)
                .description("Failed delivery attempts that will be retried").register(registry);
        this.delivered = Counter.builder(MetricNames.DELIVERY_DELIVERED).tags(tags)
                .description("Events whose delivery was committed").register(registry);
        Gauge.builder(MetricNames.DELIVERY_LAG, this, DeliveryConsumer::lag).tags(tags)
                .description("Events in the stream not yet delivered to the store").register(registry);
    }

    public String lane() { return lane.lane(); }

    /** The store's kind ({@link Sink#store()}), e.g. {@code archive}. */
    public String store() { return sink.store(); }

    /** The store instance ({@link Sink#instance()}): the name of this consumer's checkpoint. */
    public String instance() { return name; }

    /** Events appended to the lane but not yet committed by this consumer. */
    public long lag() { return Math.max(0, lane.endOffset(sink.partition()) - committed.get()); }

    public long committedOffset() { return committed.get(); }

    public double retries() { return retries.count(); }

    /** The last delivery error, or null when the consumer is not failing (see {@link #failure()}). */
    public String lastError() {
        FailureStreak f = failure;
        return f == null ? null : f.error();
    }

    /** The current run of failed attempts, or null when the last one made progress or had nothing to do. */
    public FailureStreak failure() { return failure; }

    /** The exception of the current failure streak, with its causes, or null when not failing. */
    public Exception lastFailure() { return lastFailure; }

    @Override
    public void start() throws Exception {
        // The store says what it holds: a memory lane counts the previous run's loss for it from that.
        lane.checkpoints().register(name, sink::durablyStored);
        committed.set(lane.checkpoints().committed(name, sink.partition()));
        running = true;
        thread = Thread.ofPlatform().name("deliver-" + lane.lane() + "-" + name).daemon(true).start(priority.lowered(this::run));
    }

    /**
     * Completes once everything appended to the lane before this call is committed in the store
     * (the sink is forced to flush). Fails if the consumer is closed first.
     */
    public CompletableFuture<Void> flush() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        long target = lane.endOffset(sink.partition());
        if (committed.get() >= target) {
            done.complete(null);
            return done;
        }
        synchronized (flushRequests) {
            if (!running) {
                done.completeExceptionally(new IllegalStateException("consumer closed"));
                return done;
            }
            flushRequests.add(new FlushRequest(target, done));
        }
        return done;
    }

    private void run() {
        while (running) {
            try (StreamReader reader = openAtCheckpoint()) {
                deliverUntilFailure(reader);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                if (!running) {
                    return;
                }
                retries.increment();
                lastFailure = e;
                failure = FailureStreak.after(failure, e.toString(), clock.instant());
                Duration delay = backoff.nextDelay();
                boolean permanent = e instanceof SinkException se && !se.retriable();
                if (permanent) {
                    LOG.error("lane {} → {}: store rejects data permanently; stalled at offset {}, retrying in {} ms: {}",
                            lane.lane(), name, committed.get(), delay.toMillis(), e.toString());
                } else {
                    LOG.warn("lane {} → {}: delivery failed at offset {} (attempt {}), retrying in {} ms: {}",
                            lane.lane(), name, committed.get(), backoff.failures(), delay.toMillis(), e.toString());
                }
                if (!sleep(delay)) {
                    return;
                }
            }
        }
    }

    private StreamReader openAtCheckpoint() throws Exception {
        long from = lane.checkpoints().committed(name, sink.partition());
        committed.set(from);
        uncommitted.clear(); // everything past the checkpoint is handed over again
        sink.open(from);
        return lane.reader(sink.partition(), from);
    }

    private void deliverUntilFailure(StreamReader reader) throws Exception {
        long written = committed.get(); // offset after the last batch handed to the sink
        while (running) {
            StoredBatch batch = reader.poll(POLL_WAIT);
            if (batch != null) {
                sink.write(batch);
                written = batch.nextOffset();
                if (sources != null && batch.source() != null) {
                    uncommitted.addLast(new Uncommitted(written, batch.source(), batch.tag(), batch.records().count()));
                }
            }
            long target = pendingFlushTarget();
            boolean force = target >= 0 && reader.position() >= target;
            long durable = sink.flush(force);
            if (durable >= written && reader.position() > durable) {
                // The reader moved past a gap (offsets crash recovery left without records) with
                // nothing after it yet. The sink never sees a gap, so its durable offset stops
                // short of it; with everything written durable, the checkpoint may pass it, or a
                // flush() waiting for the lane's end would never complete.
                durable = reader.position();
            }
            long before = committed.get();
            if (durable > before) {
                lane.checkpoints().commit(name, sink.partition(), durable);
                committed.set(durable);
                delivered.increment(durable - before);
                countDeliveredBySource(durable);
            }
            boolean progress = durable > before
                    || durable >= written && reader.position() >= lane.endOffset(sink.partition()); // nothing left to deliver
            if (failure != null && progress) {
                // A pass that merely did not throw ends nothing: the archive flushes in the
                // background, so a write it took says nothing about whether the next flush fails.
                failure = null;
                lastFailure = null;
                backoff.reset();
            }
            completeFlushes(committed.get());
        }
    }

    /**
     * Counts the events of every uncommitted batch ending at or before {@code durable} for its
     * source. A run of batches of one source and tag (the common case) is one increment.
     */
    private void countDeliveredBySource(long durable) {
        Uncommitted run = null;
        long events = 0;
        for (Uncommitted u; (u = uncommitted.peekFirst()) != null && u.end() <= durable; uncommitted.pollFirst()) {
            if (run != null && !(run.source().equals(u.source()) && run.tag().equals(u.tag()))) {
                sources.tally(run.source(), run.tag()).delivered(name, events);
                events = 0;
            }
            run = u;
            events += u.events();
        }
        if (run != null) {
            sources.tally(run.source(), run.tag()).delivered(name, events);
        }
    }

    private long pendingFlushTarget() {
        synchronized (flushRequests) {
            long max = -1;
            for (FlushRequest r : flushRequests) {
                max = Math.max(max, r.target);
            }
            return max;
        }
    }

    private void completeFlushes(long upTo) {
        synchronized (flushRequests) {
            flushRequests.removeIf(r -> {
                if (r.target <= upTo) {
                    r.done.complete(null);
                    return true;
                }
                return false;
            });
        }
    }

    private boolean sleep(Duration d) {
        try {
            sleeper.sleep(d);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Stops the loop after a final forced flush and commit when the store allows it. */
    @Override
    public void close() throws Exception {
        if (!running) {
            return;
        }
        running = false;
        if (thread != null) {
            // Let the loop notice on its own (a poll waits at most POLL_WAIT): interrupting a thread
            // in the middle of file I/O would close channels under it.
            thread.join(Duration.ofSeconds(15));
            if (thread.isAlive()) {
                thread.interrupt();
                thread.join(Duration.ofSeconds(5));
            }
        }
        synchronized (flushRequests) {
            flushRequests.forEach(r -> r.done.completeExceptionally(new IllegalStateException("consumer closed")));
            flushRequests.clear();
        }
        sink.close();
    }
}
