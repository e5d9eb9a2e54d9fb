package io.loglane.core.config;

import io.loglane.core.parse.ParserSpec;
import io.loglane.core.parse.Parsers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * The value types of configuration keys: how a YAML node (or a default's text) becomes a typed
 * value, and how the type is named in the configuration reference. Scalars are read as text and
 * parsed here, so a value and its default go through the same validation.
 *
 * <p>Thread-safety: stateless.
 */
public enum ValueType {
    STRING("string") {
        @Override Object parseText(String s) {
            if (s.isBlank()) {
                throw new IllegalArgumentException("must not be empty");
            }
            return s;
        }
    },
    /** Only the YAML 1.2 spellings: {@code yes}/{@code on} are refused rather than guessed. */
    BOOLEAN("true | false") {
        @Override Object parseText(String s) {
            return switch (s) {
                case "true" -> Boolean.TRUE;
                case "false" -> Boolean.FALSE;
                default -> throw new IllegalArgumentException("must be true or false, got \"" + s + "\"");
            };
        }
    },
    PORT("port (0-65535; 0 = any free port)") {
        @Override Object parseText(String s) { return (int) range(s, 0, 65_535); }
    },
    COUNT("integer ≥ 1") {
        @Override Object parseText(String s) { return (int) range(s, 1, Integer.MAX_VALUE); }
    },
    NON_NEGATIVE_LONG("integer ≥ 0") {
        @Override Object parseText(String s) { return range(s, 0, Long.MAX_VALUE); }
    },
    RATE("number ≥ 0 (0 = unlimited)") {
        @Override Object parseText(String s) {
            double d;
            try {
                d = Double.parseDouble(s.replace("_", ""));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad number \"" + s + "\"");
            }
            if (!(d >= 0) || Double.isInfinite(d)) {
                throw new IllegalArgumentException("must be a number ≥ 0, got \"" + s + "\"");
            }
            return d;
        }
    },
    SIZE("size") {
        @Override Object parseText(String s) { return Sizes.parse(s); }
    },
    POSITIVE_SIZE("size > 0") {
        @Override Object parseText(String s) {
            long v = Sizes.parse(s);
            if (v <= 0) {
                throw new IllegalArgumentException("must be greater than 0");
            }
            return v;
        }
    },
    DURATION("duration") {
        @Override Object parseText(String s) { return Durations.parse(s); }
    },
    POSITIVE_DURATION("duration > 0") {
        @Override Object parseText(String s) {
            java.time.Duration d = Durations.parse(s);
            if (d.isZero()) {
                throw new IllegalArgumentException("must be greater than 0");
            }
            return d;
        }
    },
    PATH("path") {
        @Override Object parseText(String s) {
            if (s.isBlank()) {
                throw new IllegalArgumentException("must not be empty");
            }
            try {
                return Path.of(s);
            } catch (java.nio.file.InvalidPathException e) {
                throw new IllegalArgumentException("bad path \"" + s + "\"");
            }
        }
    },
    DURABILITY("memory | disk | sync") {
        @Override Object parseText(String s) {
            for (Durability d : Durability.values()) {
                if (d.label().equals(s)) {
                    return d;
                }
            }
            throw new IllegalArgumentException("unknown durability \"" + s + "\" (use memory, disk or sync)");
        }
    },
    /** A parser or a chain of them; see {@link ParserSpecReader}. A flag or default is one name. */
    PARSER("parser name, list of parsers, or parser mapping") {
        @Override Object read(Node node) { return ParserSpecReader.read(node); }

        @Override Object parseText(String s) {
            if (!Parsers.names().contains(s)) {
                throw new IllegalArgumentException("unknown parser \"" + s + "\" (known: " + String.join(", ", Parsers.kinds()) + ")");
            }
            return ParserSpec.named(s);
        }
    },
    /** A lane's multiline rules; see {@link MultilineReader}. Only the empty default has a text form. */
    MULTILINE("multiline rule or list of them") {
        @Override Object read(Node node) { return MultilineReader.read(node); }

        @Override Object parseText(String s) {
            if (!s.isBlank()) {
                throw new IllegalArgumentException("multiline rules have no text form");
            }
            return io.loglane.core.parse.MultilineSpec.NONE;
        }
    },
    /** One of the registered input types; the key's {@link ConfigKey.Choices} names them. */
    INPUT_TYPE("input type") {
        @Override Object parseText(String s) { return STRING.parseText(s); }
    },
    /** A list of destination (store) names; the key's {@link ConfigKey.Choices} names the registered ones. */
    DESTINATIONS("list of destinations") {
        @Override Object read(Node node) { return List.copyOf(YamlNodes.strings(node)); }

        @Override Object parseText(String s) {
            List<String> out = new ArrayList<>();
            for (String part : s.split(",")) {
                if (!part.isBlank()) {
                    out.add(part.trim());
                }
            }
            return List.copyOf(out);
        }
    },
    /** A list of strings (a YAML sequence, or a comma-separated text for defaults and flags): e.g. a tail's globs. */
    STRINGS("list of strings") {
        @Override Object read(Node node) { return List.copyOf(YamlNodes.strings(node)); }

        @Override Object parseText(String s) { return DESTINATIONS.parseText(s); }
    },
    /** A list of {@link UserPassword}s ({@code [{username, password}]}); see {@link UsersReader}. Only the empty default has a text form. */
    USERS("list of {username, password}") {
        @Override Object read(Node node) { return UsersReader.read(node); }

        @Override Object parseText(String s) { return emptyOnly(s, "users"); }
    },
    /** API tokens ({@code server.auth.tokens}); see {@link ApiTokenReader}. Only the empty default has a text form. */
    API_TOKENS("list of {name, sha256, scopes, rate}") {
        @Override Object read(Node node) { return ApiTokenReader.read(node); }

        @Override Object parseText(String s) { return emptyOnly(s, "tokens"); }
    },
    /** A list of routing rules; see {@link MatchRuleReader} for the syntax. */
    MATCH_RULES("list of match rules") {
        @Override Object read(Node node) { return MatchRuleReader.read(node); }

        @Override Object parseText(String s) { return emptyOnly(s, "match rules"); }
    };

    /** The text form of a list type that has none: only the empty default. */
    private static List<Object> emptyOnly(String s, String what) {
        if (!s.isBlank()) {
            throw new IllegalArgumentException(what + " have no text form");
        }
        return List.of();
    }

    private final String label;

    ValueType(String label) { this.label = label; }

    /** How the configuration reference names this type. */
    public String label() { return label; }

    /** Reads a YAML node; the default reads a scalar's text with {@link #parseText}. */
    Object read(Node node) {
        String text = YamlNodes.scalar(node);
        try {
            return parseText(text);
        } catch (IllegalArgumentException e) {
            throw new ConfigValueException(node, "", e.getMessage());
        }
    }

    /**
     * Parses a textual value (a scalar, a flag or a key's default).
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    abstract Object parseText(String text);

    private static long range(String s, long min, long max) {
        long v;
        try {
            v = Long.parseLong(s.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad integer \"" + s + "\"");
        }
        if (v < min || v > max) {
            throw new IllegalArgumentException("must be between " + min + " and " + max + ", got " + v);
        }
        return v;
    }
}
