package io.loglane.bench.faults;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads {@code GET /api/v1/lanes} of the node under test: per lane the stream's end offset, the
 * lowest store checkpoint, the largest delivery lag and the events the lane has dropped since the
 * node started (by any reason), and what it dropped for its {@code archive} store (a memory lane's crash
 * and shutdown loss, per store).
 *
 * <p>Thread-safety: stateless.
 */
final class LaneProbe {
    /** One lane at one moment. */
    record LaneState(long streamEnd, long minCommitted, long maxLag, long dropped, long archiveDropped) {}

    private LaneProbe() {}

    /** Every lane now; empty when the node does not answer (killed, frozen, starting). */
    static Map<String, LaneState> read(ChildNode node) {
        Map<String, LaneState> out = new HashMap<>();
        try {
            var r = node.get("/api/v1/lanes");
            if (r.statusCode() != 200) {
                return out;
            }
            for (JsonNode lane : ChildNode.JSON.readTree(r.body()).get("lanes")) {
                long min = Long.MAX_VALUE;
                long lag = 0;
                long archiveDropped = 0;
                for (JsonNode store : lane.get("stores")) {
                    min = Math.min(min, store.get("committed").asLong());
                    lag = Math.max(lag, store.get("lag").asLong());
                    if (store.path("instance").asText().equals("archive")) {
                        archiveDropped = store.path("dropped").asLong();
                    }
                }
                long dropped = 0;
                for (JsonNode n : lane.path("dropped")) {
                    dropped += n.asLong();
                }
                long end = lane.get("streamEnd").asLong();
                out.put(lane.get("name").asText(), new LaneState(end, min == Long.MAX_VALUE ? end : min, lag, dropped, archiveDropped));
            }
        } catch (Exception e) {
            // not answering now: the caller polls again
        }
        return out;
    }
}
