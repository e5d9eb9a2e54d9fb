package io.loglane.app.health;

import java.util.Locale;

/**
 * Where a node is in its life, for readiness: {@code GET /readyz} answers 200 only while
 * {@link #READY}.
 *
 * <p>Thread-safety: immutable.
 */
public enum NodePhase {
    /** Recovering the stream or binding listeners: some input may not accept yet. */
    STARTING,
    /** Recovery done and every listener bound. */
    READY,
    /** Shutting down: inputs stop accepting, delivery drains. */
    STOPPING;

    /** The name in health bodies. */
    public String label() { return name().toLowerCase(Locale.ROOT); }
}
