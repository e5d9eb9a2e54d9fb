package io.loglane.search.filter;

import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * Every example row of the pattern tables (pattern, raw event line, expected answer), for checks
 * that another implementation of the filter language (SQL over the archive) agrees with them.
 */
public final class PatternExamples {
    private PatternExamples() {}

    public static Stream<Arguments> all() {
        return Stream.of(TermsPatternTest.examples(), RegexPatternTest.examples(), JsonPatternTest.examples(),
                SpaceDelimitedPatternTest.examples()).flatMap(s -> s);
    }
}
