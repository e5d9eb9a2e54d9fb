package io.loglane.core.ingest;

/**
 * The origin of a batch, as the completeness ledger counts it.
 *
 * @param input the input type and name, e.g. {@code forward} or {@code http}
 * @param peer  remote address or another stable origin (file path + inode for tails)
 */
public record Source(String input, String peer) {}
