package io.loglane.stream;

/**
 * One lane's part of a request that spans several lanes ({@link LaneStreams#appendAll}).
 *
 * @param lane    the lane's stream (one of the {@link LaneStreams}' lanes)
 * @param request what to append to it
 */
public record LanePart(LaneStream lane, AppendRequest request) {}
