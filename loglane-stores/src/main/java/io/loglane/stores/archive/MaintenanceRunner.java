package io.loglane.stores.archive;

import io.loglane.core.os.BackgroundPriority;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that changes a lane's committed archive files besides the flushes: recovery,
 * compaction and retention run here, one task at a time, so a long compaction never stalls the
 * lane's delivery thread, and recovery (submitted by {@code open}) runs only once the pass before
 * it is over: the tasks are serialized by construction, not by locks.
 *
 * <p>Lifecycle: the thread starts with the sink. {@link #close} refuses new tasks, lets a task
 * already queued or running finish (a pass checks {@link #closing()} between partitions and stops
 * early) and waits for it at most {@link #CLOSE_WAIT}; a pass still running then is left to
 * finish on its daemon thread (it owns its Parquet writer), and a kill in the middle of it is what
 * recovery repairs on the next start. Tasks are never interrupted: an interrupt would close the
 * channels of a file being written under them.
 *
 * <p>Thread-safety: safe for concurrent use.
 */
final class MaintenanceRunner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MaintenanceRunner.class);
    /** How long {@link #close} waits for a running pass: compactions of a full hour take seconds here. */
    static final Duration CLOSE_WAIT = Duration.ofSeconds(60);

    private final String lane;
    private final ExecutorService executor;
    private volatile boolean closing;
    /** The last periodic pass handed over; guarded by {@code this}. */
    private Future<?> periodic;

    MaintenanceRunner(String lane, BackgroundPriority priority) {
        this.lane = lane;
        this.executor = Executors.newSingleThreadExecutor(priority.factory("archive-maintenance-" + lane));
    }

    /**
     * Hands a periodic pass to the maintenance thread unless the previous one is still queued or
     * running (passes never pile up behind a slow one) or the runner is closing.
     *
     * @return whether the pass was handed over
     */
    synchronized boolean submitIfIdle(Runnable pass) {
        if (closing || periodic != null && !periodic.isDone()) {
            return false;
        }
        periodic = executor.submit(pass);
        return true;
    }

    /**
     * Runs {@code task} on the maintenance thread after every task handed over before it, and
     * waits for its result; its exception is rethrown as is.
     *
     * @throws IllegalStateException once the runner is closing
     */
    <T> T call(Callable<T> task) throws Exception {
        Future<T> f;
        synchronized (this) {
            if (closing) {
                throw new IllegalStateException("archive " + lane + ": maintenance is closed");
            }
            f = executor.submit(task);
        }
        try {
            return f.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    /** True once {@link #close} started: a pass stops between partitions. */
    boolean closing() {
        return closing;
    }

    @Override
    public void close() {
        close(CLOSE_WAIT);
    }

    /** {@link #close()} with another bound on the wait (tests). */
    void close(Duration wait) {
        synchronized (this) {
            closing = true;
        }
        executor.shutdown();
        try {
            if (!executor.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("archive {}: maintenance still running after {} ms at close; left to finish"
                        + " (a kill in the middle of it is repaired by recovery on the next start)", lane, wait.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
