package io.loglane.core.config;

import io.loglane.core.parse.MultilineSpec;
import io.loglane.core.parse.ParserSpec;
import java.util.List;
import java.util.Map;

/**
 * A lane's requirements ({@code lanes.<name>:}).
 *
 * @param name       lane name per {@link LaneNames}; also the SQL view name
 * @param match      rules that send an event here; see {@link MatchRule} for evaluation order
 * @param parser     how records are parsed into typed fields: one parser ({@code none},
 *                   {@code json}, {@code nginx_combined}, …) or a chain ({@link ParserSpec})
 * @param multiline  which records of one stream are joined into one event before classification
 * @param retention  how long and how much the stream and the stores keep
 * @param rate       admission limit; {@link RateLimit#UNLIMITED} when absent
 * @param durability when an event counts as acknowledged
 * @param to         destinations (store names, e.g. {@code archive})
 * @param storeOptions the lane's values of the keys store types declare for lanes
 *                   ({@link StoreKeys#laneKeys()}, e.g. the archive's {@code compact}), by key relative
 *                   to the lane; each set or defaulted by the loader, absent in a hand-built spec
 * @param auditChain whether the stream chains the lane's records by SHA-256 ({@code audit_chain};
 *                   see {@link io.loglane.core.audit.AuditChain}); disk and sync lanes only
 * @param origin     where the lane was (last) declared
 */
public record LaneSpec(
        String name,
        List<MatchRule> match,
        ParserSpec parser,
        MultilineSpec multiline,
        Retention retention,
        RateLimit rate,
        Durability durability,
        List<String> to,
        Map<String, Object> storeOptions,
        boolean auditChain,
        ConfigOrigin origin) {
    public LaneSpec {
        match = List.copyOf(match);
        to = List.copyOf(to);
        storeOptions = Map.copyOf(storeOptions);
    }

    /** A lane with no store options: each store uses its lane keys' defaults. */
    public LaneSpec(String name, List<MatchRule> match, ParserSpec parser, Retention retention, RateLimit rate,
                    Durability durability, List<String> to, ConfigOrigin origin) {
        this(name, match, parser, MultilineSpec.NONE, retention, rate, durability, to, Map.of(), false, origin);
    }

    /** A lane with one named parser and no store options. */
    public LaneSpec(String name, List<MatchRule> match, String parser, Retention retention, RateLimit rate,
                    Durability durability, List<String> to, ConfigOrigin origin) {
        this(name, match, ParserSpec.named(parser), MultilineSpec.NONE, retention, rate, durability, to, Map.of(), false, origin);
    }

    /** This lane with {@code audit_chain} set to {@code on}. */
    public LaneSpec withAuditChain(boolean on) {
        return new LaneSpec(name, match, parser, multiline, retention, rate, durability, to, storeOptions, on, origin);
    }

    /** The lane's value of a store's lane key ({@code compact}), or null when the spec has none. */
    @SuppressWarnings("unchecked")
    public <T> T storeOption(String key) {
        return (T) storeOptions.get(key);
    }
}
