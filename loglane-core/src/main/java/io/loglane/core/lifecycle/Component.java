package io.loglane.core.lifecycle;

/**
 * Explicit lifecycle of every long-lived part of loglane (inputs, lanes, consumers, stores, the
 * HTTP server). {@link #start()} is called once before use; {@link #close()} once at the end,
 * releases every resource and is idempotent. RegisteredTypes are started in pipeline order
 * (stream → stores → delivery → router → inputs) and closed in reverse, so nothing upstream is
 * still producing into something already closed.
 */
public interface Component extends AutoCloseable {
    void start() throws Exception;

    @Override
    void close() throws Exception;
}
