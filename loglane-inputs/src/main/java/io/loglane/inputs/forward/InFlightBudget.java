package io.loglane.inputs.forward;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bytes of decoded records that one input holds in memory while their requests wait to become
 * durable, shared by all of the input's connections. The per-connection {@code max_in_flight}
 * bounds requests, not bytes: many connections sending 16 MiB frames would otherwise hold
 * gigabytes. Over the limit, connections stop reading (TCP back-pressure) until enough
 * requests complete.
 *
 * <p>Contract: {@link #acquire} never refuses (the frame is already decoded; refusing it would
 * only lose work); it only makes {@link #exhausted()} true, so the budget is exceeded by at most
 * one frame per connection. {@link #release} wakes every connection parked by
 * {@link #onRoom} once usage is under the limit again.
 *
 * <p>Thread-safety: safe for use from any thread; wake-ups run on the thread calling
 * {@link #release} or {@link #onRoom} and must only schedule work (e.g. onto an event loop).
 */
final class InFlightBudget {
    private final long limit;
    private final AtomicLong used = new AtomicLong();
    private final ConcurrentLinkedQueue<Runnable> waiters = new ConcurrentLinkedQueue<>();

    InFlightBudget(long limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1, got " + limit);
        }
        this.limit = limit;
    }

    void acquire(long bytes) {
        used.addAndGet(bytes);
    }

    void release(long bytes) {
        if (used.addAndGet(-bytes) < limit) {
            wakeAll();
        }
    }

    boolean exhausted() {
        return used.get() >= limit;
    }

    long used() {
        return used.get();
    }

    /**
     * Runs {@code wake} once there is room: at once if there is room now, else at the next
     * {@link #release} that brings usage under the limit.
     */
    void onRoom(Runnable wake) {
        waiters.add(wake);
        // re-check after enqueueing: a release between the caller's exhausted() and add() would
        // otherwise leave this waiter parked with nobody left to wake it
        if (!exhausted()) {
            wakeAll();
        }
    }

    private void wakeAll() {
        Runnable r;
        while ((r = waiters.poll()) != null) {
            r.run();
        }
    }
}
