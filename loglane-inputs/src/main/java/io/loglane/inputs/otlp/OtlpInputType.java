package io.loglane.inputs.otlp;

import io.loglane.core.config.InputKeys;
import io.loglane.core.config.InputSpec;
import io.loglane.core.lifecycle.Input;
import io.loglane.core.lifecycle.InputContext;
import io.loglane.core.lifecycle.InputType;

/**
 * {@code type: otlp}: OTLP/HTTP logs on the one HTTP port. It has no listener of its own: the
 * app's HTTP server routes {@code POST /v1/logs} to {@link OtlpInput#handler} (a node whose
 * {@code inputs:} lists no otlp input answers it with 404).
 *
 * <p>Thread-safety: stateless.
 */
public final class OtlpInputType implements InputType {
    public static final String TYPE = "otlp";

    @Override
    public String type() { return TYPE; }

    @Override
    public InputKeys keys() { return OtlpKeys.INSTANCE; }

    @Override
    public Input build(InputSpec spec, InputContext context) {
        return new OtlpInput(spec, spec.bind() + ":" + spec.port(), context);
    }
}
