package io.loglane.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./loglane sources}: the completeness ledger ({@code GET /api/v1/sources}), one line per
 * source (input, peer host, tag): events received, accepted, de-duplicated, rejected, dropped, still
 * pending, and delivered (committed by every store of the source's lanes: the least of the stores'
 * counts) since the server started, and when the source was last seen; then the reasons of every
 * rejection and drop, each store's delivered count, and the requests refused before any of their
 * events was read (HTTP 400/413, counted in requests). Counts over a time window come from the {@code loglane_source_*}
 * counters in {@code /metrics}, scraped over time.
 */
@Command(name = "sources", description = "Show what each source (input, peer host, tag) sent and what became of it since the server started.")
final class SourcesCommand implements Callable<Integer> {
    @Option(names = "--server", description = "Server URL (default: $LOGLANE_SERVER, else the server `up` recorded in the data directory, else http://127.0.0.1:8080).")
    String server;

    @picocli.CommandLine.Mixin
    TokenOption token = new TokenOption();

    @Override
    public Integer call() {
        JsonNode answer;
        try {
            answer = new ServerClient(server, token.value()).get("api/v1/sources");
        } catch (Exception e) {
            System.err.println("error: " + e.getMessage());
            return 1;
        }
        String row = "%-10s %-16s %-24s %10s %10s %8s %10s %9s %9s %10s  %s%n";
        System.out.printf(row, "INPUT", "PEER", "TAG", "RECEIVED", "ACCEPTED", "DEDUP", "REJECTED", "DROPPED", "PENDING", "DELIVERED",
                "LAST SEEN");
        StringBuilder reasons = new StringBuilder();
        for (JsonNode s : answer.get("sources")) {
            String who = s.get("input").asText() + " " + s.get("peer").asText() + " " + s.get("tag").asText();
            long rejected = sum(s.get("rejected"), who + ": rejected", reasons);
            long dropped = sum(s.get("dropped"), who + ": dropped", reasons);
            long delivered = leastDelivered(s.path("delivered"), who, reasons);
            sum(s.path("refusedRequests"), who + ": requests refused", reasons);
            System.out.printf(row, s.get("input").asText(), s.get("peer").asText(), s.get("tag").asText(), s.get("received").asLong(),
                    s.get("accepted").asLong(), s.get("deduplicated").asLong(), rejected, dropped, s.get("pending").asLong(), delivered,
                    s.get("lastSeen").isNull() ? "-" : s.get("lastSeen").asText());
        }
        System.out.print(reasons);
        System.out.printf("%d of at most %d sources tracked one by one (server.max_tracked_sources); the rest count as peer \"other\", tag \"other\".%n",
                answer.get("tracked").asInt(), answer.get("maxTrackedSources").asInt());
        return 0;
    }

    /**
     * The least count of a store → delivered object (0 when no store committed any): what every
     * store holds. Appends a "who: delivered store n, …" line when there is more than one store.
     */
    private static long leastDelivered(JsonNode byStore, String who, StringBuilder lines) {
        long least = Long.MAX_VALUE;
        StringBuilder line = new StringBuilder(who).append(": delivered");
        for (Iterator<Map.Entry<String, JsonNode>> it = byStore.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            line.append(least == Long.MAX_VALUE ? " " : ", ").append(e.getKey()).append(' ').append(e.getValue().asLong());
            least = Math.min(least, e.getValue().asLong());
        }
        if (byStore.size() > 1) {
            lines.append(line).append(System.lineSeparator());
        }
        return least == Long.MAX_VALUE ? 0 : least;
    }

    /** The sum of a reason → count object; appends a "what: reason n, …" line when it is not empty. */
    private static long sum(JsonNode byReason, String what, StringBuilder lines) {
        long total = 0;
        StringBuilder line = new StringBuilder(what);
        for (Iterator<Map.Entry<String, JsonNode>> it = byReason.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            line.append(total == 0 ? " " : ", ").append(e.getKey()).append(' ').append(e.getValue().asLong());
            total += e.getValue().asLong();
        }
        if (total > 0) {
            lines.append(line).append(System.lineSeparator());
        }
        return total;
    }
}
