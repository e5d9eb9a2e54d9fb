package io.loglane.app;

import io.loglane.app.health.NodeHealth;
import java.util.List;

/**
 * Supplies the per-lane status served by {@code GET /api/v1/lanes} and printed by
 * {@code ./loglane lanes}, and the node's health served by {@code GET /healthz} and
 * {@code GET /readyz}; both judge failing parts by the same rules.
 */
public interface LaneStatusSource {
    List<LaneStatus> laneStatuses();

    /** Cheap: reads state only, so liveness and readiness probes can call it often. */
    NodeHealth health();
}
