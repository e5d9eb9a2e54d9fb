package io.loglane.inputs.container;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What Docker's {@code config.v2.json} (beside a container's {@code -json.log}) says of the
 * container: its name ({@code Name} without the leading {@code /}), image ({@code Config.Image})
 * and labels ({@code Config.Labels}). Any of them may be null: the file is missing (another layout,
 * no permission), unreadable or not the expected JSON, and then the records carry the id only.
 *
 * @param name   the container's name, or null
 * @param image  the image it runs, or null
 * @param labels its labels (empty when none)
 */
record DockerContainer(String name, String image, Map<String, String> labels) {
    static final String CONFIG_FILE = "config.v2.json";
    static final DockerContainer UNKNOWN = new DockerContainer(null, null, Map.of());
    private static final ObjectMapper JSON = new ObjectMapper();

    DockerContainer {
        labels = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(labels)); // sorted: the same record bytes on every read
    }

    /** Reads {@code config}; {@link #UNKNOWN} when it is missing or not a container's configuration. */
    static DockerContainer read(Path config) {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(config));
        } catch (IOException | RuntimeException e) {
            return UNKNOWN;
        }
        if (root == null || !root.isObject()) {
            return UNKNOWN;
        }
        String name = text(root.get("Name"));
        if (name != null && name.startsWith("/")) {
            name = name.substring(1);
        }
        JsonNode cfg = root.path("Config");
        Map<String, String> labels = new LinkedHashMap<>();
        cfg.path("Labels").fields().forEachRemaining(e -> {
            if (e.getValue().isValueNode()) {
                labels.put(e.getKey(), e.getValue().asText());
            }
        });
        return new DockerContainer(name == null || name.isEmpty() ? null : name, text(cfg.get("Image")), labels);
    }

    private static String text(JsonNode n) {
        return n != null && n.isTextual() ? n.asText() : null;
    }
}
