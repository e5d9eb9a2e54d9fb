package io.loglane.it;

import java.util.Map;

/**
 * Reads values out of a Prometheus text exposition ({@code GET /metrics}) without a client
 * library: a sample line is {@code name{k="v",...} value}.
 *
 * <p>Thread-safety: stateless.
 */
final class PrometheusText {
    private PrometheusText() {}

    /**
     * Sum of every sample of {@code name} whose labels include all of {@code labels}; 0 when there
     * is none (a counter that was never registered has not counted anything).
     */
    static double sum(String exposition, String name, Map<String, String> labels) {
        double total = 0;
        for (String line : exposition.split("\n")) {
            if (line.startsWith("#") || !line.startsWith(name)) {
                continue;
            }
            int brace = line.indexOf('{');
            int space = line.lastIndexOf(' ');
            String metric = brace > 0 ? line.substring(0, brace) : line.substring(0, space);
            if (!metric.equals(name)) {
                continue;
            }
            String labelText = brace > 0 ? line.substring(brace, line.lastIndexOf('}') + 1) : "";
            boolean all = labels.entrySet().stream()
                    .allMatch(e -> labelText.contains(e.getKey() + "=\"" + e.getValue() + "\""));
            if (all) {
                total += Double.parseDouble(line.substring(space + 1));
            }
        }
        return total;
    }

    /** True when a sample line (not only HELP/TYPE) of {@code name} is present. */
    static boolean hasSample(String exposition, String name) {
        for (String line : exposition.split("\n")) {
            if (!line.startsWith("#") && (line.startsWith(name + "{") || line.startsWith(name + " "))) {
                return true;
            }
        }
        return false;
    }
}
