package io.loglane.search.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Bad input never escapes as anything but a {@link FilterPatternException} with a position inside
 * the pattern: random patterns built from the syntax's own pieces (seeded; the seed and pattern
 * are printed on failure), then matched against sample lines, which must never throw.
 */
class FilterPatternFuzzTest {
    private static final String[] PIECES = {
            "{", "}", "[", "]", "(", ")", "$", ".", "$.", "a", "b1", "_", ",", " ", " ", "=", "!=", "<", ">=", "&&", "||",
            "%", "\"", "'", "*", "?", "-", "\\", "\\d", "\\x2", "{2,}", "...", "IS", " NULL", " NOT", " EXISTS", " TRUE",
            "1", "1e+3", "-2.5", "é", "[0]", "[*]", "['x.y']", ":", "/", "@", "\t"};
    private static final String[] LINES = {
            "", "plain ERROR line", "{\"a\": 1, \"b1\": [1, {\"x.y\": \"z\"}], \"_\": null}", "a b1 _ 1 \"q q\" [x y]",
            "{\"a\": \"é\", \"b1\": true}", "{not json"};

    @Test
    void randomPatternsCompileOrFailWithAPositionAndNeverBreakMatching() {
        long seed = System.nanoTime();
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int n = 0; n < 20_000; n++) {
            String pattern = randomPattern(rnd);
            try {
                FilterMatcher m = FilterPattern.compile(pattern).matcher();
                for (String line : LINES) {
                    m.matches(line);
                    m.extractedValues();
                }
            } catch (FilterPatternException e) {
                assertThat(e.position()).as("seed %d pattern %s", seed, pattern).isBetween(0, pattern.length());
            } catch (RuntimeException | StackOverflowError e) {
                fail("seed " + seed + " pattern <" + pattern + ">: " + e, e);
            }
        }
    }

    private static String randomPattern(SplittableRandom rnd) {
        StringBuilder sb = new StringBuilder();
        for (int k = rnd.nextInt(1, 14); k > 0; k--) {
            sb.append(PIECES[rnd.nextInt(PIECES.length)]);
        }
        return sb.toString();
    }

    @Test
    void aPatternThatReadsOnlyTheMessageAnswersFromTheMessageBytesAsFromTheRecord() throws Exception {
        long seed = System.nanoTime();
        SplittableRandom rnd = new SplittableRandom(seed);
        int compared = 0;
        for (int n = 0; n < 20_000; n++) {
            String pattern = randomPattern(rnd);
            FilterMatcher m;
            try {
                m = FilterPattern.compile(pattern).matcher();
            } catch (FilterPatternException e) {
                continue;
            }
            if (!m.readsMessageOnly()) {
                continue;
            }
            for (String line : LINES) {
                byte[] b = ("xx" + line).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                assertThat(m.matchesMessage(b, 2, b.length - 2)).as("seed %d pattern <%s> line <%s>", seed, pattern, line)
                        .isEqualTo(m.matches(line));
                compared++;
            }
        }
        assertThat(compared).as("random patterns of terms, regexes and space-delimited fields were compared").isGreaterThan(1000);
        assertThat(FilterPattern.compile("{ $.a = 1 }").matcher().readsMessageOnly()).isFalse();
    }

    @Test
    void deeplyNestedParenthesesAreParsedWithinTheLengthLimit() {
        String open = "(".repeat(500);
        String close = ")".repeat(500);
        FilterMatcher m = FilterPattern.compile("{" + open + "$.a=1" + close + "}").matcher();
        assertThat(m.matches("{\"a\": 1}")).isTrue();
    }
}
