package io.loglane.core.config;

import java.nio.file.Path;

/**
 * Process-wide settings ({@code server:} section).
 *
 * @param bind          address every listener binds unless an input says otherwise (default 127.0.0.1)
 * @param httpPort      the one HTTP port: ingest, API, metrics (default 8080)
 * @param dataDir       root of the stream, checkpoints and archive (default {@code ./data})
 * @param httpMaxBody   largest accepted HTTP request body in bytes (default 16 MiB); larger → 413
 * @param shutdownGrace how long SIGTERM waits for drain and flush
 * @param maxTrackedSources sources the completeness ledger counts one by one (default 1000); the rest
 *                      share their input's {@code other} bucket
 * @param sourceIdleEvict how long a ledger source may send nothing (and have nothing delivered) before
 *                      its entry is folded into its input's {@code evicted} bucket; zero never evicts
 * @param http          the HTTP port's connection limits, TLS and API tokens
 * @param background    how much lower the CPU priority of delivery and store threads is than that of ingest
 */
public record ServerSettings(String bind, int httpPort, Path dataDir, long httpMaxBody, java.time.Duration shutdownGrace,
                             int maxTrackedSources, java.time.Duration sourceIdleEvict, HttpSecurity http,
                             io.loglane.core.os.BackgroundPriority background) {
    /** The default of {@code server.bind}: loopback only, so a new node is not reachable from other hosts by accident. */
    public static final String DEFAULT_BIND = "127.0.0.1";
}
