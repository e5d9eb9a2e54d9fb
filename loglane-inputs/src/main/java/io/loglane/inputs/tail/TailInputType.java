package io.loglane.inputs.tail;

import io.loglane.core.config.InputKeys;
import io.loglane.core.config.InputSpec;
import io.loglane.core.lifecycle.Input;
import io.loglane.core.lifecycle.InputContext;
import io.loglane.core.lifecycle.InputType;

/**
 * {@code type: tail}: a {@link TailInput} with its {@link TailConfig}; its read positions live in
 * the node's data directory ({@code inputs/tail/<name>.positions}).
 *
 * <p>Thread-safety: stateless.
 */
public final class TailInputType implements InputType {
    public static final String TYPE = "tail";

    @Override
    public String type() { return TYPE; }

    @Override
    public InputKeys keys() { return TailKeys.INSTANCE; }

    @Override
    public Input build(InputSpec spec, InputContext context) {
        return new TailInput(TailConfig.from(spec), context, null, spec);
    }
}
