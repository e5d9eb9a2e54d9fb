package io.loglane.bench.faults;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One client sending into one lane at a steady pace over Forward (with {@code chunk} acks) or HTTP
 * (with an {@code Idempotency-Key}), on its own thread, through every fault: a failed or timed-out
 * send is retried with the same chunk id or key until it is acknowledged. Every event carries the
 * client's name and a sequence number, so acknowledged events are exactly {@code seq < acked()}.
 *
 * <p>Thread-safety: {@link #run} on one thread; {@link #stop}, {@link #mark} and
 * {@link #firstAckAfterMark} from any; {@link #acked} and {@link #drain} only after the sending
 * thread has ended.
 */
final class Sender implements Runnable {
    /** How the sender talks to loglane. */
    enum Protocol { FORWARD, HTTP }

    private static final int ACK_TIMEOUT_MILLIS = 5_000;
    private final String client;
    private final String lane;
    private final Protocol protocol;
    private final ChildNode node;
    private final long intervalNanos;
    private final int eventsPerBatch;
    private final AckingForwardClient forward;
    private final IdempotentHttpClient http;
    private final AtomicBoolean stop = new AtomicBoolean();
    private volatile long markNanos = Long.MAX_VALUE;
    private volatile long firstAckAfterMark;
    private volatile long failures;

    /**
     * @param client          the client's name, at most 8 characters (it starts every Forward chunk id)
     * @param eventsPerSecond this sender's rate
     */
    Sender(String client, String lane, Protocol protocol, ChildNode node, int eventsPerBatch, double eventsPerSecond) {
        this.client = client;
        this.lane = lane;
        this.protocol = protocol;
        this.node = node;
        this.intervalNanos = (long) (eventsPerBatch / eventsPerSecond * 1e9);
        this.eventsPerBatch = eventsPerBatch;
        String tag = "faults." + lane;
        this.forward = protocol == Protocol.FORWARD ? new AckingForwardClient(client, tag, eventsPerBatch) : null;
        this.http = protocol == Protocol.HTTP ? new IdempotentHttpClient(client, tag, eventsPerBatch) : null;
    }

    String client() { return client; }

    String lane() { return lane; }

    Protocol protocol() { return protocol; }

    @Override
    public void run() {
        while (!stop.get()) {
            try {
                if (forward != null) {
                    forward.paced(node.forwardPort, Long.MAX_VALUE, intervalNanos, ACK_TIMEOUT_MILLIS, stop::get, this::acked);
                } else {
                    http.paced(node, Long.MAX_VALUE, intervalNanos, stop::get, this::acked);
                }
            } catch (IOException | RuntimeException e) {
                failures++; // the node is down, frozen or refusing: retry the same chunk or request
                pause();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void acked(long nanos) {
        if (firstAckAfterMark == 0 && nanos > markNanos) {
            firstAckAfterMark = nanos;
        }
    }

    /** From now on, remember the first acknowledgement after {@code nanos} ({@link System#nanoTime()}). */
    void mark(long nanos) {
        firstAckAfterMark = 0;
        markNanos = nanos;
    }

    /** The first acknowledgement after the last {@link #mark}, 0 while there is none. */
    long firstAckAfterMark() { return firstAckAfterMark; }

    void stop() { stop.set(true); }

    /** Sends or requests that failed and were retried. */
    long failures() { return failures; }

    /**
     * After the thread has ended: resends whatever is still unacknowledged until it is, or until
     * {@code deadlineNanos}.
     *
     * @return true when nothing is left unacknowledged
     */
    boolean drain(long deadlineNanos) throws InterruptedException {
        while (System.nanoTime() < deadlineNanos) {
            try {
                if (forward != null && forward.hasUnacked()) {
                    forward.session(node.forwardPort, System.nanoTime(), false);
                } else if (http != null && http.hasPending()) {
                    http.session(node, System.nanoTime(), false);
                } else {
                    return true;
                }
            } catch (IOException | RuntimeException e) {
                pause();
            }
        }
        return forward != null ? !forward.hasUnacked() : !http.hasPending();
    }

    /**
     * Events created and not yet acknowledged right now, from any thread: at a kill, what may have
     * been in flight (accepted by the lane or not, the client cannot tell; it resends them).
     */
    long pendingEvents() { return forward != null ? forward.pendingEvents() : http.pendingEvents(); }

    /** Events acknowledged so far, from any thread: a moment's snapshot (at a kill). */
    long ackedNow() { return forward != null ? forward.ackedEvents() : http.ackedEvents(); }

    /** Events created so far (acknowledged or pending), from any thread: a moment's snapshot (at a kill). */
    long createdNow() { return forward != null ? forward.createdEvents() : http.createdEvents(); }

    /** Events per chunk or request. */
    int eventsPerBatch() { return eventsPerBatch; }

    /** Events acknowledged: sequence numbers {@code 0 .. acked() - 1}. */
    long acked() { return forward != null ? forward.ackedEvents() : http.ackedEvents(); }

    private static void pause() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
