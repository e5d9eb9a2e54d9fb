package io.loglane.query;

/**
 * A valid filter pattern that {@link FilterSql} cannot express in SQL over the archive (e.g. a
 * wildcard selector {@code $.a[*]}): an error, never a predicate that would give a different
 * answer than the in-memory matcher. {@link #getMessage()} names the construct.
 *
 * <p>Thread-safety: immutable.
 */
public final class FilterSqlException extends IllegalArgumentException {
    public FilterSqlException(String message) {
        super(message);
    }
}
