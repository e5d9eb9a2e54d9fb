package io.loglane.app.api;

import io.loglane.core.ingest.SourceLedger;
import io.loglane.core.ingest.SourceStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The body of {@code GET /api/v1/sources}: every entry of the completeness ledger with its totals
 * since the server started, and how many sources have their own entry:
 * <pre>
 * {"tracked": 3, "maxTrackedSources": 1000,
 *  "sources": [{"input": "forward", "peer": "10.0.0.7", "tag": "app.audit", "received": 120, "accepted": 100,
 *               "deduplicated": 10, "rejected": {"rate_limited": 10}, "dropped": {}, "delivered": {"archive": 100},
 *               "pending": 0, "firstSeen": "2026-11-25T10:00:00.120Z", "lastSeen": "2026-11-25T10:04:59.870Z"}, …]}
 * </pre>
 * {@code delivered} is by store instance: the events each store committed (its delivery checkpoint
 * passed them). Times are ISO-8601 UTC, or null before the first batch. Sources beyond the cap are
 * summed in their input's {@code peer: "other", tag: "other"} entry, sources evicted for being idle
 * ({@code server.source_idle_evict}) in its {@code peer: "evicted", tag: "evicted"} entry.
 *
 * <p>Thread-safety: stateless.
 */
final class SourcesAnswer {
    private SourcesAnswer() {}

    static Map<String, Object> of(SourceLedger ledger) {
        List<Map<String, Object>> sources = new ArrayList<>();
        for (SourceStatus s : ledger.statuses()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("input", s.input());
            m.put("peer", s.peer());
            m.put("tag", s.tag());
            m.put("received", s.received());
            m.put("accepted", s.accepted());
            m.put("deduplicated", s.deduplicated());
            m.put("rejected", s.rejected());
            m.put("dropped", s.dropped());
            m.put("delivered", s.delivered());
            m.put("refusedRequests", s.refusedRequests());
            m.put("pending", s.pending());
            m.put("firstSeen", s.firstSeen() == null ? null : s.firstSeen().toString());
            m.put("lastSeen", s.lastSeen() == null ? null : s.lastSeen().toString());
            sources.add(m);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("tracked", ledger.tracked());
        out.put("maxTrackedSources", ledger.maxSources());
        out.put("sources", sources);
        return out;
    }
}
