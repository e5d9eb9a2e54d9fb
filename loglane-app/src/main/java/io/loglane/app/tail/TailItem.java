package io.loglane.app.tail;

/**
 * What a live tail sends its client, in order per lane.
 *
 * <p>Thread-safety: immutable values.
 */
sealed interface TailItem {
    /** Index of the lane among the session's lanes. */
    int lane();

    /** The last offset of its lane this item accounts for. */
    long lastOffset();

    /** One record that matched: {@code json} is its rendering ({@link RecordJson}). */
    record Event(int lane, long offset, String json) implements TailItem {
        @Override
        public long lastOffset() { return offset; }
    }

    /**
     * Records of a lane the client did not get: {@code count} of them between {@code firstOffset}
     * and {@code lastOffset} inclusive, because the client read too slowly ({@code slow_client}:
     * matching records, counted exactly) or retention removed them before the tail read them
     * ({@code retention}: records of the lane, filtered or not).
     */
    record Missed(int lane, String reason, long count, long firstOffset, long lastOffset) implements TailItem {}

    /** The lane could not be read further ({@code message} says why); the tail ends. */
    record Failed(int lane, String message) implements TailItem {
        @Override
        public long lastOffset() { return -1; }
    }
}
