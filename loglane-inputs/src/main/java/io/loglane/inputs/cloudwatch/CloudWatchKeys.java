package io.loglane.inputs.cloudwatch;

import io.loglane.core.config.ConfigKey;
import io.loglane.core.config.InputKeys;
import java.util.List;

/**
 * The keys of a {@code type: cloudwatch} input: none of its own; it is served on the one HTTP
 * server ({@code POST /} on {@code server.http_port}), so at most one is declared.
 *
 * <p>Thread-safety: immutable.
 */
public final class CloudWatchKeys implements InputKeys {
    /** The one instance. */
    public static final CloudWatchKeys INSTANCE = new CloudWatchKeys();

    private CloudWatchKeys() {}

    @Override public String type() { return CloudWatchInputType.TYPE; }

    @Override public String summary() {
        return "cloudwatch (the CloudWatch Logs API: POST / with X-Amz-Target: Logs_20140328.* on server.http_port)";
    }

    @Override public List<ConfigKey> keys() { return List.of(); }

    @Override public String portKey() { return null; }
}
