package io.loglane.app;

import io.loglane.core.config.InputKeys;
import io.loglane.core.config.InputSpec;
import io.loglane.core.lifecycle.Input;
import io.loglane.core.lifecycle.InputContext;
import io.loglane.core.lifecycle.InputType;
import io.loglane.inputs.cloudwatch.CloudWatchInputType;
import io.loglane.inputs.container.ContainerInputType;
import io.loglane.inputs.forward.ForwardInputType;
import io.loglane.inputs.http.HttpInputType;
import io.loglane.inputs.otlp.OtlpInputType;
import io.loglane.inputs.tail.TailInputType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The registry of input types the node can build, by {@code type:} value. Adding an input type is
 * writing its {@link InputType} (with its {@link InputKeys}) and registering it in {@link #BUILT_IN};
 * {@link RegisteredTypes#CATALOG} hands its keys to the loader.
 *
 * <p>Thread-safety: immutable.
 */
public final class InputTypes {
    /** Every input type of this build, in the order the configuration reference lists them. */
    public static final InputTypes BUILT_IN = new InputTypes(List.of(new ForwardInputType(), new HttpInputType(),
            new CloudWatchInputType(), new OtlpInputType(), new TailInputType(),
            ContainerInputType.docker(), ContainerInputType.cri()));

    private final Map<String, InputType> byType = new LinkedHashMap<>();

    InputTypes(List<InputType> types) {
        for (InputType t : types) {
            if (byType.putIfAbsent(t.type(), t) != null) {
                throw new IllegalArgumentException("input type " + t.type() + " registered twice");
            }
        }
    }

    /** The configuration side of every registered type, in registration order. */
    public List<InputKeys> keys() { return byType.values().stream().map(InputType::keys).toList(); }

    /** The registered type names. */
    public List<String> types() { return List.copyOf(byType.keySet()); }

    /** A new, not started input for {@code spec}. */
    Input build(InputSpec spec, InputContext context) {
        InputType t = byType.get(spec.type());
        if (t == null) {
            // the loader accepts only declared types; this is a registry that lags the schema
            throw new IllegalStateException("input " + spec.name() + ": no input type " + spec.type() + " is registered");
        }
        return t.build(spec, context);
    }
}
