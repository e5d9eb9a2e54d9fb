package io.loglane.core.config;

import java.time.Duration;

/**
 * How long and how much a lane keeps. Applies to the stream (never deleting what a consumer has
 * not yet delivered on disk/sync lanes) and to the archive: whole hour partitions older than
 * {@code maxAge}, then whole oldest hour partitions while the lane's archive holds more than
 * {@code maxBytes}. The stream and the archive are each held to {@code maxBytes} on their own.
 *
 * @param maxAge   zero or negative = forever
 * @param maxBytes zero or negative = unbounded
 */
public record Retention(Duration maxAge, long maxBytes) {}
