package io.loglane.core.ingest;

/**
 * Why a request was not accepted. Inputs map {@link Reason#BACKPRESSURE} to TCP back-pressure or
 * HTTP 503 + Retry-After, {@link Reason#DISK_FULL} to HTTP 503 + Retry-After (no ack on Forward: the
 * peer resends), {@link Reason#INVALID} to a client error, and the rest to 500/close.
 */
public final class IngestRejectedException extends RuntimeException {
    /** Stable reason codes; they appear as metric labels, keep them lower-case in {@link #label()}. */
    public enum Reason {
        /** A disk/sync lane's stream is full: unconsumed data is never deleted, so the sender must wait. */
        BACKPRESSURE,
        /** The lane's rate limit was exceeded. */
        RATE_LIMITED,
        /** The events themselves are unacceptable (e.g. a record that is not a map). */
        INVALID,
        /**
         * The stream's disk is full (ENOSPC or a quota). Nothing was stored; the lane takes appends
         * again by itself once space returns, so the sender should retry later.
         */
        DISK_FULL,
        /** The stream failed to store them (I/O error, shutting down). */
        STORAGE_ERROR;

        public String label() { return name().toLowerCase(java.util.Locale.ROOT); }
    }

    private static final IngestResult NOTHING = new IngestResult(0, 0);

    private final Reason reason;
    private final IngestResult stored;

    public IngestRejectedException(Reason reason, String message) {
        this(reason, message, null, NOTHING);
    }

    public IngestRejectedException(Reason reason, String message, Throwable cause) {
        this(reason, message, cause, NOTHING);
    }

    /**
     * A refusal of a request some of whose events were stored all the same: a request split over
     * lanes whose append failed in one lane after others had stored their part.
     *
     * @param stored the events stored (and those found already stored) by the lanes that did not fail
     */
    public IngestRejectedException(Reason reason, String message, Throwable cause, IngestResult stored) {
        super(message, cause);
        this.reason = reason;
        this.stored = stored;
    }

    public Reason reason() { return reason; }

    /**
     * The part of the refused request that was stored (or already stored) anyway: none, unless the
     * request was split over lanes and only some of them failed. Stored events reach the stores; a
     * resent request with the same chunk id finds them already stored in their lanes.
     */
    public IngestResult stored() { return stored; }
}
