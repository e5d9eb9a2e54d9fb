package io.loglane.inputs.http;

import io.loglane.core.config.ConfigKey;
import io.loglane.core.config.InputKeys;
import io.loglane.core.config.ReadingKeys;
import java.util.List;

/**
 * The keys of a {@code type: http} input: only how it reads its records ({@link ReadingKeys}); it is the ingest endpoint of the one
 * HTTP server ({@code POST /api/v1/ingest/{tag}} on {@code server.http_port}), so at most one is declared.
 *
 * <p>Thread-safety: immutable.
 */
public final class HttpKeys implements InputKeys {
    /** The one instance. */
    public static final HttpKeys INSTANCE = new HttpKeys();

    private HttpKeys() {}

    @Override public String type() { return "http"; }

    @Override public String summary() { return "http (POST /api/v1/ingest/{tag} on server.http_port)"; }

    /** How it reads its records ({@link ReadingKeys}): parser, lane_parser, multiline, flush_timeout. */
    @Override public List<ConfigKey> keys() { return ReadingKeys.keys("inputs[" + type() + "].", false); }

    @Override public String portKey() { return null; }
}
