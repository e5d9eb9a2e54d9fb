package io.loglane.app.api;

import io.loglane.core.config.InputKeys;
import io.loglane.core.config.InputSpec;
import io.loglane.core.lifecycle.Input;
import io.loglane.core.lifecycle.InputContext;
import io.loglane.core.lifecycle.InputType;
import io.loglane.inputs.http.HttpKeys;

/**
 * {@code type: http}: {@code POST /api/v1/ingest/{tag}} on the one HTTP port. It has no listener
 * of its own: {@link HttpApi} serves the route under this input's name (a node whose
 * {@code inputs:} lists no http input answers the route with 404), and stops with the API, which
 * the node closes right after the inputs.
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
        return new HttpIngestInput(spec.name(), spec.bind() + ":" + spec.port());
    }

    /** The declared http input: a name for the route's meters and sources; the API does the serving. */
    private record HttpIngestInput(String name, String address) implements Input {
        @Override
        public void start() {}

        @Override
        public void close() {}

        @Override
        public String describe() { return "POST /api/v1/ingest/{tag} on the HTTP port (" + address + ")"; }
    }
}
