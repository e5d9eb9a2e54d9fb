package io.loglane.search.filter;

import io.loglane.core.event.RecordView;

/**
 * A standalone {@code %regex%}: a search in the message.
 *
 * <p>Thread-safety: not thread-safe; one per matcher.
 */
final class RegexTest implements RecordTest {
    private final RegexSearch search;

    RegexTest(PatternNode.Regex regex) {
        this.search = new RegexSearch(regex);
    }

    @Override
    public boolean test(RecordView view, MessageBytes m) {
        return search.find(m.array, m.offset, m.length);
    }
}
