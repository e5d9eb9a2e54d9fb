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

    /**
     * {@code sql} itself, or this error when it holds a NUL character (from the query's text):
     * DuckDB's parser ends the statement there, so the SQL would not run (a fuzzing finding,
     * QueryParsersFuzzTest).
     */
    static String withoutNul(String sql) {
        if (sql.indexOf('\0') >= 0) {
            throw new FilterSqlException("the query holds a NUL character, which SQL over the archive cannot search for");
        }
        return sql;
    }
}
