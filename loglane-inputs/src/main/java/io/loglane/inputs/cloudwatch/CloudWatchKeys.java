package io.loglane.inputs.cloudwatch;

import io.loglane.core.config.ConfigKey;
import io.loglane.core.config.InputKeys;
import io.loglane.core.config.ReadingKeys;
import java.util.List;

/**
 * The keys of a {@code type: cloudwatch} input: only how it reads its records ({@link ReadingKeys}); it is served on the one HTTP
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

    /** How it reads its records ({@link ReadingKeys}): parser, lane_parser, multiline, flush_timeout. */
    @Override public List<ConfigKey> keys() { return ReadingKeys.keys("inputs[" + type() + "].", false); }

    @Override public String portKey() { return null; }
}
