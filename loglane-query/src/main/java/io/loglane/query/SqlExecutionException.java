package io.loglane.query;

/** An allowed statement failed in DuckDB (unknown column, type error, …); the message is DuckDB's. */
public final class SqlExecutionException extends SqlQueryException {
    public SqlExecutionException(String message, Throwable cause) { super(message, cause); }
}
