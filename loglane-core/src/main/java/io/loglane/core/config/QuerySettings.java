package io.loglane.core.config;

import java.time.Duration;

/**
 * SQL limits ({@code query:} section).
 *
 * @param timeout     longest a query may run before it is cancelled
 * @param maxRows     most rows an answer carries; beyond them the answer says it was truncated
 * @param memoryLimit bytes the SQL engine's DuckDB may use for query data ({@code query.memory_limit})
 */
public record QuerySettings(Duration timeout, int maxRows, long memoryLimit) {
    /** {@code query.memory_limit}'s default, 1 GiB; the key's documentation says why. */
    public static final long DEFAULT_MEMORY_LIMIT = 1L << 30;

    /** Limits with the default memory limit. */
    public QuerySettings(Duration timeout, int maxRows) {
        this(timeout, maxRows, DEFAULT_MEMORY_LIMIT);
    }
}
