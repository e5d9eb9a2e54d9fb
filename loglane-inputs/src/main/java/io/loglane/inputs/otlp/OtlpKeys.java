package io.loglane.inputs.otlp;

import io.loglane.core.config.ConfigKey;
import io.loglane.core.config.InputKeys;
import io.loglane.core.config.ReadingKeys;
import java.util.List;

/**
 * The keys of a {@code type: otlp} input: only how it reads its records ({@link ReadingKeys}); it is served on the one HTTP server
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

    /** How it reads its records ({@link ReadingKeys}): parser, lane_parser, multiline, flush_timeout. */
    @Override public List<ConfigKey> keys() { return ReadingKeys.keys("inputs[" + type() + "].", false); }

    @Override public String portKey() { return null; }
}
