package io.loglane.inputs.forward;

import io.loglane.core.config.InputKeys;
import io.loglane.core.config.UserPassword;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Who may send to a Forward input: the {@code shared_key} handshake (with optional users) and TLS.
 *
 * @param sharedKey        null: no handshake; a peer sends frames at once
 * @param selfHostname     the server name in the PONG; non-null when {@code sharedKey} is set
 * @param users            username → password; empty: no user authentication (the HELO has no {@code auth})
 * @param handshakeTimeout the TLS and shared_key handshakes must be done this long after connecting
 * @param tls              null: plain TCP
 *
 * <p>{@link #toString()} shows neither the key nor the passwords. Thread-safety: immutable.
 */
public record ForwardSecurity(String sharedKey, String selfHostname, Map<String, String> users, Duration handshakeTimeout,
                              ForwardTls.Files tls) {
    /** No handshake, no TLS: what an input without these keys gets. */
    public static final ForwardSecurity NONE = new ForwardSecurity(null, null, Map.of(), Duration.ofSeconds(10), null);

    public ForwardSecurity {
        users = Map.copyOf(users);
        if (sharedKey != null && (sharedKey.isEmpty() || selfHostname == null || selfHostname.isEmpty())) {
            throw new IllegalArgumentException("shared_key and self_hostname must not be empty");
        }
        if (sharedKey == null && !users.isEmpty()) {
            throw new IllegalArgumentException("users need shared_key");
        }
        if (handshakeTimeout == null || handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
            throw new IllegalArgumentException("handshake_timeout must be positive");
        }
    }

    /** True when a peer must complete HELO/PING/PONG before sending events. */
    public boolean handshake() { return sharedKey != null; }

    /** The same with a shared key (and this host's name), for tests and embedding. */
    public ForwardSecurity withSharedKey(String key, String hostname, Map<String, String> users) {
        return new ForwardSecurity(key, hostname, users, handshakeTimeout, tls);
    }

    /** The same with TLS from these PEM files ({@code ca} may be null), for tests and embedding. */
    public ForwardSecurity withTls(Path cert, Path key, Path ca) {
        return new ForwardSecurity(sharedKey, selfHostname, users, handshakeTimeout, new ForwardTls.Files(cert, key, ca));
    }

    /** The same with another handshake timeout, for tests. */
    public ForwardSecurity withHandshakeTimeout(Duration timeout) {
        return new ForwardSecurity(sharedKey, selfHostname, users, timeout, tls);
    }

    @Override
    public String toString() {
        return "ForwardSecurity[sharedKey=" + (sharedKey == null ? "none" : "***") + ", selfHostname=" + selfHostname
                + ", users=" + users.keySet() + ", handshakeTimeout=" + handshakeTimeout + ", tls=" + tls + "]";
    }

    /** From the loader's validated options (relative keys, see {@link ForwardKeys}). */
    @SuppressWarnings("unchecked")
    static ForwardSecurity from(Map<String, Object> options, Duration handshakeTimeout) {
        String key = (String) options.get("shared_key");
        String host = (String) options.get("self_hostname");
        Map<String, String> users = new LinkedHashMap<>();
        for (UserPassword u : (List<UserPassword>) options.getOrDefault("users", List.of())) {
            users.put(u.username(), u.password());
        }
        Path cert = (Path) options.get("tls.cert");
        ForwardTls.Files tls = cert == null ? null
                : new ForwardTls.Files(cert, (Path) options.get("tls.key"), (Path) options.get("tls.ca"));
        return new ForwardSecurity(key, key != null && host == null ? localHostname() : host, users, handshakeTimeout, tls);
    }

    /**
     * The checks that span keys, for {@link ForwardKeys#complete}: as in fluentd's {@code <security>}
     * section, users and self_hostname only exist with shared_key; the TLS files must be usable.
     */
    static void check(Map<String, Object> options, InputKeys.Problems problems) {
        boolean sharedKey = options.get("shared_key") != null;
        List<?> users = (List<?>) options.getOrDefault("users", List.of());
        if (!sharedKey && !users.isEmpty()) {
            problems.add("users", "needs shared_key: users are checked in the shared_key handshake (as in fluentd's <security>)");
        }
        if (!sharedKey && options.get("self_hostname") != null) {
            problems.add("self_hostname", "needs shared_key: the name is only sent in the handshake's PONG");
        }
        Path cert = (Path) options.get("tls.cert");
        Path key = (Path) options.get("tls.key");
        Path ca = (Path) options.get("tls.ca");
        if (cert == null && key != null) {
            problems.add("tls.key", "needs tls.cert");
        } else if (cert != null && key == null) {
            problems.add("tls.cert", "needs tls.key (the certificate's private key)");
        } else if (cert == null && ca != null) {
            problems.add("tls.ca", "needs tls.cert and tls.key: client certificates are only asked for on a TLS port");
        } else if (cert != null) {
            try {
                ForwardTls.serverContext(new ForwardTls.Files(cert, key, ca));
            } catch (ForwardTls.FileProblem p) {
                problems.add(p.key(), p.getMessage());
            }
        }
    }

    /** This machine's name for the PONG; "loglane" when it has none that resolves. */
    private static String localHostname() {
        try {
            String name = InetAddress.getLocalHost().getHostName();
            return name == null || name.isBlank() ? "loglane" : name;
        } catch (UnknownHostException e) {
            return "loglane";
        }
    }
}
