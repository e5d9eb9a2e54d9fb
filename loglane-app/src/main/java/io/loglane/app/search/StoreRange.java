package io.loglane.app.search;

/**
 * One part of a search's time range and the store that answered it, or why none did. Immutable.
 *
 * @param store      {@code index} or {@code archive}
 * @param fromMillis inclusive, epoch milliseconds
 * @param toMillis   exclusive
 * @param covered    whether the store's matches of this part are in the answer
 * @param reason     why not, when not covered; else null
 * @param note       a caveat on a covered part (e.g. an approximation), or null
 */
public record StoreRange(String store, long fromMillis, long toMillis, boolean covered, String reason, String note) {
    static StoreRange covered(String store, long fromMillis, long toMillis, String note) {
        return new StoreRange(store, fromMillis, toMillis, true, null, note);
    }

    static StoreRange notCovered(String store, long fromMillis, long toMillis, String reason) {
        return new StoreRange(store, fromMillis, toMillis, false, reason, null);
    }
}
