package io.loglane.core.lifecycle;

import io.loglane.core.config.InputKeys;
import io.loglane.core.config.InputSpec;

/**
 * One kind of input ({@code type: forward}, {@code type: http}, later {@code tail}): builds a
 * {@link Input} from a validated {@code inputs:} entry. Its config keys, with their bounds and
 * defaults, its listener and its derived defaults are its {@link #keys()}, which
 * the application puts in the {@link io.loglane.core.config.ConfigCatalog} it loads with; the loader has checked every key
 * before {@link #build} runs, so building does not validate again.
 *
 * <p>Thread-safety: stateless; {@link #build} may be called for several entries.
 */
public interface InputType {
    /** The {@code type:} value this builds. */
    String type();

    /** The configuration side of this type, which the application's {@link io.loglane.core.config.ConfigCatalog} lists. */
    InputKeys keys();

    /**
     * A new, not yet started input for {@code spec}.
     *
     * @param spec an entry whose {@link InputSpec#type()} is {@link #type()}
     */
    Input build(InputSpec spec, InputContext context);
}
