package io.loglane.app.health;

import io.loglane.core.telemetry.FailureStreak;

/**
 * One failing part of a lane, as {@code GET /healthz} and {@code GET /api/v1/lanes} name it.
 *
 * @param lane      the lane
 * @param component {@value #STREAM} when the lane's stream fails to store appends (inputs get
 *                  {@code storage_error}), else the store instance whose delivery fails (e.g. {@code archive})
 * @param reason    the latest error
 * @param failures  attempts that failed in a row
 * @param since     when the first of them failed, ISO-8601 UTC
 *
 * <p>Thread-safety: immutable.
 */
public record HealthProblem(String lane, String component, String reason, int failures, String since) {
    /** {@link #component()} of a lane whose own stream refuses writes. */
    public static final String STREAM = "stream";

    static HealthProblem of(String lane, String component, FailureStreak f) {
        return new HealthProblem(lane, component, f.error(), f.failures(), f.since().toString());
    }
}
