package io.loglane.core.config;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Internal: the values of every file read so far, keyed by schema path, before defaults and
 * cross-checks. Later files write over earlier ones:
 * <ul>
 *   <li>settings ({@code server.*}, {@code stream.*}, …): the later value wins, key by key;</li>
 *   <li>inputs: keyed by name; a later input with the same name replaces the earlier one whole
 *       (and keeps its place in the list); new names are appended;</li>
 *   <li>lanes: keyed by name; a later declaration replaces only the leaf keys it sets
 *       ({@code retention.age} without {@code retention.size} keeps the earlier size). List-valued
 *       keys ({@code match}, {@code to}) are replaced whole, never merged. New lanes are appended.</li>
 * </ul>
 *
 * <p>Thread-safety: not thread-safe; one per load.
 */
final class ConfigLayers {
    /** A value and where it was written. */
    record Setting(Object value, ConfigOrigin origin) {}

    /** One input item: its type and its keys (schema paths, e.g. {@code inputs[forward].port}). */
    record InputLayer(String type, String name, Map<String, Setting> values, ConfigOrigin origin) {}

    /** One lane's keys (schema paths, e.g. {@code lanes.<name>.retention.age}) across files. */
    static final class LaneLayer {
        final Map<String, Setting> values = new LinkedHashMap<>();
        ConfigOrigin origin;
    }

    final Map<String, Setting> settings = new LinkedHashMap<>();
    final Map<String, InputLayer> inputs = new LinkedHashMap<>();
    final Map<String, LaneLayer> lanes = new LinkedHashMap<>();
    /** Name of the last file applied, for errors about the layered result. */
    String lastFile = "(none)";
}
