package io.loglane.app.search;

import io.loglane.search.filter.FilterMatcher;
import io.loglane.search.filter.FilterPattern;
import java.util.Optional;

/**
 * Tests raw log lines against one filter pattern, numbering them from 1 as AWS's TestMetricFilter
 * does: the one implementation behind {@code POST /api/v1/filter/test} and
 * {@code ./loglane filter-test}. A line is read as the event the stores would hold
 * ({@link FilterMatcher#matches(String)}).
 *
 * <p>Thread-safety: not thread-safe (it holds a matcher); one per request or command.
 */
public final class FilterTester {
    private final FilterMatcher matcher;
    private int number;

    /** @throws io.loglane.search.filter.FilterPatternException when the pattern is not valid */
    public FilterTester(String pattern) {
        this.matcher = FilterPattern.compile(pattern).matcher();
    }

    /** Tests the next line (numbered one past the previous); the match when it matches. */
    public Optional<FilterTestMatch> next(String line) {
        number++;
        if (!matcher.matches(line)) {
            return Optional.empty();
        }
        return Optional.of(new FilterTestMatch(number, line, matcher.extractedValues()));
    }
}
