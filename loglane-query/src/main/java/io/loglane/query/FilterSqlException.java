package io.loglane.query;

/**
 * A valid filter pattern that {@link FilterSql}, or a valid Lucene query that {@link LuceneSql},
 * cannot express in SQL over the archive (e.g. a wildcard selector {@code $.a[*]}, a fuzzy query):
 * an error, never a predicate that would give a different answer than the index.
 * {@link #getMessage()} names the construct; a search reports that part of its range as not covered.
 *
 * <p>Thread-safety: immutable.
 */
public final class FilterSqlException extends IllegalArgumentException {
    public FilterSqlException(String message) {
        super(message);
    }
}
