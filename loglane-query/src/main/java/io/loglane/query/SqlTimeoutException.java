package io.loglane.query;

import java.time.Duration;

/** The query ran longer than {@code query.timeout} and was cancelled. */
public final class SqlTimeoutException extends SqlQueryException {
    public SqlTimeoutException(Duration timeout, Throwable cause) {
        super("query cancelled after the " + timeout.toMillis() + " ms timeout", cause);
    }
}
