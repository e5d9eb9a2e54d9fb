package io.loglane.app.health;

import java.util.List;

/**
 * The body of {@code GET /healthz}: whether anything is failing, and what.
 *
 * @param status  {@code ok}, or {@code failing} when {@code failing} is not empty
 * @param ready   true once recovery is done and every listener is bound ({@code GET /readyz})
 * @param phase   {@link NodePhase#label()}
 * @param failing every failing lane stream and store, by lane in configuration order
 *
 * <p>Thread-safety: immutable.
 */
public record NodeHealth(String status, boolean ready, String phase, List<HealthProblem> failing) {
    public NodeHealth {
        failing = List.copyOf(failing);
    }

    public static NodeHealth of(NodePhase phase, List<HealthProblem> failing) {
        return new NodeHealth(failing.isEmpty() ? HealthRules.OK : HealthRules.FAILING, phase == NodePhase.READY,
                phase.label(), failing);
    }
}
