package io.loglane.inputs.http;

import io.loglane.core.config.InputKeys;
import io.loglane.core.config.InputSpec;
import io.loglane.core.lifecycle.Input;
import io.loglane.core.lifecycle.InputContext;
import io.loglane.core.lifecycle.InputType;

/**
 * {@code type: http}: {@code POST /api/v1/ingest/{tag}} on the one HTTP port. It has no listener
 * of its own: the app's HTTP server routes the path to this input's {@link HttpInput#handler}
 * (a node whose {@code inputs:} lists no http input answers the route with 404).
 *
 * <p>Thread-safety: stateless.
 */
public final class HttpInputType implements InputType {
    public static final String TYPE = "http";

    @Override
    public String type() { return TYPE; }

    @Override
    public InputKeys keys() { return HttpKeys.INSTANCE; }

    @Override
    public Input build(InputSpec spec, InputContext context) {
        return new HttpInput(spec, spec.bind() + ":" + spec.port(), context);
    }
}
