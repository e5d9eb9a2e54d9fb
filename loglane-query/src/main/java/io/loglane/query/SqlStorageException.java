package io.loglane.query;

/**
 * The archive could not be read: an I/O error while listing its files (a failing disk, a file
 * where a partition directory belongs). Not the query's fault: the API answers 503 with reason
 * {@code archive_unavailable}, and the same query may succeed once the archive is readable again.
 */
public final class SqlStorageException extends SqlQueryException {
    public SqlStorageException(String message, Throwable cause) { super(message, cause); }
}
