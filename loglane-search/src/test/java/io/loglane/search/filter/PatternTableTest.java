package io.loglane.search.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A table-driven test of one pattern kind: each subclass declares {@code static examples()}
 * (pattern, raw event line, expected answer) and {@code static invalid()} (pattern, reason,
 * 0-based position), and gets both checked.
 */
abstract class PatternTableTest {

    /** One example row: pattern, raw event line, whether it matches. */
    static Arguments row(String pattern, String event, boolean expected) {
        return Arguments.of(pattern, event, expected);
    }

    /** One invalid pattern: the error's reason and position. */
    static Arguments error(String pattern, String reason, int position) {
        return Arguments.of(pattern, reason, position);
    }

    @ParameterizedTest(name = "[{index}] {0} on {1} -> {2}")
    @MethodSource("examples")
    void matchesAsDocumented(String pattern, String event, boolean expected) {
        assertThat(FilterPattern.compile(pattern).matcher().matches(event)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("invalid")
    void invalidPatternsNameWhatAndWhere(String pattern, String reason, int position) {
        assertThatThrownBy(() -> FilterPattern.compile(pattern))
                .isInstanceOfSatisfying(FilterPatternException.class, e -> {
                    assertThat(e.reason()).isEqualTo(reason);
                    assertThat(e.position()).isEqualTo(position);
                    assertThat(e.getMessage()).isEqualTo(reason + " at index " + position);
                });
    }
}
