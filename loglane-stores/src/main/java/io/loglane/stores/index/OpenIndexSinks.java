package io.loglane.stores.index;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The node's index sinks by lane, so searches read the days a sink has open near-real-time
 * (uncommitted documents included) instead of their last commits.
 *
 * <p>Thread-safety: thread-safe.
 */
public final class OpenIndexSinks {
    private final Map<String, IndexSink> byLane = new ConcurrentHashMap<>();

    /** Registers the sink writing its lane (the latest one wins). */
    public void add(IndexSink sink) { byLane.put(sink.lane(), sink); }

    /** The sink writing {@code lane}, or null. */
    IndexSink get(String lane) { return byLane.get(lane); }
}
