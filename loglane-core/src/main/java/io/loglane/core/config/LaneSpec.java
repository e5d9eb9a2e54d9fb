package io.loglane.core.config;

import java.util.List;

/**
 * A lane's requirements ({@code lanes.<name>:}).
 *
 * @param name       lane name per {@link LaneNames}; also the SQL view name
 * @param match      rules that send an event here; see {@link MatchRule} for evaluation order
 * @param parser     how records are parsed into typed fields ({@code none}, {@code json},
 *                   {@code nginx_combined}, …)
 * @param retention  how long and how much the stream and the stores keep
 * @param rate       admission limit; {@link RateLimit#UNLIMITED} when absent
 * @param durability when an event counts as acknowledged
 * @param to         destinations (store names, e.g. {@code archive})
 * @param origin     where the lane was (last) declared
 */
public record LaneSpec(
        String name,
        List<MatchRule> match,
        String parser,
        Retention retention,
        RateLimit rate,
        Durability durability,
        List<String> to,
        ConfigOrigin origin) {
    public LaneSpec {
        match = List.copyOf(match);
        to = List.copyOf(to);
    }
}
