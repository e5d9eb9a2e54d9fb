package io.loglane.inputs.admission;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;

/** A source thread driven by the test: tasks run only in {@link #advance}, on a clock the test moves. */
final class ManualThread implements SourceThread {
    private record Task(long dueNanos, long seq, Runnable body) {}

    private final List<Task> tasks = new ArrayList<>();
    private long nowNanos;
    private long seq;
    boolean gone;

    @Override
    public void execute(Runnable task) { schedule(task, Duration.ZERO); }

    @Override
    public void schedule(Runnable task, Duration delay) {
        if (gone) {
            throw new RejectedExecutionException("thread gone");
        }
        tasks.add(new Task(nowNanos + delay.toNanos(), seq++, task));
    }

    /** Moves the clock by {@code d}, running every task due by then in due order (and those they add, if due). */
    void advance(Duration d) {
        long until = nowNanos + d.toNanos();
        while (true) {
            Task next = tasks.stream().filter(t -> t.dueNanos() <= until)
                    .min((a, b) -> a.dueNanos() != b.dueNanos() ? Long.compare(a.dueNanos(), b.dueNanos()) : Long.compare(a.seq(), b.seq()))
                    .orElse(null);
            if (next == null) {
                break;
            }
            tasks.remove(next);
            nowNanos = Math.max(nowNanos, next.dueNanos());
            next.body().run();
        }
        nowNanos = until;
    }

    /** Runs what is due now. */
    void runDue() { advance(Duration.ZERO); }
}
