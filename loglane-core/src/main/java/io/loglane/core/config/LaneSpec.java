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
 * @param compact    whether the archive merges the small files of closed hours; false keeps every
 *                   file exactly as it was flushed (the audit lane)
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
        boolean compact,
        ConfigOrigin origin) {
    public LaneSpec {
        match = List.copyOf(match);
        to = List.copyOf(to);
    }

    /** A lane with the default {@code compact: true}. */
    public LaneSpec(String name, List<MatchRule> match, String parser, Retention retention, RateLimit rate,
                    Durability durability, List<String> to, ConfigOrigin origin) {
        this(name, match, parser, retention, rate, durability, to, true, origin);
    }
}
