package io.loglane.query;

/** The statement is not allowed (not a single read-only query, or it reaches outside the archive). */
public final class SqlRejectedException extends SqlQueryException {
    public SqlRejectedException(String reason) { super(reason, null); }

    SqlRejectedException(String reason, Throwable cause) { super(reason, cause); }
}
