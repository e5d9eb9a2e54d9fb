package io.loglane.core.config;

/**
 * Token-bucket admission limit of a lane.
 *
 * @param eventsPerSecond refill rate; {@code <= 0} means unlimited
 * @param burst           bucket size in events
 */
public record RateLimit(double eventsPerSecond, long burst) {
    public static final RateLimit UNLIMITED = new RateLimit(0, 0);

    public boolean unlimited() { return eventsPerSecond <= 0; }
}
