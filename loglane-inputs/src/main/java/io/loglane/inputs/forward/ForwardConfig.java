package io.loglane.inputs.forward;

import io.loglane.core.config.ConfigException;
import io.loglane.core.config.ConfigOrigin;
import io.loglane.core.config.InputSpec;

import java.time.Duration;

/**
 * Validated settings of one Forward input.
 *
 * @param name                 the {@code input} metric label and {@link io.loglane.core.ingest.Source#input()}
 * @param bind                 listen address (default {@code 127.0.0.1})
 * @param port                 listen port; 0 picks an ephemeral port (see {@link ForwardInput#boundPort()})
 * @param maxFrameBytes        largest frame accepted ({@code max_frame_bytes}, default 16 MiB); a
 *                             larger one closes the connection with {@code frame_too_large}
 * @param maxDecompressedBytes largest inflated gzip body ({@code max_decompressed_bytes}, default 4 x max_frame_bytes, at most 1 GiB)
 * @param maxInFlight          unacknowledged requests per connection before reading pauses
 *                             ({@code max_in_flight}, default 64)
 * @param maxInFlightBytes     record bytes all connections of the input hold while waiting to be durable
 *                             before reading pauses ({@code max_in_flight_bytes}, default 64 MiB)
 * @param drainTimeout         how long {@link ForwardInput#close()} waits for in-flight requests
 *                             ({@code drain_timeout}, default 5 s)
 * @param workerThreads        event-loop threads ({@code worker_threads}, default: available processors)
 * @param idleTimeout          a connection that sent nothing for this long, with no frame begun and no
 *                             ack owed, is closed ({@code idle_timeout}, default 1 h; zero: never)
 * @param frameTimeout         a frame must be complete this long after its first byte arrived, or its
 *                             connection is closed ({@code frame_timeout}, default 30 s)
 *
 * <p>Thread-safety: immutable.
 */
public record ForwardConfig(String name, String bind, int port, int maxFrameBytes, int maxDecompressedBytes,
                            int maxInFlight, long maxInFlightBytes, Duration drainTimeout, int workerThreads,
                            Duration idleTimeout, Duration frameTimeout) {
    public static final String DEFAULT_BIND = "127.0.0.1";
    public static final int DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024;
    public static final int DEFAULT_MAX_IN_FLIGHT = 64;
    public static final long DEFAULT_MAX_IN_FLIGHT_BYTES = 64L * 1024 * 1024;
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(5);
    /**
     * Long: a client that does not wait for acks (Docker's fluentd driver by default) does not
     * notice a closed connection until its next write, which the network then drops; so closing
     * an idle connection costs such a client its first event after the pause.
     */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofHours(1);
    public static final Duration DEFAULT_FRAME_TIMEOUT = Duration.ofSeconds(30);
    private static final long MAX_BYTES = 1L << 30;

    public ForwardConfig {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name is required");
        }
        if (bind == null || bind.isBlank()) {
            throw new IllegalArgumentException("bind is required");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is not in 0..65535");
        }
        if (maxFrameBytes < 1024 || maxDecompressedBytes < maxFrameBytes) {
            throw new IllegalArgumentException("max_frame_bytes must be >= 1KiB and max_decompressed_bytes >= max_frame_bytes");
        }
        if (maxInFlight < 1 || maxInFlight > 65536) {
            throw new IllegalArgumentException("max_in_flight must be in 1..65536");
        }
        if (maxInFlightBytes < 1024) {
            throw new IllegalArgumentException("max_in_flight_bytes must be >= 1KiB");
        }
        if (drainTimeout == null || drainTimeout.isNegative()) {
            throw new IllegalArgumentException("drain_timeout must not be negative");
        }
        if (workerThreads < 1) {
            throw new IllegalArgumentException("worker_threads must be >= 1");
        }
        if (idleTimeout == null || idleTimeout.isNegative()) {
            throw new IllegalArgumentException("idle_timeout must not be negative");
        }
        if (frameTimeout == null || frameTimeout.isNegative() || frameTimeout.isZero()) {
            throw new IllegalArgumentException("frame_timeout must be positive");
        }
    }

    /** The same settings with other timeouts, for tests and embedding. */
    public ForwardConfig withTimeouts(Duration idle, Duration frame) {
        return new ForwardConfig(name, bind, port, maxFrameBytes, maxDecompressedBytes, maxInFlight, maxInFlightBytes,
                drainTimeout, workerThreads, idle, frame);
    }

    /** Defaults for everything but the name and the address, for tests and embedding. */
    public static ForwardConfig of(String name, String bind, int port) {
        return new ForwardConfig(name, bind, port, DEFAULT_MAX_FRAME_BYTES, 4 * DEFAULT_MAX_FRAME_BYTES,
                DEFAULT_MAX_IN_FLIGHT, DEFAULT_MAX_IN_FLIGHT_BYTES, DEFAULT_DRAIN_TIMEOUT, Runtime.getRuntime().availableProcessors(),
                DEFAULT_IDLE_TIMEOUT, DEFAULT_FRAME_TIMEOUT);
    }

    /**
     * Builds the config of a {@code type: forward} input.
     *
     * @throws ConfigException naming the input's file, line and the offending key
     */
    public static ForwardConfig from(InputSpec spec) throws ConfigException {
        ConfigOrigin o = spec.origin() == null ? new ConfigOrigin("<none>", 0) : spec.origin();
        String prefix = "inputs." + spec.name() + ".";
        if (!"forward".equals(spec.type())) {
            throw new ConfigException(o.file(), o.line(), prefix + "type", "not a forward input: " + spec.type());
        }
        long frame = bytes(spec, o, prefix, "max_frame_bytes", DEFAULT_MAX_FRAME_BYTES, 1024);
        long inflated = bytes(spec, o, prefix, "max_decompressed_bytes", Math.min(MAX_BYTES, 4 * frame), frame);
        long inFlight = spec.longOption("max_in_flight", DEFAULT_MAX_IN_FLIGHT);
        if (inFlight < 1 || inFlight > 65536) {
            throw new ConfigException(o.file(), o.line(), prefix + "max_in_flight", "must be in 1..65536, got " + inFlight);
        }
        long inFlightBytes = bytes(spec, o, prefix, "max_in_flight_bytes", DEFAULT_MAX_IN_FLIGHT_BYTES, 1024);
        Duration drainTimeout = duration(spec, "drain_timeout", DEFAULT_DRAIN_TIMEOUT);
        Duration idleTimeout = duration(spec, "idle_timeout", DEFAULT_IDLE_TIMEOUT);
        Duration frameTimeout = duration(spec, "frame_timeout", DEFAULT_FRAME_TIMEOUT);
        if (idleTimeout.isNegative()) {
            throw new ConfigException(o.file(), o.line(), prefix + "idle_timeout", "must not be negative, got " + idleTimeout);
        }
        if (frameTimeout.isNegative() || frameTimeout.isZero()) {
            throw new ConfigException(o.file(), o.line(), prefix + "frame_timeout", "must be positive, got " + frameTimeout);
        }
        long workers = spec.longOption("worker_threads", Runtime.getRuntime().availableProcessors());
        if (workers < 1 || workers > 256) {
            throw new ConfigException(o.file(), o.line(), prefix + "worker_threads", "must be in 1..256, got " + workers);
        }
        if (spec.port() < 0 || spec.port() > 65535) {
            throw new ConfigException(o.file(), o.line(), prefix + "port", "must be in 0..65535, got " + spec.port());
        }
        String bind = spec.bind() == null || spec.bind().isBlank() ? DEFAULT_BIND : spec.bind();
        return new ForwardConfig(spec.name(), bind, spec.port(), (int) frame, (int) inflated, (int) inFlight,
                inFlightBytes, drainTimeout, (int) workers, idleTimeout, frameTimeout);
    }

    /** A duration option as the loader parsed it (validated against the schema), or {@code dflt}. */
    private static Duration duration(InputSpec spec, String key, Duration dflt) {
        return spec.options().get(key) instanceof Duration d ? d : dflt;
    }

    private static long bytes(InputSpec spec, ConfigOrigin o, String prefix, String key, long dflt, long min)
            throws ConfigException {
        long v = spec.longOption(key, dflt);
        if (v < min || v > MAX_BYTES) {
            throw new ConfigException(o.file(), o.line(), prefix + key, "must be between " + min + " and " + MAX_BYTES + " bytes, got " + v);
        }
        return v;
    }
}
