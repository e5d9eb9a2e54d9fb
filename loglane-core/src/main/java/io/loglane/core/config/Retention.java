package io.loglane.core.config;

import java.time.Duration;

/**
 * How long and how much a lane keeps. Applies to the stream (never deleting what a consumer has
 * not yet delivered on disk/sync lanes) and to the archive (partitions older than {@code maxAge}).
 *
 * @param maxAge   zero or negative = forever
 * @param maxBytes zero or negative = unbounded
 */
public record Retention(Duration maxAge, long maxBytes) {}
