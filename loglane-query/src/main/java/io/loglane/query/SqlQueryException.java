package io.loglane.query;

/**
 * Why a query produced no answer. The API maps {@link SqlRejectedException} and
 * {@link SqlExecutionException} to 400, {@link SqlTimeoutException} to 408 and
 * {@link SqlStorageException} (the archive, not the query, failed) to 503.
 */
public abstract sealed class SqlQueryException extends RuntimeException
        permits SqlRejectedException, SqlTimeoutException, SqlExecutionException, SqlStorageException {
    SqlQueryException(String message, Throwable cause) { super(message, cause); }
}
