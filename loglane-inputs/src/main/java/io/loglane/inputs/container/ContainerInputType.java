package io.loglane.inputs.container;

import io.loglane.core.config.InputKeys;
import io.loglane.core.config.InputSpec;
import io.loglane.core.lifecycle.Input;
import io.loglane.core.lifecycle.InputContext;
import io.loglane.core.lifecycle.InputType;
import io.loglane.inputs.tail.LineFormat;
import io.loglane.inputs.tail.TailConfig;
import io.loglane.inputs.tail.TailInput;
import java.util.function.Function;

/**
 * {@code type: docker} and {@code type: cri}: a {@link TailInput} over the runtime's log files with
 * the runtime's {@link LineFormat}; read positions live where a tail's do
 * ({@code <data_dir>/inputs/tail/<name>.positions}), so input names must differ across the three types.
 *
 * <p>Thread-safety: stateless.
 */
public final class ContainerInputType implements InputType {
    private final ContainerKeys keys;
    /** The format, given whether the tag was written. */
    private final Function<Boolean, LineFormat> format;

    private ContainerInputType(ContainerKeys keys, Function<Boolean, LineFormat> format) {
        this.keys = keys;
        this.format = format;
    }

    /** {@code type: docker}. */
    public static ContainerInputType docker() { return new ContainerInputType(ContainerKeys.DOCKER, DockerFormat::new); }

    /** {@code type: cri}. */
    public static ContainerInputType cri() { return new ContainerInputType(ContainerKeys.CRI, CriFormat::new); }

    @Override
    public String type() { return keys.type(); }

    @Override
    public InputKeys keys() { return keys; }

    @Override
    public Input build(InputSpec spec, InputContext context) {
        boolean tagSet = spec.options().get("tag") != null;
        return new TailInput(TailConfig.from(spec), context, format.apply(tagSet), spec);
    }
}
