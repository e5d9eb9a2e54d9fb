package io.loglane.bench.faults;

import java.util.function.BooleanSupplier;

/**
 * A steady pace: one step every {@code intervalNanos}. After a stall (the server was down) it keeps
 * the rate instead of bursting to make up for the missed steps, so a fault does not turn into a
 * load spike the table would then measure.
 *
 * <p>Thread-safety: one thread.
 */
final class Pacer {
    private final long intervalNanos;
    private long next = System.nanoTime();

    Pacer(long intervalNanos) {
        this.intervalNanos = intervalNanos;
    }

    /** Waits until the next step is due; false (at once) once {@code untilNanos} has passed or {@code stop} is true. */
    boolean next(long untilNanos, BooleanSupplier stop) throws InterruptedException {
        while (System.nanoTime() < untilNanos && !stop.getAsBoolean()) {
            long wait = next - System.nanoTime();
            if (wait < -10 * intervalNanos) {
                next = System.nanoTime();
            } else if (wait > 0) {
                Thread.sleep(Math.min(100, wait / 1_000_000), (int) (wait % 1_000_000)); // at most 100 ms: stop stays prompt
                continue;
            }
            next += intervalNanos;
            return true;
        }
        return false;
    }
}
