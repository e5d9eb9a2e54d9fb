package io.loglane.search.filter;

import static org.assertj.core.api.Assertions.assertThat;

import io.loglane.core.parse.Parsers;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.Arguments;

/** JSON patterns (FILTER-PATTERNS.md §3 and ambiguities 4, 5, 6): the documentation's events and examples. */
class JsonPatternTest extends PatternTableTest {
    /** S1's example event. */
    static final String CLOUDTRAIL = """
            {"eventType": "UpdateTrail", "sourceIPAddress": "123.123.123.123", "arrayKey": ["value", "another value"],
             "objectList": [{"name": "a", "id": 1}, {"name": "b", "id": 2}], "SomeObject": null,
             "cluster.name": "c", "ThisFlag": true, "ThatFlag": false, "eventName": "ConsoleLogin"}""".replace("\n", " ");
    /** S1's compound-condition event. */
    static final String USERS = """
            {"user": {"id": 1, "email": "John.Stiles@example.com"},
             "users": [{"id": 2, "email": "John.Doe@example.com"}, {"id": 3, "email": "Jane.Doe@example.com"}],
             "actions": ["GET", "PUT", "DELETE"], "coordinates": [[0, 1], [2, 3]]}""".replace("\n", " ");
    static final String NUMBERS = "{\"bandwidth\": 1000, \"latency\": 0.01, \"count\": 20, \"code\": \"400\", "
            + "\"neg\": -5, \"text\": \"abc\", \"big\": 18446744073709551615, \"empty\": \"\"}";

    static Stream<Arguments> examples() {
        return Stream.of(
                // strings: exact, case sensitive (S1, S4)
                row("{ $.eventType = \"UpdateTrail\" }", CLOUDTRAIL, true),
                row("{ $.eventType = UpdateTrail }", CLOUDTRAIL, true),
                row("{ $.eventType = \"updatetrail\" }", CLOUDTRAIL, false),
                row("{ $.eventType = \"Update\" }", CLOUDTRAIL, false),
                row("{ $.eventType != \"UpdateTrail\" }", CLOUDTRAIL, false),
                row("{ $.eventType != \"CreateTrail\" }", CLOUDTRAIL, true),
                // wildcards: leading, trailing, both; * in the middle is literal (S4); unquoted 123.123.* (ambiguity 6)
                row("{ $.sourceIPAddress != 123.123.* }", CLOUDTRAIL, false),
                row("{ $.sourceIPAddress = 123.123.* }", CLOUDTRAIL, true),
                row("{ $.eventType = \"*Trail\" }", CLOUDTRAIL, true),
                row("{ $.eventType = \"Update*\" }", CLOUDTRAIL, true),
                row("{ $.eventType = *dateTr* }", CLOUDTRAIL, true),
                row("{ $.eventType = Up*Trail }", CLOUDTRAIL, false),
                row("{ $.eventType = Up*Trail }", "{\"eventType\": \"Up*Trail\"}", true),
                // = * : any value of an existing property, false when missing (S4)
                row("{ $.eventType = * }", CLOUDTRAIL, true),
                row("{ $.latency = * }", CLOUDTRAIL, false),
                row("{ $.ThisFlag = \"*\" }", CLOUDTRAIL, true),
                // ambiguity 5: = * on null is false (null is seen only by IS NULL)
                row("{ $.SomeObject = * }", CLOUDTRAIL, false),
                // arrays, nested indexes, properties with dots (S1)
                row("{ $.arrayKey[0] = \"value\" }", CLOUDTRAIL, true),
                row("{ $.arrayKey[1] = \"value\" }", CLOUDTRAIL, false),
                row("{ $.arrayKey[2] = * }", CLOUDTRAIL, false),
                row("{ $.objectList[1].id = 2 }", CLOUDTRAIL, true),
                row("{ $.objectList[0].id = 2 }", CLOUDTRAIL, false),
                row("{ $.['cluster.name'] = \"c\" }", CLOUDTRAIL, true),
                row("{ $['cluster.name'] = c }", CLOUDTRAIL, true),
                row("{ $.cluster.name = c }", CLOUDTRAIL, false),
                row("{ $.coordinates[0][1] = 1 }", USERS, true),
                row("{ $.coordinates[1][0] = 1 }", USERS, false),
                // an array or object on the left fails = and != alike (S4)
                row("{ $.users = 1 }", "{\"users\": [1, 2, 3]}", false),
                row("{ $.users != 1 }", "{\"users\": [1, 2, 3]}", false),
                row("{ $.user != 1 }", USERS, false),
                // wildcard selectors: some value satisfies the condition
                row("{ $.users[*].email = \"Jane.Doe@example.com\" }", USERS, true),
                row("{ $.users[*].id > 2 }", USERS, true),
                row("{ $.users[*].id > 3 }", USERS, false),
                row("{ $.user.* = 1 }", USERS, true),
                row("{ $.* = \"UpdateTrail\" }", CLOUDTRAIL, true),
                // IS NULL / IS TRUE / IS FALSE / NOT EXISTS (S4)
                row("{ $.SomeObject IS NULL }", CLOUDTRAIL, true),
                row("{ $.SomeOtherObject IS NULL }", CLOUDTRAIL, false),
                row("{ $.eventType IS NULL }", CLOUDTRAIL, false),
                row("{ $.SomeOtherObject NOT EXISTS }", CLOUDTRAIL, true),
                row("{ $.SomeObject NOT EXISTS }", CLOUDTRAIL, false),
                row("{ $.ThisFlag IS TRUE }", CLOUDTRAIL, true),
                row("{ $.ThisFlag IS FALSE }", CLOUDTRAIL, false),
                row("{ $.ThatFlag IS FALSE }", CLOUDTRAIL, true),
                // ambiguity 5: IS TRUE is for booleans, not the string "true"; != on a missing property is false
                row("{ $.flag IS TRUE }", "{\"flag\": \"true\"}", false),
                row("{ $.missing != 1 }", CLOUDTRAIL, false),
                // compound conditions, && over || (S1's four examples)
                row("{ ($.user.id = 1) && ($.users[0].email = \"John.Doe@example.com\") }", USERS, true),
                row("{ ($.user.id = 2 && $.users[0].email = \"nonmatch\") || $.actions[2] = \"GET\" }", USERS, false),
                row("{ $.user.email = \"John.Stiles@example.com\" || $.coordinates[0][1] = nonmatch && $.actions[2] = nomatch }", USERS, true),
                row("{ ($.user.email = \"John.Stiles@example.com\" || $.coordinates[0][1] = nonmatch) && $.actions[2] = nomatch }", USERS, false),
                row("{$.userIdentity.type = Root}", "{\"userIdentity\": {\"type\": \"Root\"}}", true),
                row("{$.userIdentity.type = Root}", "{\"userIdentity\": {\"type\": \"IAMUser\"}}", false),
                // numbers: compared numerically, exponents included (derived)
                row("{ $.bandwidth > 1e+3 }", NUMBERS, false),
                row("{ $.bandwidth >= 1e+3 }", NUMBERS, true),
                row("{ $.bandwidth = 1e3 }", NUMBERS, true),
                row("{ $.bandwidth = 1000.0 }", NUMBERS, true),
                row("{ $.latency <= 10e-3 }", NUMBERS, true),
                row("{ $.latency < 10e-3 }", NUMBERS, false),
                row("{ $.count > 100 }", NUMBERS, false),
                row("{ $.count < 100 }", NUMBERS, true),
                row("{ $.neg < -4 }", NUMBERS, true),
                row("{ $.neg = -5 }", NUMBERS, true),
                row("{ $.big > 1e19 }", NUMBERS, true),
                row("{ $.count = 2* }", NUMBERS, true),
                row("{ $.bandwidth = *00 }", NUMBERS, true),
                // ambiguity 5: a string that is a number compares as one; other strings fail < >
                row("{ $.code = 400 }", NUMBERS, true),
                row("{ $.code >= 400 }", NUMBERS, true),
                row("{ $.code = \"400\" }", NUMBERS, true),
                row("{ $.text > 1 }", NUMBERS, false),
                row("{ $.text != 1 }", NUMBERS, true),
                row("{ $.empty = \"\" }", NUMBERS, true),
                // regex values: a search within the value (S1)
                row("{ $.eventType = %Trail% }", CLOUDTRAIL, true),
                row("{ $.eventType = %^Trail% }", CLOUDTRAIL, false),
                row("{ $.eventType != %Trail% }", CLOUDTRAIL, false),
                row("{ $.sourceIPAddress = %^123\\.123\\.\\d+\\.\\d+$% }", CLOUDTRAIL, true),
                // the event's columns are properties too: a JSON line without its own message field has the line as $.message
                row("{ $.message = \"*UpdateTrail*\" }", CLOUDTRAIL, true),
                // an application's own message / msg field is $.message / $.msg, as in CloudWatch
                row("{ $.message = \"disk full\" }", "{\"message\": \"disk full\", \"level\": \"error\"}", true),
                row("{ $.msg = \"disk full\" }", "{\"msg\": \"disk full\", \"level\": \"error\"}", true),
                // a JSON pattern never matches a non-JSON event, not even NOT EXISTS (derived)
                row("{ $.eventType = * }", "eventType=UpdateTrail", false),
                row("{ $.x NOT EXISTS }", "plain text line", false),
                row("{ $.message = \"plain text line\" }", "plain text line", false),
                // ambiguity 4: JSON after a text prefix is not a JSON event
                row("{ $.level = \"ERROR\" }", "2024-01-01T00:00:00Z 1234 INFO {\"level\": \"ERROR\"}", false),
                row("{ $.level = \"ERROR\" }", "{\"level\": \"ERROR\"}", true));
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                error("{ $.\"sc-status\" = 200 }", "Invalid character(s) in term '\"'", 4),
                error("{ $.a IS NOT NULL }", "IS NOT is not supported: use != or NOT EXISTS", 6),
                error("{ $.a EXISTS }", "EXISTS is not supported: use = * (or NOT EXISTS)", 6),
                error("{ $.a IS EMPTY }", "Expected NULL, TRUE or FALSE after IS", 9),
                error("{ $.a = }", "Expected a value after '='", 8),
                error("{ $.a > abc }", "Expected a number after '>'", 8),
                error("{ $.a <= %x% }", "Expected a number after '<='", 9),
                error("{ $.a = 1 ", "Missing '}' at the end of the JSON pattern", 10),
                error("{ $.a = 1 $.b = 2 }", "Expected '&&', '||' or '}'", 10),
                error("{ a = 1 }", "Expected a selector starting with '$.'", 2),
                error("{ }", "Expected a selector starting with '$.'", 2),
                error("{ $ = 1 }", "Expected '.' or '[' after '$'", 3),
                error("{ $.a ~ 1 }", "Expected an operator (=, !=, <, >, <=, >=, IS, NOT EXISTS) after $.a", 6),
                error("{ ($.a = 1 }", "Expected ')'", 11),
                error("{ $.a = 1 } x", "Unexpected text after the JSON pattern", 12),
                error("{ $.a = @x }", "Invalid character(s) in term '@'", 8),
                error("{ $.a = x$ }", "Invalid character(s) in term '$'", 9),
                error("{ $.a[x] = 1 }", "Expected an array index, '*' or a quoted property name in '[ ]'", 5),
                error("{ $.a['b = 1 }", "Missing closing ' of the property name", 5),
                error("{ $.a[*].b[*] = 1 }", "At most one wildcard is allowed in a selector", 2),
                error("{ $.a[*] = 1 || $.b.* = 1 || $.c[*] = 1 || $.d.* = 1 }", "At most 3 wildcard selectors are allowed in a pattern", 43),
                error("{ $.a = %a% || $.b = %b% || $.c = %c% }", "At most 2 regular expressions are allowed in a pattern", 34),
                error("{ $.a = \"x }", "Unterminated quoted string", 8));
    }

    @Test
    void accessLinesAreJsonEventsThroughTheirTypedFields() throws Exception {
        var parser = Parsers.forName("nginx_combined");
        Map<String, Object> rec = new LinkedHashMap<>();
        rec.put("log", "10.0.0.1 - - [10/Oct/2000:13:55:36 -0700] \"POST /api/v1/orders HTTP/1.1\" 503 2326 \"-\" \"curl/8\"");
        rec.put("container_name", "web");
        rec.put("source", "stdout");
        var view = Records.view(parser, rec);
        // the issue's own example
        assertThat(FilterPattern.compile("{ $.status >= 500 && $.path = \"/api/*\" }").matcher().matches(view)).isTrue();
        assertThat(FilterPattern.compile("{ $.status >= 500 && $.method = GET }").matcher().matches(view)).isFalse();
        assertThat(FilterPattern.compile("{ $.bytes > 2000 && $.container_name = web }").matcher().matches(view)).isTrue();
        assertThat(FilterPattern.compile("{ $.status = 5* }").matcher().matches(view)).isTrue();
        // the message is $.message, whatever key it came in (log)
        assertThat(FilterPattern.compile("{ $.message = \"10.0.0.1 *\" }").matcher().matches(view)).isTrue();
        assertThat(FilterPattern.compile("{ $.log = * }").matcher().matches(view)).isFalse();
    }

    @Test
    void structuredRecordsAreJsonEventsThroughTheirAttrs() throws Exception {
        Map<String, Object> rec = new LinkedHashMap<>();
        rec.put("msg", "user login");
        rec.put("hostname", "h1");
        rec.put("user", Map.of("name", "bob", "roles", List.of("admin", "dev")));
        rec.put("ok", true);
        var m = new LinkedHashMap<String, Boolean>();
        m.put("{ $.user.name = bob }", true);
        m.put("{ $.user.roles[1] = dev }", true);
        m.put("{ $.user.roles[*] = admin }", true);
        m.put("{ $.ok IS TRUE }", true);
        m.put("{ $.message = \"user login\" && $.host = h1 }", true);
        m.put("{ $.hostname = h1 }", false); // a column is named as its column, as in SQL
        m.put("{ $.msg = * }", false);
        for (var e : m.entrySet()) {
            assertThat(FilterPattern.compile(e.getKey()).matcher().matches(Records.view(null, rec)))
                    .as(e.getKey()).isEqualTo(e.getValue());
        }
    }

    @Test
    void aPlainDockerLineIsNotAJsonEventThoughItHasCollectorFields() throws Exception {
        var view = Records.view(null, Map.of("log", "plain", "container_name", "web", "source", "stdout"));
        assertThat(FilterPattern.compile("{ $.container_name = web }").matcher().matches(view)).isFalse();
        assertThat(FilterPattern.compile("{ $.nothing NOT EXISTS }").matcher().matches(view)).isFalse();
    }
}
