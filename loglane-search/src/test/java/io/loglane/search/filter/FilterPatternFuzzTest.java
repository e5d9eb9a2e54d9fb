package io.loglane.search.filter;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzz target (scripts/fuzz.sh): the CloudWatch Logs filter-pattern parser and matcher. The input's
 * first line is the pattern, each further line an event as {@code POST /api/v1/filter/test} and
 * {@code loglane tail} match them. Properties: a pattern compiles or fails with a
 * {@link FilterPatternException} whose position lies in the pattern; matching never throws; for
 * patterns that read only the message, matching the message bytes agrees with matching the line.
 */
class FilterPatternFuzzTest {
    @FuzzTest
    void compilesAndMatchesAnything(byte[] input) throws IOException {
        String[] lines = new String(input, StandardCharsets.UTF_8).split("\n", -1);
        FilterPattern pattern;
        try {
            pattern = FilterPattern.compile(lines[0]);
        } catch (FilterPatternException e) {
            assertThat(e.position()).as(e.getMessage()).isBetween(0, Math.max(lines[0].length(), FilterPattern.MAX_LENGTH));
            return;
        }
        FilterMatcher matcher = pattern.matcher();
        for (int i = 1; i < lines.length; i++) {
            boolean line = matcher.matches(lines[i]);
            if (line) { // extracted values are defined after a match only (as the filter-test API asks for them)
                matcher.extractedValues();
            }
            if (matcher.readsMessageOnly() && !lines[i].startsWith("{")) {
                byte[] b = lines[i].getBytes(StandardCharsets.UTF_8);
                assertThat(matcher.matchesMessage(b, 0, b.length)).as("pattern %s, message %s", lines[0], lines[i]).isEqualTo(line);
            }
        }
    }
}
