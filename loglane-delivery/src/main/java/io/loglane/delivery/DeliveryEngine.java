package io.loglane.delivery;

import io.loglane.core.lifecycle.Component;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * All delivery consumers of a node, one per (lane, store) pair, each with its own thread and
 * checkpoint so that no store can stall another.
 *
 * <p>Thread-safety: consumers are added before {@link #start()}; afterwards safe for concurrent use.
 */
public final class DeliveryEngine implements Component {
    private final List<DeliveryConsumer> consumers = new ArrayList<>();
    private boolean started;

    public void add(DeliveryConsumer consumer) {
        if (started) {
            throw new IllegalStateException("add consumers before start");
        }
        consumers.add(consumer);
    }

    public List<DeliveryConsumer> consumers() { return List.copyOf(consumers); }

    @Override
    public void start() throws Exception {
        started = true;
        for (DeliveryConsumer c : consumers) {
            c.start();
        }
    }

    /** Completes when every consumer has committed everything appended before the call. */
    public CompletableFuture<Void> flushAll() {
        return CompletableFuture.allOf(consumers.stream().map(DeliveryConsumer::flush).toArray(CompletableFuture[]::new));
    }

    /**
     * Flushes everything, waiting at most {@code timeout}.
     *
     * @throws DrainException when a consumer did not commit everything in time; its cause is what
     *     stopped it (the failure of the flush, or the last delivery failure of a stalled consumer,
     *     with those of further stalled consumers suppressed)
     */
    public void drain(Duration timeout) throws DrainException, InterruptedException {
        try {
            flushAll().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new DrainException("delivery drain failed: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            DrainException d = null;
            for (DeliveryConsumer c : consumers) {
                if (c.lag() == 0) {
                    continue;
                }
                Exception cause = c.lastFailure();
                String what = "lane " + c.lane() + " → " + c.instance() + " at offset " + c.committedOffset() + ", " + c.lag()
                        + " events behind" + (cause == null ? "" : ": " + cause);
                if (d == null) {
                    d = new DrainException("delivery did not drain within " + timeout + ": " + what, cause != null ? cause : e);
                } else if (cause != null) {
                    d.addSuppressed(cause);
                }
            }
            throw d != null ? d : new DrainException("delivery did not drain within " + timeout, e);
        }
    }

    /** Delivery could not be drained; the cause says why. */
    public static final class DrainException extends Exception {
        DrainException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    @Override
    public void close() throws Exception {
        Exception first = null;
        for (DeliveryConsumer c : consumers) {
            try {
                c.close();
            } catch (Exception e) {
                if (first == null) first = e; else first.addSuppressed(e);
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
