package io.loglane.app.tail;

import io.loglane.search.filter.FilterPattern;
import java.util.List;
import java.util.Map;

/**
 * What one live tail follows.
 *
 * @param lanes   the lanes, each known to the node
 * @param start   per lane, the first offset to send (inclusive); a lane absent here starts at its head
 *                (the offset the next appended record gets)
 * @param pattern the filter every record is tested against (the empty pattern matches all)
 */
public record TailRequest(List<String> lanes, Map<String, Long> start, FilterPattern pattern) {
    public TailRequest {
        lanes = List.copyOf(lanes);
        start = Map.copyOf(start);
    }
}
