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
 * @param maxAge            the stream is a delivery buffer, not the archive: a delivered segment is
 *                          kept at most this long even when the lane's retention is longer
 *                          ({@link Duration#ZERO} = only the lane's retention); never less than
 *                          {@code dedupWindow}, which is rebuilt from the retained segments
 */
public record StreamSettings(
        long segmentBytes,
        long maxLaneBytes,
        Duration dedupWindow,
        int dedupMaxEntries,
        Duration syncMaxWait,
        long memoryLaneBytes,
        Duration maxAge) {

    /** How long a lane's stream keeps delivered segments: the shorter of its retention and {@link #maxAge}, at least the dedup window. */
    public Duration effectiveAge(Retention retention) {
        Duration lane = retention.maxAge() == null || retention.maxAge().isNegative() ? Duration.ZERO : retention.maxAge();
        Duration age = lane.isZero() ? maxAge : maxAge.isZero() ? lane : (lane.compareTo(maxAge) < 0 ? lane : maxAge);
        return !age.isZero() && age.compareTo(dedupWindow) < 0 ? dedupWindow : age;
    }
}
