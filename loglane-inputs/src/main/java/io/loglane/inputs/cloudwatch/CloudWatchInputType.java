package io.loglane.inputs.cloudwatch;

import io.loglane.core.config.InputKeys;
import io.loglane.core.config.InputSpec;
import io.loglane.core.lifecycle.Input;
import io.loglane.core.lifecycle.InputContext;
import io.loglane.core.lifecycle.InputType;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * {@code type: cloudwatch}: the CloudWatch Logs JSON API on the one HTTP port. It has no listener
 * of its own: the app's HTTP server routes {@code POST /} to {@link CloudWatchInput#handler} (a node
 * whose {@code inputs:} lists no cloudwatch input answers it with 404).
 *
 * <p>Thread-safety: stateless.
 */
public final class CloudWatchInputType implements InputType {
    public static final String TYPE = "cloudwatch";

    @Override
    public String type() { return TYPE; }

    @Override
    public InputKeys keys() { return CloudWatchKeys.INSTANCE; }

    @Override
    public Input build(InputSpec spec, InputContext context) {
        try {
            return new CloudWatchInput(spec, spec.bind() + ":" + spec.port(), context);
        } catch (IOException e) {
            throw new UncheckedIOException("input " + spec.name() + ": cannot read its log group state under "
                    + CloudWatchInput.stateDir(context.dataDir(), spec.name()), e);
        }
    }
}
