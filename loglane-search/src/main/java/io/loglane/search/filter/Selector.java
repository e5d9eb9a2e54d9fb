package io.loglane.search.filter;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A JSON property selector: {@code $.a.b}, {@code $.a[0]}, {@code $['key.with.dots']},
 * {@code $.a[*].b} / {@code $.a.*}. {@code text} as written.
 *
 * <p>Thread-safety: immutable.
 */
public record Selector(String text, List<Step> steps, int position) {
    public Selector {
        steps = List.copyOf(steps);
    }

    /** One step down from the object or array reached so far. */
    public sealed interface Step {}

    /** A property by name; {@code utf8} is the name's bytes, compared in place with the record's keys. */
    public record Key(String name) implements Step {
        public byte[] utf8() { return name.getBytes(StandardCharsets.UTF_8); }
    }

    /** An array element, 0-based. */
    public record Index(int index) implements Step {}

    /** Every property or element ({@code [*]}, {@code .*}). */
    public record Any() implements Step {}

    /** How many wildcard steps the selector has. */
    public long wildcards() { return steps.stream().filter(s -> s instanceof Any).count(); }
}
