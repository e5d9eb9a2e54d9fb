package io.loglane.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code <data_dir>/loglane.server.json}: how the other commands find a running {@code ./loglane up}
 * that was started on other ports. Written atomically (temp file, then rename) once every listener
 * is bound; deleted on a clean stop. A file left behind by a killed process is recognised by its
 * {@code pid} no longer being alive and ignored.
 *
 * <pre>
 * {"url": "http://127.0.0.1:8080", "pid": 4242, "forwardPort": 24224}
 * </pre>
 * {@code url} always names a loopback address when the server binds every interface.
 *
 * <p>Thread-safety: stateless; safe for concurrent use.
 */
final class ServerStateFile {
    static final String NAME = "loglane.server.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private ServerStateFile() {}

    /**
     * The server URL for an HTTP listener on {@code bind:port}. A listener on the wildcard address
     * (every interface, as a user may configure) is reached through loopback.
     */
    static String url(String bind, int port) {
        return url(bind, port, false);
    }

    /** As {@link #url(String, int)}; {@code https} when the port speaks TLS ({@code server.tls}). */
    static String url(String bind, int port, boolean tls) {
        String host = bind.startsWith("[") && bind.endsWith("]") ? bind.substring(1, bind.length() - 1) : bind;
        if (host.isEmpty() || isWildcard(host)) {
            host = InetAddress.getLoopbackAddress().getHostAddress();
        }
        return (tls ? "https://" : "http://") + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    /** True for an IP literal of the wildcard address; a host name is never resolved here. */
    private static boolean isWildcard(String host) {
        if (!host.contains(":") && !host.matches("[0-9.]+")) {
            return false; // a host name: no DNS lookup just to build a URL
        }
        try {
            return InetAddress.getByName(host).isAnyLocalAddress(); // a literal: parsed, not looked up
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** Writes the state of this process's server into {@code dataDir}. */
    static void write(Path dataDir, String url, int forwardPort) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("url", url);
        m.put("pid", ProcessHandle.current().pid());
        m.put("forwardPort", forwardPort);
        Path tmp = dataDir.resolve(NAME + ".tmp");
        Files.write(tmp, JSON.writeValueAsBytes(m));
        Files.move(tmp, dataDir.resolve(NAME), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Deletes the state file if it is this process's own (a second server may have replaced it). */
    static void deleteOwn(Path dataDir) {
        Path f = dataDir.resolve(NAME);
        try {
            JsonNode n = JSON.readTree(f.toFile());
            if (n.path("pid").asLong(-1) == ProcessHandle.current().pid()) {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            // Missing or unreadable: nothing of ours to remove.
        }
    }

    /** The URL of a live server that wrote its state into {@code dataDir}, if any. */
    static Optional<String> liveUrl(Path dataDir) {
        Path f = dataDir.resolve(NAME);
        if (!Files.isRegularFile(f)) {
            return Optional.empty();
        }
        try {
            JsonNode n = JSON.readTree(f.toFile());
            long pid = n.path("pid").asLong(-1);
            String url = n.path("url").asText("");
            boolean alive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
            return alive && !url.isEmpty() ? Optional.of(url) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
