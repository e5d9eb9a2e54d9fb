package io.loglane.core.lifecycle;

/**
 * Something that takes events and can stop and restart taking them without dropping anything: a
 * whole {@link Input}, one Forward connection (its read), later one tailed file (its read
 * position stays put). Back-pressure pauses it while a refused request waits to be retried.
 *
 * <p>Contract: {@link #pause()} and {@link #resume()} are idempotent and do not block; events
 * already read when paused may still be handed on. Thread-safety is the implementation's to state.
 */
public interface Pausable {
    /** Stops taking new events; what was taken is still answered. */
    void pause();

    /** Takes new events again (as far as the implementation's own limits allow). */
    void resume();
}
