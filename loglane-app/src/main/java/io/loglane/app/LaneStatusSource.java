package io.loglane.app;

import java.util.List;

/** Supplies the per-lane status served by {@code GET /api/v1/lanes} and printed by {@code ./loglane lanes}. */
public interface LaneStatusSource {
    List<LaneStatus> laneStatuses();
}
