package io.loglane.query;

/**
 * Why a query produced no answer. The API maps {@link SqlRejectedException} and
 * {@link SqlExecutionException} to 400 and {@link SqlTimeoutException} to 408/504.
 */
public abstract sealed class SqlQueryException extends RuntimeException
        permits SqlRejectedException, SqlTimeoutException, SqlExecutionException {
    SqlQueryException(String message, Throwable cause) { super(message, cause); }
}
