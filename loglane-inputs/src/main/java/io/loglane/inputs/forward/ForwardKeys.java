package io.loglane.inputs.forward;

import io.loglane.core.config.ConfigKey;
import io.loglane.core.config.InputKeys;
import io.loglane.core.config.Sizes;
import io.loglane.core.config.ValueType;
import io.loglane.core.config.ReadingKeys;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The keys of a {@code type: forward} input (Fluent Forward over TCP), its own listener, and the
 * derived default of {@code max_decompressed_bytes}: the one declaration of each key's bounds and
 * default, which the loader checks and {@link ForwardConfig} reads.
 *
 * <p>Thread-safety: immutable.
 */
public final class ForwardKeys implements InputKeys {
    /** The one instance. */
    public static final ForwardKeys INSTANCE = new ForwardKeys();

    private static final String P = "inputs[forward].";
    private static final long KIB = 1L << 10;
    private static final long GIB = 1L << 30;

    private static final List<ConfigKey> KEYS = List.of(
            new ConfigKey(P + "bind", ValueType.STRING, null, "Listen address; defaults to server.bind."),
            new ConfigKey(P + "port", ValueType.PORT, "24224", "Listen port of the Forward input."),
            new ConfigKey(P + "max_frame_bytes", ValueType.POSITIVE_SIZE, "16MiB", "Largest accepted Forward frame; a larger one closes the connection.", new ConfigKey.Bounds(KIB, GIB)),
            new ConfigKey(P + "max_decompressed_bytes", ValueType.POSITIVE_SIZE, null, "Largest gzip-decompressed payload of one CompressedPackedForward frame; more closes the connection. Defaults to 4 × max_frame_bytes, at most 1GiB; never below max_frame_bytes.", new ConfigKey.Bounds(KIB, GIB)),
            new ConfigKey(P + "max_in_flight", ValueType.COUNT, "64", "Unacknowledged requests per connection before reading pauses (TCP back-pressure).", new ConfigKey.Bounds(1, 65_536)),
            new ConfigKey(P + "max_in_flight_bytes", ValueType.POSITIVE_SIZE, "64MiB", "Record bytes all connections of the input may hold while waiting to be durable; at the limit they stop reading (TCP back-pressure).", new ConfigKey.Bounds(KIB, GIB)),
            new ConfigKey(P + "drain_timeout", ValueType.POSITIVE_DURATION, "5s", "On shutdown, how long in-flight requests may take to be acknowledged."),
            new ConfigKey(P + "worker_threads", ValueType.COUNT, null, "Netty event-loop threads decoding connections; defaults to the number of CPUs.", new ConfigKey.Bounds(1, 256)),
            new ConfigKey(P + "idle_timeout", ValueType.DURATION, "1h", "Close a connection that sent nothing for this long while no frame was begun and no ack was owed (counted: idle_timeout); 0 = never. Long by default: a client that waits for no acks (Docker's fluentd driver) loses the first event it writes into a connection that was closed."),
            new ConfigKey(P + "frame_timeout", ValueType.POSITIVE_DURATION, "30s", "Close a connection whose frame is not complete this long after its first byte arrived (a stalled or slowloris sender; counted: frame_timeout). Time in which loglane itself stopped reading does not count."),
            new ConfigKey(P + "shared_key", ValueType.STRING, null, "Require the Forward handshake (HELO/PING/PONG, as fluentd's shared_key (security section) and Fluent Bit's Shared_Key): a peer must prove it knows this key before any event is taken; a wrong one is refused with the reason in the PONG and counted. Unset: no handshake."),
            new ConfigKey(P + "self_hostname", ValueType.STRING, null, "The server name sent in the PONG (peers check the digest over it). Defaults to this machine's host name; needs shared_key."),
            new ConfigKey(P + "users", ValueType.USERS, "", "Users allowed in, [{username, password}]: the HELO then carries an auth salt and a peer must also send a matching username and password digest. Needs shared_key."),
            new ConfigKey(P + "handshake_timeout", ValueType.POSITIVE_DURATION, "10s", "Close a connection that has not completed the TLS handshake and the shared_key handshake (a valid PING) this long after it opened (counted: handshake_timeout)."),
            new ConfigKey(P + "tls.cert", ValueType.PATH, null, "PEM file of the server certificate (chain); with tls.key the port speaks TLS only."),
            new ConfigKey(P + "tls.key", ValueType.PATH, null, "PEM file of the unencrypted PKCS#8 private key of tls.cert (BEGIN PRIVATE KEY; convert others with openssl pkcs8 -topk8 -nocrypt)."),
            new ConfigKey(P + "tls.ca", ValueType.PATH, null, "PEM file of the CA certificates that sign client certificates: with it, every client must present a certificate they verify."));

    private ForwardKeys() {}

    @Override public String type() { return "forward"; }

    @Override public String summary() { return "forward (Fluent Forward over TCP)"; }

    /** The input's own keys, then how it reads its records ({@link ReadingKeys}). */
    private static final List<ConfigKey> ALL = java.util.stream.Stream.concat(KEYS.stream(), ReadingKeys.keys(P, false).stream()).toList();

    @Override public List<ConfigKey> keys() { return ALL; }

    /** The key {@code inputs[forward].<name>}. */
    static ConfigKey key(String name) {
        for (ConfigKey k : KEYS) {
            if (k.path().equals(P + name)) {
                return k;
            }
        }
        throw new IllegalArgumentException("undeclared key " + P + name);
    }

    @Override public String portKey() { return "port"; }

    /** A gzip body may inflate to 4 × the frame, but never past the key's 1 GiB bound. */
    public static long maxDecompressed(long maxFrameBytes) {
        return Math.min(GIB, 4 * maxFrameBytes);
    }

    @Override
    public void complete(Map<String, Object> options, Set<String> written, Problems problems) {
        ForwardSecurity.check(options, problems);
        long frame = (Long) options.get("max_frame_bytes");
        if (!written.contains("max_decompressed_bytes")) {
            options.put("max_decompressed_bytes", maxDecompressed(frame));
        } else if ((Long) options.get("max_decompressed_bytes") < frame) {
            problems.add("max_decompressed_bytes", "must be at least max_frame_bytes (" + Sizes.format(frame)
                    + "), got " + Sizes.format((Long) options.get("max_decompressed_bytes")));
        }
    }
}
