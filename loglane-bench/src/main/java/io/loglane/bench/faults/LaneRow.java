package io.loglane.bench.faults;

/**
 * One row of the loss table: what one lane acknowledged and stored through one scenario's faults.
 *
 * @param fault              the scenario (its faults)
 * @param lane               the lane
 * @param durability         memory, disk or sync
 * @param acked              events acknowledged to the clients (Forward acks and HTTP 202s)
 * @param stored             distinct acknowledged events found in the archive by SQL
 * @param lost               acknowledged and not stored ({@code acked - stored})
 * @param duplicated         stored copies beyond the first, of any event
 * @param ledgerDropped      events the lane's ledger counted as dropped, summed over every run of the node
 * @param maxLag             the largest delivery lag seen, in events (any store of the lane)
 * @param ingestRecoveryMs   longest time from a fault's end to the lane's next acknowledgement on every client; -1 if never
 * @param deliveryRecoveryMs longest time from a fault's end until every store delivered what the lane held then; -1 if never
 * @param note               what the faults did or why the row is skipped; empty when nothing to say
 */
public record LaneRow(String fault, String lane, String durability, long acked, long stored, long lost, long duplicated,
                      long ledgerDropped, long maxLag, long ingestRecoveryMs, long deliveryRecoveryMs, String note) {
    /** A row for a scenario that could not run here. */
    static LaneRow skipped(String fault, String lane, String durability, String why) {
        return new LaneRow(fault, lane, durability, -1, -1, -1, -1, -1, -1, -1, -1, why);
    }

    boolean isSkipped() { return acked < 0; }

    /**
     * What breaks the requirements, or null: disk and sync lose and duplicate nothing; a memory lane's
     * loss is all counted by its ledger (the ledger may count more: events stored or resent after
     * their commit or ack was cut off by the crash).
     */
    String violation() {
        if (isSkipped()) {
            return null;
        }
        if (!durability.equals("memory") && (lost > 0 || duplicated > 0)) {
            return lane + " (" + durability + ") lost " + lost + " and duplicated " + duplicated + " in " + fault;
        }
        if (durability.equals("memory") && lost > ledgerDropped) {
            return lane + " (memory) lost " + lost + " but its ledger counted " + ledgerDropped + " in " + fault;
        }
        if (deliveryRecoveryMs < 0 || ingestRecoveryMs < 0) {
            return lane + ": ingest or delivery did not resume by itself after " + fault;
        }
        return null;
    }
}
