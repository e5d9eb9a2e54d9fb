package io.loglane.inputs.forward;

import io.netty.handler.codec.CorruptedFrameException;

import java.util.Locale;

/**
 * A Forward frame that cannot be decoded. Every instance is connection-fatal: the connection that
 * sent it is counted under {@code loglane.protocol.errors{input, reason}} and closed, because after
 * a structural error the stream position of the next frame is unknown. {@link Reason#BAD_ENTRY} is
 * the one label that is never thrown: it counts single entries rejected inside a well-formed frame.
 *
 * <p>Thread-safety: immutable.
 */
public final class ForwardProtocolException extends CorruptedFrameException {
    private static final long serialVersionUID = 1L;

    /** Stable reasons; {@link #label()} is the metric label. Extend, do not rename. */
    public enum Reason {
        /** Bytes that are not a Forward frame: not an array of 2..4, or not valid msgpack. */
        GARBAGE,
        /** A frame (or an announced bin/str length) larger than {@code max_frame_bytes}, or a gzip body inflating past {@code max_decompressed_bytes}. */
        FRAME_TOO_LARGE,
        /** A CompressedPackedForward body that is not valid gzip. */
        BAD_GZIP,
        /** The tag is not a non-empty string. */
        BAD_TAG,
        /** The second element selects no mode, or the arity does not fit the mode. */
        UNKNOWN_MODE,
        /** The option map is not a map, or an option has the wrong type or an unsupported value. */
        BAD_OPTIONS,
        /** A PackedForward body whose bytes are not a whole number of msgpack values. */
        BAD_PACKED,
        /** {@code fluent_signal} other than 0: metrics, traces, blobs or profiles, which loglane does not store. */
        NON_LOG_SIGNAL,
        /** The connection closed in the middle of a frame. */
        TRUNCATED,
        /** Not thrown: one entry (bad time, record not a map, wrong shape) rejected inside a good frame. */
        BAD_ENTRY,
        /** With {@code shared_key}: a data frame (or anything but a PING) arrived before the handshake completed. */
        NO_HANDSHAKE,
        /** A PING after the handshake completed, or on an input without {@code shared_key}. */
        UNEXPECTED_PING,
        /** A TLS ClientHello on a plain port (the client has TLS on, the input has no {@code tls}). */
        TLS_ON_PLAIN_PORT,
        /** Bytes that are not TLS on a TLS port (the client has TLS off). */
        NOT_TLS,
        /** The TLS handshake failed: no or an untrusted client certificate, no common protocol or cipher. */
        TLS_HANDSHAKE;

        public String label() { return name().toLowerCase(Locale.ROOT); }
    }

    private final Reason reason;

    public ForwardProtocolException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() { return reason; }
}
