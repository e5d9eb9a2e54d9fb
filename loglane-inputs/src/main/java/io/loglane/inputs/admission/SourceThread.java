package io.loglane.inputs.admission;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The thread one source's back-pressure steps run on: the source's own (a Forward connection's
 * event loop, a tailer's thread), so that the source's state needs no lock. Injected, so tests
 * drive the waits with a manual clock instead of sleeping.
 *
 * <p>Both methods throw {@link RejectedExecutionException} once the thread is gone (the
 * connection's event loop shut down).
 */
public interface SourceThread {
    /** Runs {@code task} on the source's thread, soon. */
    void execute(Runnable task);

    /** Runs {@code task} on the source's thread after {@code delay}. */
    void schedule(Runnable task, Duration delay);

    /** The thread of a single-threaded executor, e.g. a Netty channel's event loop. */
    static SourceThread of(ScheduledExecutorService executor) {
        return new SourceThread() {
            @Override
            public void execute(Runnable task) { executor.execute(task); }

            @Override
            public void schedule(Runnable task, Duration delay) {
                executor.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
            }
        };
    }
}
