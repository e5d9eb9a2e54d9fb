package io.loglane.core.config;

import java.time.Duration;

/**
 * The embedded stream ({@code stream:} section).
 *
 * @param segmentBytes      roll a segment when it reaches this size
 * @param maxLaneBytes      a lane's stream may hold at most this much unconsumed data; past it a
 *                          disk/sync lane pushes back and a memory lane drops its oldest
 * @param dedupWindow       how long a stored Forward chunk id is remembered (survives restarts)
 * @param dedupMaxEntries   at most this many chunk ids remembered per lane
 * @param syncMaxWait       group commit: the longest an fsync waits for more writers to join
 * @param memoryLaneBytes   buffer of a memory lane
 */
public record StreamSettings(
        long segmentBytes,
        long maxLaneBytes,
        Duration dedupWindow,
        int dedupMaxEntries,
        Duration syncMaxWait,
        long memoryLaneBytes) {}
