package io.loglane.inputs.forward;

import io.loglane.core.config.InputKeys;
import io.loglane.core.config.InputSpec;
import io.loglane.core.lifecycle.Input;
import io.loglane.core.lifecycle.InputContext;
import io.loglane.core.lifecycle.InputType;

/**
 * {@code type: forward}: a {@link ForwardInput} on the entry's address with its {@link ForwardConfig}.
 *
 * <p>Thread-safety: stateless.
 */
public final class ForwardInputType implements InputType {
    public static final String TYPE = "forward";

    @Override
    public String type() { return TYPE; }

    @Override
    public InputKeys keys() { return ForwardKeys.INSTANCE; }

    @Override
    public Input build(InputSpec spec, InputContext context) {
        return new ForwardInput(ForwardConfig.from(spec), context.ingest(), context.registry(), context.clock());
    }
}
