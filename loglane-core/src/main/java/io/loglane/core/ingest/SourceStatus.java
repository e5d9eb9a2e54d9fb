package io.loglane.core.ingest;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * One source's totals in the completeness ledger since the process started ({@link SourceTally#status()}),
 * as {@code GET /api/v1/sources} and {@code ./loglane sources} show them.
 *
 * @param input        the input's name
 * @param peer         the sender's host (or {@code other}: every source beyond the cap)
 * @param tag          the events' tag (or {@code other})
 * @param received     events the source sent
 * @param accepted     events stored by acknowledged requests
 * @param deduplicated events of acknowledged requests that were already stored
 * @param rejected     events not acknowledged, by reason (sorted by reason)
 * @param dropped      events lost after acknowledgement, by reason (sorted by reason)
 * @param delivered    events committed by each store instance (sorted by store)
 * @param refusedRequests requests refused before any of their events was read, by reason (HTTP 400/413)
 * @param firstSeen    arrival of the first batch, or null
 * @param lastSeen     arrival of the last batch, or null
 */
public record SourceStatus(String input, String peer, String tag, long received, long accepted, long deduplicated,
                           Map<String, Long> rejected, Map<String, Long> dropped, Map<String, Long> delivered,
                           Map<String, Long> refusedRequests, Instant firstSeen, Instant lastSeen) {
    public SourceStatus {
        rejected = Collections.unmodifiableMap(new TreeMap<>(rejected));
        dropped = Collections.unmodifiableMap(new TreeMap<>(dropped));
        delivered = Collections.unmodifiableMap(new TreeMap<>(delivered));
        refusedRequests = Collections.unmodifiableMap(new TreeMap<>(refusedRequests));
    }

    /**
     * Events neither acknowledged nor refused yet: requests in flight (e.g. a Forward request
     * waiting out back-pressure). Never negative.
     */
    public long pending() {
        long settled = accepted + deduplicated;
        for (long n : rejected.values()) {
            settled += n;
        }
        return Math.max(0, received - settled);
    }
}
