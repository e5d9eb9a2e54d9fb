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
 * @param archiveDropped     of those, the events dropped for the archive store (what the archive should miss;
 *                           {@code stores[].dropped} of {@code /api/v1/lanes}), summed over every run
 * @param inFlightAtKills    events the clients of the lane had sent or were about to send, unacknowledged, at the
 *                           kills, summed (an upper bound: each client's pending batch plus one more it may start
 *                           before the kill lands); the lane may have accepted any of them, the client resends them
 * @param maxLag             the largest delivery lag seen, in events (any store of the lane)
 * @param ingestRecoveryMs   longest time from a fault's end to the lane's next acknowledgement on every client; -1 if never
 * @param deliveryRecoveryMs longest time from a fault's end until every store delivered what the lane held then; -1 if never
 * @param note               what the faults did or why the row is skipped; empty when nothing to say
 */
public record LaneRow(String fault, String lane, String durability, long acked, long stored, long lost, long duplicated,
                      long ledgerDropped, long archiveDropped, long inFlightAtKills, long maxLag, long ingestRecoveryMs, long deliveryRecoveryMs, String note) {
    /** A row for a scenario that could not run here. */
    static LaneRow skipped(String fault, String lane, String durability, String why) {
        return new LaneRow(fault, lane, durability, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, why);
    }

    boolean isSkipped() { return acked < 0; }

    /** Events counted dropped for the archive beyond those it misses (see {@link #violation}); 0 when exact. */
    public long overCount() { return archiveDropped - lost; }

    /**
     * What breaks the requirements, or null: disk and sync lose and duplicate nothing; every event a
     * memory lane lost from the archive is counted in the archive's dropped count. That count may be
     * higher, never lower: by the events the lane accepted whose acknowledgement a kill cut off
     * (the client resent them, they are stored: at most {@link #inFlightAtKills}) and by the events
     * the archive had made durable whose checkpoint commit a kill pre-empted (at most one archive
     * flush per kill). Those two the harness cannot tell apart from outside, so the excess is shown
     * ({@link #overCount}), not failed on.
     */
    String violation() {
        if (isSkipped()) {
            return null;
        }
        if (!durability.equals("memory") && (lost > 0 || duplicated > 0)) {
            return lane + " (" + durability + ") lost " + lost + " and duplicated " + duplicated + " in " + fault;
        }
        if (durability.equals("memory") && lost > archiveDropped) {
            return lane + " (memory) lost " + lost + " from the archive but counted " + archiveDropped + " dropped for it in " + fault;
        }
        if (deliveryRecoveryMs < 0 || ingestRecoveryMs < 0) {
            return lane + ": ingest or delivery did not resume by itself after " + fault;
        }
        return null;
    }
}
