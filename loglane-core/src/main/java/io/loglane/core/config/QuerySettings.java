package io.loglane.core.config;

import java.time.Duration;

/**
 * SQL limits ({@code query:} section).
 *
 * @param timeout longest a query may run before it is cancelled
 * @param maxRows most rows an answer carries; beyond them the answer says it was truncated
 */
public record QuerySettings(Duration timeout, int maxRows) {}
