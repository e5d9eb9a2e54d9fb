package io.loglane.app.tail;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bounded queue between a live tail's lane readers and the thread writing to its client. The
 * readers never wait on it: when it holds {@code maxEvents} events or {@code maxBytes} of them, a
 * matching record is not queued but counted in its lane's <em>missed run</em> (count, first and
 * last offset), so a client that cannot keep up costs a bounded amount of memory and is then told
 * exactly what it missed: the run is queued as one {@link TailItem.Missed} ahead of the lane's
 * next queued event, or handed out as soon as the queue is empty. Per lane, items leave in offset
 * order.
 *
 * <p>Thread-safety: safe for concurrent offers (one reader per lane) and one taker.
 */
final class TailBuffer {
    static final String SLOW_CLIENT = "slow_client";

    private final int maxEvents;
    private final long maxBytes;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<TailItem> items = new ArrayDeque<>();
    /** Per lane: the run of matching records not queued since its last queued item, or null. */
    private final MissedRun[] missed;
    private int events;
    private long bytes;
    private volatile boolean closed;

    TailBuffer(int lanes, int maxEvents, long maxBytes) {
        this.missed = new MissedRun[lanes];
        this.maxEvents = maxEvents;
        this.maxBytes = maxBytes;
    }

    /** Queues a matching record, or counts it as missed when the queue is full. Never blocks. */
    void offer(TailItem.Event e) {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            long size = e.json().length();
            // An empty queue takes any event, so one larger than maxBytes is still delivered.
            if (events > 0 && (events >= maxEvents || bytes + size > maxBytes)) {
                MissedRun run = missed[e.lane()];
                if (run == null) {
                    missed[e.lane()] = new MissedRun(e.offset());
                } else {
                    run.add(e.offset());
                }
                return;
            }
            flushMissed(e.lane());
            items.add(e);
            events++;
            bytes += size;
            changed.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Queues a notice (missed to retention, a failure), after the lane's pending missed run. */
    void notice(TailItem item) {
        lock.lock();
        try {
            if (!closed) {
                flushMissed(item.lane());
                items.add(item);
                changed.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    private void flushMissed(int lane) {
        MissedRun run = missed[lane];
        if (run != null) {
            items.add(run.item(lane));
            missed[lane] = null;
        }
    }

    /**
     * The next item, waiting up to {@code wait}: queued items first, then, once the queue is empty,
     * any lane's pending missed run.
     *
     * @return null when nothing came in time, or the buffer is closed
     */
    TailItem poll(Duration wait) throws InterruptedException {
        long nanos = wait.toNanos();
        lock.lock();
        try {
            while (!closed) {
                TailItem head = items.poll();
                if (head != null) {
                    if (head instanceof TailItem.Event e) {
                        events--;
                        bytes -= e.json().length();
                    }
                    return head;
                }
                for (int lane = 0; lane < missed.length; lane++) {
                    if (missed[lane] != null) {
                        TailItem.Missed m = missed[lane].item(lane);
                        missed[lane] = null;
                        return m;
                    }
                }
                if (nanos <= 0) {
                    return null;
                }
                nanos = changed.awaitNanos(nanos);
            }
            return null;
        } finally {
            lock.unlock();
        }
    }

    /** Drops everything queued and wakes the taker; later offers are ignored. */
    void close() {
        lock.lock();
        try {
            closed = true;
            items.clear();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    boolean closed() { return closed; }

    /** Consecutive matching records of one lane that were not queued. Guarded by the buffer's lock. */
    private static final class MissedRun {
        private final long first;
        private long last;
        private long count = 1;

        MissedRun(long offset) {
            this.first = offset;
            this.last = offset;
        }

        void add(long offset) {
            last = offset;
            count++;
        }

        TailItem.Missed item(int lane) {
            return new TailItem.Missed(lane, SLOW_CLIENT, count, first, last);
        }
    }
}
