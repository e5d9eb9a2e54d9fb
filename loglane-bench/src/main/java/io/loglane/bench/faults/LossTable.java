package io.loglane.bench.faults;

import java.util.List;

/**
 * The loss table as markdown, one row per scenario and lane, for README's Reliability section.
 * "ledger dropped" is the lane's count (events lost for at least one of its stores); "archive
 * dropped" what it counted for the archive, the store the table's stored/lost columns read; "in
 * flight at kills" are the events the clients had unacknowledged at the kills, and "of them
 * resent and stored" those the archive holds from a resend: the only events a memory lane may
 * count as dropped for the archive and yet be stored (see {@link LaneRow#overCountBound}).
 *
 * <p>Thread-safety: stateless.
 */
public final class LossTable {
    private LossTable() {}

    public static String markdown(List<LaneRow> rows) {
        StringBuilder sb = new StringBuilder();
        sb.append("| fault | lane | durability | acknowledged | stored | lost | duplicated | ledger dropped | archive dropped | in flight at kills "
                + "| of them resent and stored | max lag (events) "
                + "| recovery: ingest | recovery: delivery | notes |\n");
        sb.append("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (LaneRow r : rows) {
            if (r.isSkipped()) {
                sb.append("| ").append(r.fault()).append(" | ").append(r.lane()).append(" | ").append(r.durability())
                        .append(" | — | — | — | — | — | — | — | — | — | — | — | ").append(r.note()).append(" |\n");
                continue;
            }
            sb.append("| ").append(r.fault()).append(" | ").append(r.lane()).append(" | ").append(r.durability())
                    .append(" | ").append(r.acked()).append(" | ").append(r.stored()).append(" | ").append(r.lost())
                    .append(" | ").append(r.duplicated()).append(" | ").append(r.ledgerDropped()).append(" | ").append(r.archiveDropped())
                    .append(" | ").append(r.inFlightAtKills()).append(" | ").append(r.resentStored()).append(" | ").append(r.maxLag())
                    .append(" | ").append(millis(r.ingestRecoveryMs())).append(" | ").append(millis(r.deliveryRecoveryMs()))
                    .append(" | ").append(r.note()).append(" |\n");
        }
        return sb.toString();
    }

    /** Every requirement a row breaks, empty when all hold. */
    public static List<String> violations(List<LaneRow> rows) {
        return rows.stream().map(LaneRow::violation).filter(v -> v != null).toList();
    }

    private static String millis(long ms) {
        if (ms < 0) {
            return "never";
        }
        return ms < 10_000 ? String.format("%.1f s", ms / 1000.0) : (ms / 1000) + " s";
    }
}
