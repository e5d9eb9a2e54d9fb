package io.loglane.core.config;

/**
 * Renders the configuration reference from a {@link ConfigSchema} (the build's shared keys and the
 * keys of its registered input and store types), so the documentation can never disagree with what
 * the loader accepts.
 *
 * <p>Thread-safety: stateless.
 */
public final class ConfigReference {
    private ConfigReference() {}

    /** A Markdown document: one table per section, a row per key (key, type, default, description). */
    public static String markdown(ConfigSchema schema) {
        StringBuilder sb = new StringBuilder();
        sb.append("# loglane configuration reference\n\n")
                .append("Generated from the key table in `io.loglane.core.config.ConfigSchema`. ")
                .append("Durations: `500ms`, `30s`, `15m`, `12h`, `90d`, `1y` (365 days). ")
                .append("Sizes: `512`, `64KiB`, `16MiB`, `10GiB` (binary) or `1GB` (decimal). ")
                .append("Several `--config` files are layered in order: later files add inputs ")
                .append("(an input with the same `name` replaces the earlier one), override the keys they set ")
                .append("in a lane of the same name (lists such as `match` and `to` are replaced whole), and ")
                .append("override settings. Unknown keys are errors. Lane names: `").append(LaneNames.PATTERN.pattern())
                .append("` (").append(LaneNames.RULE).append("), not `")
                .append(String.join("`, `", ConfigSchema.RESERVED_LANE_NAMES))
                .append("`; a `default` lane must exist. Destinations: `")
                .append(String.join("`, `", schema.destinations())).append("`.\n");
        String section = null;
        for (ConfigKey k : schema.keys()) {
            String s = sectionOf(k.path());
            if (!s.equals(section)) {
                section = s;
                sb.append("\n## `").append(s).append("`\n\n")
                        .append("| key | type | default | description |\n")
                        .append("|---|---|---|---|\n");
            }
            sb.append("| `").append(k.path()).append("` | ").append(k.typeLabel().replace("|", "\\|")).append(" | ")
                    .append(k.defaultText() == null ? "—" : k.defaultText().isEmpty() ? "(empty)" : "`" + k.defaultText() + "`")
                    .append(" | ").append(k.doc().replace("|", "\\|")).append(" |\n");
        }
        return sb.toString();
    }

    private static String sectionOf(String path) {
        int dot = path.indexOf('.');
        String first = path.substring(0, dot);
        return first.startsWith("inputs") ? "inputs" : first;
    }
}
