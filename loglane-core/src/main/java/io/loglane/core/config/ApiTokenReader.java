package io.loglane.core.config;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;

/**
 * Reads {@code server.auth.tokens} into {@link ApiTokenSpec}s. Each item is a mapping:
 * <pre>
 *   - name: fluent-bit                 # unique label (letters, digits, '_', '.', '-')
 *     sha256: 9f86d081884c7d65…        # hex SHA-256 of the token (./loglane token hash prints it)
 *     scopes: [ingest]                 # ingest | read | admin, at least one
 *     rate: 50                         # optional: requests per second, 0 (default) = unlimited
 * </pre>
 * A value that looks like a token rather than a hash is refused, so a secret is not left in the
 * file by mistake.
 *
 * <p>Thread-safety: stateless.
 */
final class ApiTokenReader {
    private static final Pattern HEX64 = Pattern.compile("[0-9a-fA-F]{64}");

    private ApiTokenReader() {}

    static List<ApiTokenSpec> read(Node node) {
        List<Node> items = YamlNodes.items(node);
        List<ApiTokenSpec> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Set<String> hashes = new HashSet<>();
        for (int i = 0; i < items.size(); i++) {
            try {
                ApiTokenSpec t = readToken(items.get(i));
                if (!names.add(t.name())) {
                    throw new ConfigValueException(items.get(i), ".name", "another token is already named \"" + t.name() + "\"");
                }
                if (!hashes.add(t.sha256())) {
                    throw new ConfigValueException(items.get(i), ".sha256", "the same hash is configured for two tokens");
                }
                out.add(t);
            } catch (ConfigValueException e) {
                throw new ConfigValueException(e.node(), "[" + i + "]" + e.subKey(), e.getMessage());
            }
        }
        return List.copyOf(out);
    }

    private static ApiTokenSpec readToken(Node item) {
        MappingNode m;
        try {
            m = YamlNodes.mapping(item);
        } catch (ConfigValueException e) {
            throw new ConfigValueException(item, "", "a token is a mapping: {name, sha256, scopes, rate}");
        }
        String name = null;
        String sha = null;
        Set<ApiScope> scopes = null;
        double rate = 0;
        for (NodeTuple t : YamlNodes.entries(m)) {
            String k = YamlNodes.key(t);
            Node v = t.getValueNode();
            try {
                switch (k) {
                    case "name" -> {
                        name = YamlNodes.scalar(v);
                        if (!ConfigSchema.INPUT_NAME.matcher(name).matches()) {
                            throw new ConfigValueException(v, "", "bad token name \"" + name + "\" (letters, digits, '_', '.', '-')");
                        }
                    }
                    case "sha256" -> {
                        sha = YamlNodes.scalar(v);
                        if (!HEX64.matcher(sha).matches()) {
                            // never echo the value: it may be the token itself
                            throw new ConfigValueException(v, "", "must be the 64 hex digits of the token's SHA-256 (print it with"
                                    + " `./loglane token hash`), not the token itself");
                        }
                        sha = sha.toLowerCase(Locale.ROOT);
                    }
                    case "scopes" -> scopes = scopes(v);
                    case "rate" -> rate = (Double) ValueType.RATE.read(v);
                    default -> throw new ConfigValueException(t.getKeyNode(), "", "unknown key (known here: name, sha256, scopes, rate)");
                }
            } catch (ConfigValueException e) {
                throw new ConfigValueException(e.node(), "." + k + e.subKey(), e.getMessage());
            }
        }
        if (name == null) {
            throw new ConfigValueException(item, ".name", "required");
        }
        if (sha == null) {
            throw new ConfigValueException(item, ".sha256", "required");
        }
        if (scopes == null) {
            throw new ConfigValueException(item, ".scopes", "required (some of: " + String.join(", ", ApiScope.labels()) + ")");
        }
        return new ApiTokenSpec(name, sha, scopes, rate);
    }

    private static Set<ApiScope> scopes(Node node) {
        List<String> names = YamlNodes.strings(node);
        if (names.isEmpty()) {
            throw new ConfigValueException(node, "", "at least one scope (some of: " + String.join(", ", ApiScope.labels()) + ")");
        }
        Set<ApiScope> out = EnumSet.noneOf(ApiScope.class);
        List<Node> items = YamlNodes.items(node);
        for (int i = 0; i < names.size(); i++) {
            try {
                out.add(ApiScope.of(names.get(i)));
            } catch (IllegalArgumentException e) {
                throw new ConfigValueException(items.get(i), "[" + i + "]", e.getMessage());
            }
        }
        return out;
    }
}
