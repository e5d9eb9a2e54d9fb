package io.loglane.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./loglane lanes}: per lane rate, stored bytes, events dropped since start, lag per store,
 * retention and health, then per lane that dropped events the reasons, and one line per failing part (a lane's stream refusing writes, a store failing delivery) saying why.
 */
@Command(name = "lanes", description = "Show every lane: rate, stream size, delivery lag per store, retention, health.")
final class LanesCommand implements Callable<Integer> {
    @Option(names = "--server", description = "Server URL (default: $LOGLANE_SERVER, else the server `up` recorded in the data directory, else http://127.0.0.1:8080).")
    String server;

    @picocli.CommandLine.Mixin
    TokenOption token = new TokenOption();

    @Override
    public Integer call() throws Exception {
        JsonNode lanes;
        try {
            lanes = new ServerClient(server, token.value()).get("api/v1/lanes").get("lanes");
        } catch (Exception e) {
            System.err.println("error: " + e.getMessage());
            return 1;
        }
        System.out.printf("%-10s %-10s %-8s %10s %12s %12s %10s  %-24s %s%n", "LANE", "DURABILITY", "HEALTH", "EVENTS/S",
                "STORED", "END OFFSET", "DROPPED", "RETENTION", "DELIVERY (store instance: lag, retries, dropped if any)");
        for (JsonNode l : lanes) {
            StringBuilder stores = new StringBuilder();
            for (JsonNode s : l.get("stores")) {
                stores.append(storeName(s)).append(": lag ").append(s.get("lag").asLong())
                        .append(", retries ").append((long) s.get("retries").asDouble());
                if (s.path("dropped").asLong() > 0) {
                    stores.append(", dropped ").append(s.get("dropped").asLong());
                }
                if (s.hasNonNull("lastError")) {
                    stores.append(" (").append(s.get("lastError").asText()).append(')');
                }
                stores.append("  ");
            }
            long dropped = 0;
            for (JsonNode n : l.path("dropped")) {
                dropped += n.asLong();
            }
            System.out.printf("%-10s %-10s %-8s %10.0f %12s %12d %10d  %-24s %s%n", l.get("name").asText(), l.get("durability").asText(),
                    l.get("health").asText(), l.get("eventsPerSecond").asDouble(), human(l.get("storedBytes").asLong()),
                    l.get("streamEnd").asLong(), dropped, l.get("retention").asText(), stores.toString().trim());
        }
        for (JsonNode l : lanes) {
            if (!l.path("dropped").isEmpty()) {
                StringBuilder why = new StringBuilder();
                l.get("dropped").fields().forEachRemaining(e -> why.append(why.isEmpty() ? "" : ", ").append(e.getKey()).append(' ')
                        .append(e.getValue().asLong()));
                System.out.printf("%s: dropped since start by reason: %s%n", l.get("name").asText(), why);
            }
            for (JsonNode p : l.path("problems")) {
                System.out.printf("%s: %s failing since %s (%d in a row): %s%n", l.get("name").asText(), p.path("component").asText(),
                        p.path("since").asText(), p.path("failures").asInt(), p.path("reason").asText());
            }
        }
        return 0;
    }

    /** The instance, with its kind when the name does not say it ({@code cold (archive)}). */
    static String storeName(JsonNode store) {
        String instance = store.get("instance").asText();
        String kind = store.get("kind").asText();
        return instance.equals(kind) ? instance : instance + " (" + kind + ")";
    }

    static String human(long bytes) {
        if (bytes < 1024) return bytes + " B";
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format("%.1f %s", v, units[u]);
    }
}
