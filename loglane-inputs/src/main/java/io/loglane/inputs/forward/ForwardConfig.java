package io.loglane.inputs.forward;

import io.loglane.core.config.InputSpec;
import io.loglane.core.config.ServerSettings;
import io.loglane.core.parse.MultilineSpec;
import io.loglane.inputs.multiline.MultilineCarry;

import java.time.Duration;
import java.util.Map;

/**
 * Validated settings of one Forward input.
 *
 * @param name                 the {@code input} metric label and {@link io.loglane.core.ingest.Source#input()}
 * @param bind                 listen address (default {@code 127.0.0.1})
 * @param port                 listen port; 0 picks an ephemeral port (see {@link ForwardInput#boundPort()})
 * @param maxFrameBytes        largest frame accepted ({@code max_frame_bytes}); a larger one closes
 *                             the connection with {@code frame_too_large}
 * @param maxDecompressedBytes largest inflated gzip body ({@code max_decompressed_bytes})
 * @param maxInFlight          unacknowledged requests per connection before reading pauses ({@code max_in_flight})
 * @param maxInFlightBytes     record bytes all connections of the input hold while waiting to be durable
 *                             before reading pauses ({@code max_in_flight_bytes})
 * @param drainTimeout         how long {@link ForwardInput#close()} waits for in-flight requests ({@code drain_timeout})
 * @param workerThreads        event-loop threads ({@code worker_threads})
 * @param idleTimeout          a connection that sent nothing for this long, with no frame begun and no
 *                             ack owed, is closed ({@code idle_timeout}; zero: never)
 * @param frameTimeout         a frame must be complete this long after its first byte arrived, or its
 *                             connection is closed ({@code frame_timeout})
 * @param security             the {@code shared_key} handshake, users and TLS ({@link ForwardSecurity#NONE}: none)
 * @param multiline            the input's {@code multiline:} rules, joined across chunks per connection and
 *                             tag ({@link io.loglane.inputs.multiline.MultilineCarry}); null: none
 * @param flushTimeout         how long an open multiline event waits for a later chunk ({@code flush_timeout})
 *
 * <p>Every key's bounds and default are declared once, in {@link ForwardKeys}; the loader checks
 * them, so {@code check-config} refuses what this record would. Its constructor only guards
 * against programming errors.
 *
 * <p>Thread-safety: immutable.
 */
public record ForwardConfig(String name, String bind, int port, int maxFrameBytes, int maxDecompressedBytes,
                            int maxInFlight, long maxInFlightBytes, Duration drainTimeout, int workerThreads,
                            Duration idleTimeout, Duration frameTimeout, ForwardSecurity security,
                            MultilineSpec multiline, Duration flushTimeout) {
    /** Settings without multiline joining. */
    public ForwardConfig(String name, String bind, int port, int maxFrameBytes, int maxDecompressedBytes,
                         int maxInFlight, long maxInFlightBytes, Duration drainTimeout, int workerThreads,
                         Duration idleTimeout, Duration frameTimeout, ForwardSecurity security) {
        this(name, bind, port, maxFrameBytes, maxDecompressedBytes, maxInFlight, maxInFlightBytes, drainTimeout, workerThreads,
                idleTimeout, frameTimeout, security, null, Duration.ofSeconds(1));
    }

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
        if (security == null) {
            throw new IllegalArgumentException("security is required (ForwardSecurity.NONE for none)");
        }
        if (flushTimeout == null || flushTimeout.isNegative() || flushTimeout.isZero()) {
            throw new IllegalArgumentException("flush_timeout must be positive");
        }
    }

    /** The same settings with other timeouts, for tests and embedding. */
    public ForwardConfig withTimeouts(Duration idle, Duration frame) {
        return new ForwardConfig(name, bind, port, maxFrameBytes, maxDecompressedBytes, maxInFlight, maxInFlightBytes,
                drainTimeout, workerThreads, idle, frame, security, multiline, flushTimeout);
    }

    /** The same settings with other security, for tests and embedding. */
    public ForwardConfig withSecurity(ForwardSecurity s) {
        return new ForwardConfig(name, bind, port, maxFrameBytes, maxDecompressedBytes, maxInFlight, maxInFlightBytes,
                drainTimeout, workerThreads, idleTimeout, frameTimeout, s, multiline, flushTimeout);
    }

    /** The same settings with other multiline rules (null: none) and flush timeout, for tests and embedding. */
    public ForwardConfig withMultiline(MultilineSpec rules, Duration flush) {
        return new ForwardConfig(name, bind, port, maxFrameBytes, maxDecompressedBytes, maxInFlight, maxInFlightBytes,
                drainTimeout, workerThreads, idleTimeout, frameTimeout, security, rules, flush);
    }

    /** The schema's defaults for everything but the name and the address, for tests and embedding. */
    public static ForwardConfig of(String name, String bind, int port) {
        return from(new InputSpec("forward", name, bind, port, Map.of(), null));
    }

    /**
     * The config of a {@code type: forward} input. The loader has validated every option against
     * {@link ForwardKeys} and filled in the defaults; an option missing from a hand-built spec
     * takes the same declared default, so there is one default per key.
     *
     * @throws IllegalArgumentException when {@code spec} is not a forward input
     */
    public static ForwardConfig from(InputSpec spec) {
        if (!"forward".equals(spec.type())) {
            throw new IllegalArgumentException("not a forward input: " + spec.type());
        }
        long frame = option(spec, "max_frame_bytes");
        long inflated = spec.options().containsKey("max_decompressed_bytes")
                ? option(spec, "max_decompressed_bytes") : ForwardKeys.maxDecompressed(frame);
        long workers = spec.options().containsKey("worker_threads")
                ? option(spec, "worker_threads") : Runtime.getRuntime().availableProcessors();
        String bind = spec.bind() == null || spec.bind().isBlank() ? ServerSettings.DEFAULT_BIND : spec.bind();
        return new ForwardConfig(spec.name(), bind, spec.port(), (int) frame, (int) inflated, (int) (long) option(spec, "max_in_flight"),
                option(spec, "max_in_flight_bytes"), option(spec, "drain_timeout"), (int) workers,
                option(spec, "idle_timeout"), option(spec, "frame_timeout"),
                ForwardSecurity.from(spec.options(), option(spec, "handshake_timeout")),
                MultilineCarry.spec(spec), MultilineCarry.flushTimeout(spec));
    }

    /** The option as the loader parsed it, else the key's declared default (integers widened to long). */
    @SuppressWarnings("unchecked")
    private static <T> T option(InputSpec spec, String key) {
        Object v = spec.options().get(key);
        if (v == null) {
            v = ForwardKeys.key(key).defaultValue();
        }
        return (T) (v instanceof Integer i ? Long.valueOf(i) : v);
    }
}
