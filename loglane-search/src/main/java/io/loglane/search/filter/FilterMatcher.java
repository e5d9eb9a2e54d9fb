package io.loglane.search.filter;

import io.loglane.core.event.RecordView;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Tests records against one {@link FilterPattern}. Records are read through {@link RecordView},
 * the mapping every store uses, so a pattern matches the same events in the live tail, the index
 * and SQL over the archive. The common paths (terms, JSON conditions on scalar fields,
 * space-delimited fields) allocate nothing per record: one matcher is reused for every record.
 *
 * <p>Thread-safety: not thread-safe (it holds scratch buffers); one per thread.
 */
public final class FilterMatcher {
    private final FilterPattern pattern;
    private final RecordTest test;
    private final MessageBytes message = new MessageBytes();
    private LineRecord lines;

    FilterMatcher(FilterPattern pattern) {
        this.pattern = pattern;
        this.test = switch (pattern.node()) {
            case PatternNode.MatchAll all -> (view, m) -> true;
            case PatternNode.Terms terms -> new TermsTest(terms);
            case PatternNode.Regex regex -> new RegexTest(regex);
            case PatternNode.JsonPattern json -> new JsonTest(json);
            case PatternNode.SpaceDelimited space -> new SpaceTest(space);
        };
    }

    public FilterPattern pattern() { return pattern; }

    /**
     * Whether the record {@code view} last {@linkplain RecordView#read read} matches.
     *
     * @throws IOException when the record's bytes are not valid msgpack (stored records are)
     */
    public boolean matches(RecordView view) throws IOException {
        return test.test(view, message.of(view));
    }

    /**
     * Whether the pattern reads nothing of a record but its message (every kind but a JSON
     * pattern): then {@link #matchesMessage} answers for a record from its message alone, so a
     * store that keeps the message apart need not read the record.
     */
    public boolean readsMessageOnly() { return !(test instanceof JsonTest); }

    /**
     * Whether a record whose message is {@code len} UTF-8 bytes of {@code b} from {@code off}
     * ({@code len} 0: none or empty) matches; the same answer as {@link #matches(RecordView)} on the
     * record. Only when {@link #readsMessageOnly}.
     *
     * @throws IllegalStateException when the pattern is a JSON pattern
     */
    public boolean matchesMessage(byte[] b, int off, int len) throws IOException {
        if (!readsMessageOnly()) {
            throw new IllegalStateException("a JSON pattern reads the whole record");
        }
        message.array = b;
        message.offset = off;
        message.length = len;
        return test.test(null, message);
    }

    /**
     * The values a space-delimited pattern extracted from the record of the last {@link #matches}
     * that returned true: {@code $name → field text} per named field, in pattern order, as AWS's
     * TestMetricFilter reports them ({@code "$status": "404"}); empty for the other pattern kinds.
     * Allocates: for answers, not for the hot path.
     */
    public Map<String, String> extractedValues() {
        Map<String, String> out = new LinkedHashMap<>();
        if (test instanceof SpaceTest space) {
            space.extracted(out);
        }
        return out;
    }

    /**
     * Whether a raw log line matches, read as the {@code json} parser reads a line that arrives as
     * a message (a JSON object's fields become the event's fields): what AWS's TestMetricFilter
     * and {@code loglane filter-test} answer. Allocates; not for the hot path.
     */
    public boolean matches(String line) {
        if (lines == null) {
            lines = new LineRecord();
        }
        try {
            return matches(lines.read(line));
        } catch (IOException e) {
            throw new IllegalStateException("a record built from a line is valid msgpack", e);
        }
    }
}
