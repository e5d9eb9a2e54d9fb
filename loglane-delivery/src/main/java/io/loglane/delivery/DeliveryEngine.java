package io.loglane.delivery;

import io.loglane.core.lifecycle.Component;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

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
     * @return true when all consumers committed everything in time
     */
    public boolean drain(Duration timeout) {
        try {
            flushAll().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return false;
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
