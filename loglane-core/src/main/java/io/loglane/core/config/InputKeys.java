package io.loglane.core.config;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The configuration side of one input type: the keys an {@code inputs:} item of that type may
 * carry (with their bounds and defaults), its listener fact for the port-clash check, and the
 * derived defaults and cross-key checks only the type knows. The {@link ConfigSchema} of a
 * {@link ConfigCatalog} listing the type assembles its {@code inputs[<type>].} rows, and {@link ConfigReference} its reference table, from these; the
 * loader's assembler has no type-specific code.
 *
 * <p>Thread-safety: implementations are immutable.
 */
public interface InputKeys {
    /** The {@code type:} value. */
    String type();

    /** One sentence for the {@code inputs[].type} reference row: what this type is. */
    String summary();

    /** The type's own keys, each path {@code inputs[<type>].<key>}, in reference order. */
    List<ConfigKey> keys();

    /**
     * The key (relative, e.g. {@code port}) holding the type's own listen port, its address being
     * key {@code bind} when declared (else {@code server.bind}); null when the input is served on
     * {@code server.http_port}, in which case at most one input of the type may be declared.
     */
    String portKey();

    /**
     * False for a type that listens on nothing (a file tail): its items get neither a port nor the
     * one-per-node rule of {@link #portKey()} null, and their {@link InputSpec} has no bind address
     * and port -1.
     */
    default boolean listens() { return true; }

    /**
     * Fills derived defaults into {@code options} and checks what spans several keys. Runs after
     * every written value passed its key's own check.
     *
     * @param options every key (relative name) with its written value or fixed default, except the
     *                listener keys; mutable
     * @param written the keys the layers actually set
     * @param problems where a problem is reported, under a relative key
     */
    default void complete(Map<String, Object> options, Set<String> written, Problems problems) {}

    /** Receives problems found by {@link #complete}; the loader places them at the key's file and line. */
    @FunctionalInterface
    interface Problems {
        void add(String key, String message);
    }
}
