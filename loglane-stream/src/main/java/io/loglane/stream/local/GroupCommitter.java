package io.loglane.stream.local;

import io.loglane.core.ingest.IngestRejectedException;
import io.loglane.stream.AppendResult;
import io.micrometer.core.instrument.Counter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit for a {@code sync} lane: one thread fsyncs the active segment and completes every
 * append whose write returned before that fsync started. Writers that arrive while an fsync runs
 * are served together by the next one, so under load the fsync count grows far slower than the
 * append count. When appenders are still inside their write, the thread waits at most
 * {@code syncMaxWait} for them to finish so they share the same fsync.
 *
 * <p>Thread-safety: safe for concurrent use; {@link #enqueue} is called by appenders.
 */
final class GroupCommitter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GroupCommitter.class);

    /** What the committer needs from its lane. */
    interface Target {
        /** Under the append lock: the written end offset and the segment holding it. */
        SyncPoint syncPoint();

        /** Appenders currently between encoding and the end of their write. */
        int appendersInFlight();

        /** Everything below {@code endOffset} is on disk. */
        void synced(long endOffset);

        /** fsync failed: the lane can no longer promise durability. */
        void failed(IOException e);
    }

    record SyncPoint(long endOffset, Segment segment) {}

    /**
     * Makes a segment's written bytes durable ({@link Segment#flush} in production). A seam so
     * tests can hold an fsync open or fail it, and see which appends it completes.
     */
    @FunctionalInterface
    interface Fsync {
        void force(Segment segment) throws IOException;
    }

    private record Waiter(CompletableFuture<AppendResult> future, AppendResult result) {}

    private final Target target;
    private final long maxWaitNanos;
    private final Counter fsyncs;
    private final Fsync fsync;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private List<Waiter> waiting = new ArrayList<>();
    private boolean closed;
    private final Thread thread;

    GroupCommitter(String lane, Target target, long maxWaitNanos, Counter fsyncs, Fsync fsync) {
        this.target = target;
        this.maxWaitNanos = maxWaitNanos;
        this.fsyncs = fsyncs;
        this.fsync = fsync;
        this.thread = Thread.ofPlatform().daemon().name("loglane-sync-" + lane).unstarted(this::run);
    }

    void start() { thread.start(); }

    /** Registers an append whose write has returned; completes it after the next fsync. */
    void enqueue(CompletableFuture<AppendResult> future, AppendResult result) {
        lock.lock();
        try {
            if (closed) {
                future.completeExceptionally(new IngestRejectedException(IngestRejectedException.Reason.STORAGE_ERROR, "lane closing"));
                return;
            }
            waiting.add(new Waiter(future, result));
            work.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Wakes the committer (an appender finished its write). */
    void nudge() {
        lock.lock();
        try {
            work.signal();
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        while (true) {
            List<Waiter> batch;
            lock.lock();
            try {
                while (waiting.isEmpty() && !closed) {
                    work.awaitUninterruptibly();
                }
                if (waiting.isEmpty()) {
                    return;
                }
                // Gather: give appenders that are mid-write a bounded chance to join this fsync.
                long deadline = System.nanoTime() + maxWaitNanos;
                while (target.appendersInFlight() > 0 && !closed) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    try {
                        work.awaitNanos(Math.min(left, TimeUnit.MICROSECONDS.toNanos(200)));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
                batch = waiting;
                waiting = new ArrayList<>();
            } finally {
                lock.unlock();
            }
            // Every waiter taken above was written before this point, so the sync point covers it.
            SyncPoint point = target.syncPoint();
            try {
                fsync.force(point.segment());
                fsyncs.increment();
                target.synced(point.endOffset());
                for (Waiter w : batch) {
                    w.future.complete(w.result);
                }
            } catch (IOException e) {
                LOG.error("fsync failed; failing {} append(s)", batch.size(), e);
                target.failed(e);
                for (Waiter w : batch) {
                    w.future.completeExceptionally(new IngestRejectedException(IngestRejectedException.Reason.STORAGE_ERROR,
                            "fsync failed: " + e.getMessage(), e));
                }
            }
        }
    }

    /** Serves everything enqueued so far, then stops the thread. */
    @Override
    public void close() throws InterruptedException {
        lock.lock();
        try {
            closed = true;
            work.signalAll();
        } finally {
            lock.unlock();
        }
        thread.join(TimeUnit.SECONDS.toMillis(30));
    }
}
