package io.loglane.core.lifecycle;

import java.time.Duration;

/**
 * A running input: built by its {@link InputType} from one entry of {@code inputs:}, it hands
 * events to the router.
 *
 * <p>Lifecycle: {@link #start()} binds what it listens on; then {@link #pause()} and
 * {@link #resume()} any number of times; then {@link #drain} once; then {@link #close()}.
 * <ul>
 *   <li>{@link #pause()} stops taking new events without dropping anything: connections stay open
 *       (a Forward connection stops being read, so TCP pushes back; HTTP answers 503 with
 *       {@code Retry-After}), and requests already taken are still answered. Events the input had
 *       already read when paused may still be handed on. {@link #resume()} takes events again.
 *       Both are idempotent, from any thread, and cheap (no I/O wait); the node uses them at
 *       shutdown and to stop every input at once ({@code LoglaneNode.pauseInputs()}).</li>
 *   <li>{@link #drain} stops taking events for good (as {@link #pause()}, and stops accepting new
 *       connections; {@link #resume()} no longer resumes) and waits until every request already
 *       taken is answered (acked, or refused), at most {@code timeout} and at most the input's own
 *       bound (Forward's {@code drain_timeout}). Connections stay open, so the last acks still
 *       reach their peers.</li>
 *   <li>{@link #close()} releases everything; a request still unanswered is dropped without its
 *       ack (the peer resends it). A {@link #close()} without a {@link #drain} drains first,
 *       within the input's own bound.</li>
 * </ul>
 * The node pauses every input, then drains them, then closes them, before it drains delivery, so
 * nothing is produced into a stopping pipeline.
 *
 * <p>Thread-safety: {@link #start()}, {@link #drain} and {@link #close()} from one owner thread;
 * {@link #pause()}, {@link #resume()}, {@link #paused()} and {@link #describe()} from any thread.
 */
public interface Input extends Component, Pausable {
    /** The entry's {@code name}: the {@code input} metric label. */
    String name();

    /** Where it listens once started, for the start-up log line ({@code 127.0.0.1:24224}). */
    String describe();

    /** The TCP port it bound, or -1 when it has no listener of its own (HTTP ingest shares the API's). */
    default int boundPort() { return -1; }

    /** Stops taking new events, keeping connections and answering what was taken; idempotent. */
    @Override
    void pause();

    /** Takes new events again after {@link #pause()}; does nothing once {@link #drain} began. */
    @Override
    void resume();

    /** True between {@link #pause()} and {@link #resume()}, and from {@link #drain} on. */
    boolean paused();

    /**
     * Stops taking events for good and waits for every request already taken to be answered.
     *
     * @param timeout the longest wait; the input's own bound may be shorter
     * @return true when nothing is left unanswered, false when the wait ran out first
     */
    boolean drain(Duration timeout) throws InterruptedException;
}
