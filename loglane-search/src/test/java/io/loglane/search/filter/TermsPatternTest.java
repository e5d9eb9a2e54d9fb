package io.loglane.search.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.Arguments;

/** Unstructured terms (FILTER-PATTERNS.md §0, §1 and ambiguities 3, 8): every example as a row. */
class TermsPatternTest extends PatternTableTest {

    static Stream<Arguments> examples() {
        return Stream.of(
                // §1 substring, case sensitive, no word boundary (S4)
                row("ERROR", "Exiting with ERRORCODE: -1", true),
                row("Exception", "java.lang.IllegalArgumentException: bad", true),
                row("ERROR", "[error] lower case", false),
                row("error", "ERROR upper case", false),
                // several terms: AND, any order, not adjacent (S4)
                row("Failed to process the request", "[ERROR] Failed to process the request", true),
                row("Failed to process the request", "the request: process Failed, to be retried", true),
                row("Failed to process the request", "[ERROR] Failed to process it", false),
                // quoted phrase: exact, spaces and punctuation included
                row("\"Failed to process\"", "[ERROR] Failed to process the request", true),
                row("\"Failed to process\"", "[ERROR] Failed to  process the request", false),
                row("\"ERROR: -1\"", "Exiting with ERRORCODE: -1", false),
                row("\"ERRORCODE: -1\"", "Exiting with ERRORCODE: -1", true),
                row("\"say \\\"hi\\\"\"", "they say \"hi\" twice", true),
                // exclusion; exclusions only match every event lacking them (S6)
                row("-ERROR", "INFO all good", true),
                row("-ERROR", "ERROR not good", false),
                row("ERROR -timeout", "ERROR timeout talking to db", false),
                row("ERROR -timeout", "ERROR refused by db", true),
                row("-\"connection reset\"", "ERROR connection reset", false),
                row("-\"connection reset\"", "ERROR connection refused", true),
                // ?: any of (S1, S6)
                row("?ERROR ?Exception", "NullPointerException", true),
                row("?ERROR ?Exception", "ERROR x", true),
                row("?ERROR ?Exception", "WARN x", false),
                // ? mixed with plain terms: the ? terms are ignored (S1 note)
                row("?ERROR ?ARGUMENTS REQUEST", "REQUEST done", true),
                row("?ERROR ?ARGUMENTS REQUEST", "ERROR ARGUMENTS", false),
                // ambiguity 3: ? mixed with exclusions only: ignored as well, leaving -WARN
                row("?ERROR -WARN", "INFO x", true),
                row("?ERROR -WARN", "WARN ERROR", false),
                // match everything (S1, S5, S6, S7)
                row("", "anything", true),
                row("   ", "anything", true),
                row("\" \"", "nospaceshere", true),
                row(" \" \" ", "nospaceshere", true),
                // a phrase of one space beside other terms is literal text
                row("a \" \"", "abc", false),
                // a plain term also searches the raw text of a JSON message
                row("ERROR", "{\"level\":\"ERROR\",\"msg\":\"x\"}", true),
                row("\"\\\"level\\\":\\\"ERROR\\\"\"", "{\"level\":\"ERROR\",\"msg\":\"x\"}", true),
                // multi-byte text is matched as text
                row("\"größe\"", "Feldgröße überschritten", true));
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                error("ERROR (foo)", "Invalid character(s) in term '('", 6),
                error("foo:bar", "Invalid character(s) in term ':'", 3),
                error("a,b", "Invalid character(s) in term ','", 1),
                error("a`b", "Invalid character(s) in term '`'", 1),
                error("ok a\\b", "Invalid character(s) in term '\\'", 4),
                error("user-1", "Invalid character(s) in term '-'", 4),
                error("x größe", "Invalid character(s) in term 'öß'", 4),
                error("\"a\"b", "Invalid character(s) in term 'b'", 3),
                error("ERROR -", "Missing term after '-'", 6),
                error("? x", "Missing term after '?'", 0),
                error("\"open", "Unterminated quoted string", 0));
    }

    @Test
    void patternsUpTo1024CharactersAreAcceptedAndLongerOnesRejected() {
        String ok = "a".repeat(FilterPattern.MAX_LENGTH);
        assertThat(FilterPattern.compile(ok).matcher().matches(ok)).isTrue();
        assertThatThrownBy(() -> FilterPattern.compile(ok + "a"))
                .isInstanceOfSatisfying(FilterPatternException.class, e -> assertThat(e.position()).isEqualTo(1024));
    }

    @Test
    void termsSearchTheMessageAsRecordViewMapsIt() throws Exception {
        Map<String, Object> docker = new LinkedHashMap<>();
        docker.put("container_name", "ERRORS-service");
        docker.put("log", "request failed\n");
        docker.put("source", "stderr");
        var view = Records.view(null, docker);
        // the message is the `log` field; collector fields are not searched as text
        assertThat(FilterPattern.compile("failed").matcher().matches(view)).isTrue();
        assertThat(FilterPattern.compile("ERRORS").matcher().matches(view)).isFalse();
        assertThat(FilterPattern.compile("stderr").matcher().matches(view)).isFalse();
    }

    @Test
    void aRecordWithoutMessageIsTheEmptyText() throws Exception {
        var view = Records.view(null, Map.of("status", 500, "path", "/api"));
        assertThat(FilterPattern.compile("api").matcher().matches(view)).isFalse();
        assertThat(FilterPattern.compile("-api").matcher().matches(view)).isTrue();
        assertThat(FilterPattern.compile("").matcher().matches(view)).isTrue();
    }

    @Test
    void oneMatcherIsReusedAcrossRecords() throws Exception {
        FilterMatcher m = FilterPattern.compile("ERROR -timeout").matcher();
        assertThat(m.matches(Records.view(null, Map.of("log", "ERROR timeout")))).isFalse();
        assertThat(m.matches(Records.view(null, Map.of("log", "ERROR disk full")))).isTrue();
        assertThat(m.matches(Records.view(null, Map.of("log", "INFO ok")))).isFalse();
    }
}
