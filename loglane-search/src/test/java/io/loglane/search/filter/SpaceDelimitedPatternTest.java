package io.loglane.search.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.Arguments;

/** Space-delimited patterns (FILTER-PATTERNS.md §4 and ambiguities 1, 9, 10). */
class SpaceDelimitedPatternTest extends PatternTableTest {
    /** S1's example access line: 7 fields, [..] and ".." taken whole. */
    static final String OK = "127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] \"GET /apache_pb.gif HTTP/1.0\" 200 1534";
    static final String NOT_FOUND = "127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] \"GET /index.html HTTP/1.0\" 404 1534";
    static final String GONE = "10.0.0.9 - - [10/Oct/2000:13:25:15 -0700] \"GET /old HTTP/1.0\" 410 -";

    static Stream<Arguments> examples() {
        return Stream.of(
                // named fields, positional (S1)
                row("[ip, user, username, timestamp, request, status_code, bytes]", OK, true),
                row("[ip, user, username, timestamp, request, status_code = 200, bytes]", OK, true),
                row("[ip, user, username, timestamp, request, status_code = 4*, bytes]", OK, false),
                row("[ip, user, username, timestamp, request, status_code = 4*, bytes]", NOT_FOUND, true),
                // the enclosing quotes/brackets are not part of the value (S1 extracted values)
                row("[ip, user, username, timestamp = \"10/Oct/2000:13:25:15 -0700\", request, status_code, bytes]", OK, true),
                row("[ip, user, username, timestamp, request = \"GET /apache_pb.gif HTTP/1.0\", status_code, bytes]", OK, true),
                row("[ip, user, username, timestamp, request = *.html*, status_code = 404, bytes]", NOT_FOUND, true),
                row("[ip, user, username, timestamp, request = *.html*, status_code = 404, bytes]", OK, false),
                // S7 Counting404Responses
                row("[IP, UserInfo, User, Timestamp, RequestInfo, StatusCode=404, Bytes]", NOT_FOUND, true),
                row("[IP, UserInfo, User, Timestamp, RequestInfo, StatusCode=404, Bytes]", OK, false),
                // ... at the start, middle, end
                row("[..., status_code = 404, bytes]", NOT_FOUND, true),
                row("[ip, ..., status_code = 404, bytes]", NOT_FOUND, true),
                row("[ip = 127.0.0.1, ...]", OK, true),
                row("[ip = 127.0.0.2, ...]", OK, false),
                row("[ip, user, ..., status_code = 404 || status_code = 410, bytes]", GONE, true),
                row("[ip, user, ..., status_code = 404 || status_code = 410, bytes]", OK, false),
                row("[..., request = %GET%, ...]", OK, true),
                row("[...]", OK, true),
                row("[..., x = 9999, ...]", OK, false),
                // numeric comparisons; a non-number fails them (derived)
                row("[..., bytes > 1000]", OK, true),
                row("[..., bytes > 2000]", OK, false),
                row("[..., status_code >= 400 && status_code < 500, bytes]", NOT_FOUND, true),
                row("[..., status_code >= 400 && status_code < 500, bytes]", OK, false),
                row("[..., bytes > 0]", GONE, false),
                row("[..., bytes != 0]", GONE, true),
                // regex values, anchored at the field (derived from the url example)
                row("[method, url = %/service/resource/[0-9]+$%, status]", "GET /service/resource/42 200", true),
                row("[method, url = %/service/resource/[0-9]+$%, status]", "GET /service/resource/42/x 200", false),
                // && and || on one field (S1)
                row("[w1!=ERROR && w1!=WARNING, w2]", "INFO started", true),
                row("[w1!=ERROR && w1!=WARNING, w2]", "WARNING disk", false),
                row("[w1=ERROR || w1=WARN, w2]", "WARN disk", true),
                // ambiguity 1: the field count must match without ... (S4)
                row("[w1=ERROR, w2]", "ERROR message", true),
                row("[w1=ERROR, w2]", "ERROR WARN message", false),
                row("[w1=ERROR, ...]", "ERROR WARN message", true),
                // fewer event fields than slots (derived); case sensitive (derived)
                row("[a, b, c]", "one two", false),
                row("[w1=error, w2]", "ERROR message", false),
                // ambiguity 10: runs of spaces and tabs are one separator; a trailing newline is no field
                row("[a, b = two, c]", "one   two\tthree\n", true),
                // an unclosed quote takes the rest of the line
                row("[a, b = \"two three\"]", "one \"two three", true));
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                error("[a, b", "Missing ']' at the end of the space-delimited pattern", 5),
                error("[a,, b]", "Expected a field name or '...'", 3),
                error("[]", "Expected a field name or '...'", 1),
                error("[a b]", "Expected ',' or ']'", 3),
                error("[a] x", "Unexpected text after the space-delimited pattern", 4),
                error("[request, status_code = 4* && bytes > 1000]", "Condition on 'bytes' in the slot of field 'status_code': each field takes its own slot", 30),
                error("[a = %x%, b = %y%, c = %z%]", "At most 2 regular expressions are allowed in a pattern", 23),
                error("[a > x]", "Expected a number after '>'", 5),
                error("[a = (x)]", "Invalid character(s) in term '('", 5),
                error("[a.b]", "Invalid character(s) in term '.'", 2),
                error("[a = 1 &&]", "Expected a field name or '...'", 9));
    }

    @Test
    void namedFieldsAreExtractedAsTestMetricFilterReportsThem() {
        FilterMatcher m = FilterPattern.compile("[ip, user, username, timestamp, request, status_code, bytes]").matcher();
        assertThat(m.matches(OK)).isTrue();
        // S1's extracted values for this line
        assertThat(m.extractedValues()).containsExactly(
                entry("$ip", "127.0.0.1"), entry("$user", "-"), entry("$username", "frank"),
                entry("$timestamp", "10/Oct/2000:13:25:15 -0700"), entry("$request", "GET /apache_pb.gif HTTP/1.0"),
                entry("$status_code", "200"), entry("$bytes", "1534"));
    }

    @Test
    void anEllipsisTakesAsFewFieldsAsTheMatchAllows() {
        FilterMatcher m = FilterPattern.compile("[ip, ..., status_code = 4*, ...]").matcher();
        assertThat(m.matches(NOT_FOUND)).isTrue();
        assertThat(m.extractedValues()).containsExactly(entry("$ip", "127.0.0.1"), entry("$status_code", "404"));
        FilterMatcher w = FilterPattern.compile("[a, ..., b = x*]").matcher();
        assertThat(w.matches("1 x1 2 x2")).isTrue();
        assertThat(w.extractedValues()).containsExactly(entry("$a", "1"), entry("$b", "x2"));
    }

    @Test
    void otherPatternKindsExtractNothing() {
        FilterMatcher m = FilterPattern.compile("{ $.a = 1 }").matcher();
        assertThat(m.matches("{\"a\": 1}")).isTrue();
        assertThat(m.extractedValues()).isEmpty();
    }
}
