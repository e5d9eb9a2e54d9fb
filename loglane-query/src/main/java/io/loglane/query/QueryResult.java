package io.loglane.query;

import java.util.List;

/**
 * A query's answer.
 *
 * @param columns   result columns in order
 * @param rows      values as JSON-friendly Java objects: null, Boolean, Long/Integer/BigInteger,
 *                  Double/BigDecimal, String (timestamps as ISO-8601 UTC, JSON as its text, blobs
 *                  as base64), List and Map for nested types
 * @param truncated true if the query had more rows than {@code rowLimit}
 * @param rowLimit  most rows an answer carries
 * @param elapsedMs wall time of execution and fetch
 */
public record QueryResult(List<Column> columns, List<List<Object>> rows, boolean truncated, int rowLimit, long elapsedMs) {
    /** A result column: name and DuckDB type name (e.g. {@code BIGINT}, {@code TIMESTAMP_NS}). */
    public record Column(String name, String type) {}

    public QueryResult {
        columns = List.copyOf(columns);
        rows = List.copyOf(rows);
    }
}
