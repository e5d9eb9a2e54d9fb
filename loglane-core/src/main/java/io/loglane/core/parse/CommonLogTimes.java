package io.loglane.core.parse;

import java.util.Arrays;

/**
 * Reads common log format times ({@code 25/Nov/2026:06:00:00 +0000}) exactly as
 * {@link EventTimeParser#fromCommonLogTime} does, remembering the last date and offset: access
 * lines come roughly in time order, so nearly all of them share the previous line's date and cost
 * a 16-byte comparison and their clock digits, not the calendar arithmetic. (A per-second cache
 * would hit less often and save little more.)
 *
 * <p>Thread-safety: not thread-safe; one per thread.
 */
public final class CommonLogTimes {
    /** {@code dd/MMM/yyyy} then {@code ±hhmm}: what decides the start of the local day. */
    private final byte[] day = new byte[16];
    private long dayStart = EventTimeParser.NO_DAY;

    /** @return nanoseconds since the epoch of the time {@code b[s, e)}, or -1 if it is not a common log time */
    public long parse(byte[] b, int s, int e) {
        if (e - s != EventTimeParser.CLF_LENGTH) {
            return -1;
        }
        if (dayStart == EventTimeParser.NO_DAY || !Arrays.equals(b, s, s + 11, day, 0, 11)
                || !Arrays.equals(b, s + 21, s + 26, day, 11, 16) || b[s + 11] != ':' || b[s + 20] != ' ') {
            long start = EventTimeParser.commonLogDay(b, s);
            if (start == EventTimeParser.NO_DAY) {
                return -1;
            }
            System.arraycopy(b, s, day, 0, 11);
            System.arraycopy(b, s + 21, day, 11, 5);
            dayStart = start;
        }
        int clock = EventTimeParser.commonLogClock(b, s);
        long second = dayStart + clock;
        return clock < 0 || second < 0 ? -1 : second * EventTimeParser.NANOS;
    }
}
