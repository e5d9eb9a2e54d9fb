package io.loglane.router;

import io.loglane.core.config.InputSpec;
import io.loglane.core.config.LoglaneConfig;
import io.loglane.core.config.ReadingKeys;
import io.loglane.core.multiline.MultilineRules;
import io.loglane.core.parse.MultilineSpec;
import io.loglane.core.parse.ParserSpec;
import io.loglane.core.parse.Parsers;
import io.loglane.core.parse.RecordParser;
import java.util.HashMap;
import java.util.Map;

/**
 * Per input (by name), how the router reads its records before routing them: the input's own
 * {@code parser}, {@code lane_parser} and {@code multiline} ({@link ReadingKeys}, where the
 * precedence over the lane's is stated). Inputs that set none of them have no entry.
 *
 * <p>Thread-safety: immutable after construction.
 */
final class InputReadings {
    /**
     * One input's reading.
     *
     * @param parser     the input's parser, or null
     * @param laneParser true when the lane's parser also reads what {@code parser} read
     * @param multiline  the input's multiline rules, or null for the lane's
     */
    record Reading(RecordParser parser, boolean laneParser, MultilineRules multiline) {}

    private final Map<String, Reading> byInput = new HashMap<>();

    InputReadings(LoglaneConfig config) {
        for (InputSpec in : config.inputs()) {
            Object p = in.options().get(ReadingKeys.PARSER);
            Object m = in.options().get(ReadingKeys.MULTILINE);
            RecordParser parser = p instanceof ParserSpec spec && !spec.isNone() ? Parsers.build(spec) : null;
            MultilineRules rules = m instanceof MultilineSpec spec && !spec.isNone() ? new MultilineRules(spec) : null;
            if (parser != null || rules != null) {
                byInput.put(in.name(), new Reading(parser, Boolean.TRUE.equals(in.options().get(ReadingKeys.LANE_PARSER)), rules));
            }
        }
    }

    /** The reading of the input named {@code input}, or null when it sets none. */
    Reading of(String input) { return byInput.get(input); }
}
