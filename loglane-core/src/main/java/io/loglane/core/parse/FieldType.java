package io.loglane.core.parse;

/** Column types a parser can produce; they map to Parquet/DuckDB VARCHAR, BIGINT and DOUBLE. */
public enum FieldType { STRING, LONG, DOUBLE }
