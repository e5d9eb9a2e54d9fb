package io.loglane.app.health;

import io.loglane.core.telemetry.FailureStreak;
import java.util.List;

/**
 * When a lane counts as failing or lagging. One place, so {@code GET /healthz},
 * {@code GET /api/v1/lanes} and {@code ./loglane lanes} always agree.
 *
 * <ul>
 *   <li>A lane's stream is failing from the first append it failed to store until it stores one
 *       again (inputs got {@code storage_error} or {@code disk_full}, and nothing since shows the
 *       lane works; the stream reports it: {@code LaneStream#lastAppendFailure}).</li>
 *   <li>A store is failing once {@value #STORE_FAILING_AFTER} delivery attempts in a row failed,
 *       with no progress between them. One failed attempt that the next retry repairs (a blip)
 *       is only counted as a retry; a store that is really down gets there within about a
 *       second, as the first retries come quickly.</li>
 *   <li>Otherwise a lane is lagging when a store is more than {@value #LAGGING_EVENTS} events
 *       behind, else ok.</li>
 * </ul>
 *
 * <p>Thread-safety: stateless.
 */
public final class HealthRules {
    public static final String OK = "ok";
    public static final String LAGGING = "lagging";
    public static final String FAILING = "failing";
    public static final int STORE_FAILING_AFTER = 3;
    public static final long LAGGING_EVENTS = 1_000_000;

    private HealthRules() {}

    /** The problem of a lane whose stream has {@code appendFailure}, or null. */
    public static HealthProblem stream(String lane, FailureStreak appendFailure) {
        return appendFailure == null ? null : HealthProblem.of(lane, HealthProblem.STREAM, appendFailure);
    }

    /** The problem of a store whose delivery has {@code deliveryFailure}, or null while it is not failing. */
    public static HealthProblem store(String lane, String store, FailureStreak deliveryFailure) {
        return deliveryFailure == null || deliveryFailure.failures() < STORE_FAILING_AFTER ? null
                : HealthProblem.of(lane, store, deliveryFailure);
    }

    /** A lane's health word from its problems and the largest delivery lag of its stores. */
    public static String laneHealth(List<HealthProblem> problems, long maxLag) {
        return !problems.isEmpty() ? FAILING : maxLag > LAGGING_EVENTS ? LAGGING : OK;
    }
}
