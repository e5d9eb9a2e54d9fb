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
 * @param resentStored       of those, the events the archive holds from a send received after the kill (a resend):
 *                           the most the killed lane can have accepted, lost and counted of them and still stored
 * @param inFlightMissing    of those, acknowledged later, the events the archive does not hold at all (lost again
 *                           after a resend: counted once per lost acceptance, and in {@code lost} once)
 * @param maxLag             the largest delivery lag seen, in events (any store of the lane)
 * @param ingestRecoveryMs   longest time from a fault's end to the lane's next acknowledgement on every client; -1 if never
 * @param deliveryRecoveryMs longest time from a fault's end until every store delivered what the lane held then; -1 if never
 * @param note               what the faults did or why the row is skipped; empty when nothing to say
 */
public record LaneRow(String fault, String lane, String durability, long acked, long stored, long lost, long duplicated,
                      long ledgerDropped, long archiveDropped, long inFlightAtKills, long resentStored, long inFlightMissing, long maxLag, long ingestRecoveryMs, long deliveryRecoveryMs, String note) {
    /** A row for a scenario that could not run here. */
    static LaneRow skipped(String fault, String lane, String durability, String why) {
        return new LaneRow(fault, lane, durability, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, why);
    }

    boolean isSkipped() { return acked < 0; }

    /** Events counted dropped for the archive beyond those it misses; 0 when exact. */
    public long overCount() { return archiveDropped - lost; }

    /**
     * The most {@link #overCount} can be when the count is right: a memory lane counts, per store,
     * each acceptance of an event that did not reach the store before a kill (the store says what
     * it held, so a flush made durable before the commit counts nothing). An event is counted and
     * yet stored only if a kill cut off its acknowledgement and its resend was stored
     * ({@link #resentStored}), and counted twice only if it was in flight at a kill and lost again
     * after its resend ({@link #inFlightMissing}). Which in-flight events the killed lane had
     * accepted no client can see, so this is a bound, not a figure.
     */
    public long overCountBound() { return resentStored + inFlightMissing; }

    /**
     * What breaks the requirements, or null: disk and sync lose and duplicate nothing; a memory
     * lane's count for the archive is at least what the archive misses. Its excess is shown beside
     * {@link #overCountBound}, not failed on here: an overflow eviction (a long store outage)
     * counts events the archive had staged but not committed, which it may still store, a third
     * source of excess this bound leaves out. {@code FaultHarnessIT}, whose faults cannot overflow
     * the lane, asserts the bound.
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
