package io.loglane.stream;

/**
 * Outcome of an append.
 *
 * @param baseOffset offset of the first record (of the earlier copy when duplicate; -1 if unknown)
 * @param count      records in the batch
 * @param duplicate  true when the chunk id was already stored and nothing was written
 */
public record AppendResult(long baseOffset, int count, boolean duplicate) {}
