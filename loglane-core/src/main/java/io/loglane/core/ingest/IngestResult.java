package io.loglane.core.ingest;

/**
 * Outcome of an accepted request.
 *
 * @param accepted   events stored by this request
 * @param duplicates events not stored again because their chunk id was already stored
 */
public record IngestResult(int accepted, int duplicates) {}
