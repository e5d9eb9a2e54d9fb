package io.loglane.inputs.otlp;

import io.loglane.core.config.ConfigKey;
import io.loglane.core.config.InputKeys;
import java.util.List;

/**
 * The keys of a {@code type: otlp} input: none of its own; it is served on the one HTTP server
 * ({@code POST /v1/logs} on {@code server.http_port}), so at most one is declared.
 *
 * <p>Thread-safety: immutable.
 */
public final class OtlpKeys implements InputKeys {
    /** The one instance. */
    public static final OtlpKeys INSTANCE = new OtlpKeys();

    private OtlpKeys() {}

    @Override public String type() { return OtlpInputType.TYPE; }

    @Override public String summary() { return "otlp (OTLP/HTTP logs: POST /v1/logs, protobuf or JSON, on server.http_port)"; }

    @Override public List<ConfigKey> keys() { return List.of(); }

    @Override public String portKey() { return null; }
}
