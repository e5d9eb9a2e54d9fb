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

    private final Reason reason;

    public IngestRejectedException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public IngestRejectedException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() { return reason; }
}
