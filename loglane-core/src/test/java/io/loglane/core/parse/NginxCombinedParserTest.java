package io.loglane.core.parse;

import static io.loglane.core.parse.NginxCombinedParser.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class NginxCombinedParserTest {
    private final NginxCombinedParser parser = new NginxCombinedParser();
    private final ParsedFields out = new ParsedFields(parser.fields().size());

    @Test
    void parsesAnNginxCombinedLine() {
        String line = "203.0.113.9 - alice [10/Oct/2025:13:55:36 +0000] \"GET /api/items?id=7 HTTP/1.1\" 200 2326 "
                + "\"https://example.com/start\" \"Mozilla/5.0 (X11; Linux x86_64)\"";
        assertThat(parser.parse(line, out)).isTrue();
        assertThat(out.get(REMOTE_ADDR)).isEqualTo("203.0.113.9");
        assertThat(out.get(REMOTE_USER)).isEqualTo("alice");
        assertThat(out.get(TIME_LOCAL)).isEqualTo("10/Oct/2025:13:55:36 +0000");
        assertThat(out.get(METHOD)).isEqualTo("GET");
        assertThat(out.get(PATH)).isEqualTo("/api/items?id=7");
        assertThat(out.get(PROTOCOL)).isEqualTo("HTTP/1.1");
        assertThat(out.get(STATUS)).isEqualTo(200L);
        assertThat(out.get(BYTES)).isEqualTo(2326L);
        assertThat(out.get(REFERER)).isEqualTo("https://example.com/start");
        assertThat(out.get(USER_AGENT)).isEqualTo("Mozilla/5.0 (X11; Linux x86_64)");
        assertThat(out.get(REQUEST_TIME)).isNull();
    }

    @Test
    void missingValuesAreNullAndATrailingRequestTimeIsRead() {
        String line = "::1 - - [10/Oct/2025:13:55:36 +0000] \"POST /login HTTP/2.0\" 302 - \"-\" \"-\" 0.125\n";
        assertThat(parser.parse(line, out)).isTrue();
        assertThat(out.get(REMOTE_ADDR)).isEqualTo("::1");
        assertThat(out.get(REMOTE_USER)).isNull();
        assertThat(out.get(BYTES)).isNull();
        assertThat(out.get(REFERER)).isNull();
        assertThat(out.get(USER_AGENT)).isNull();
        assertThat(out.get(REQUEST_TIME)).isEqualTo(0.125);
    }

    @Test
    void requestTimeAfterOtherExtrasOrWithAPrefix() {
        String xff = "10.0.0.1 - - [01/Jan/2025:00:00:00 +0000] \"GET / HTTP/1.1\" 200 5 \"-\" \"curl/8\" \"198.51.100.2, 10.0.0.9\" 1.5";
        assertThat(parser.parse(xff, out)).isTrue();
        assertThat(out.get(REQUEST_TIME)).isEqualTo(1.5);
        String rt = "10.0.0.1 - - [01/Jan/2025:00:00:00 +0000] \"GET / HTTP/1.1\" 200 5 \"-\" \"curl/8\" host=a rt=0.004 uct=\"0.000\"";
        assertThat(parser.parse(rt, out)).isTrue();
        assertThat(out.get(REQUEST_TIME)).isEqualTo(0.004);
    }

    @Test
    void parsesApacheCommonAndCombined() {
        String common = "127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] \"GET /apache_pb.gif HTTP/1.0\" 200 2326";
        assertThat(parser.parse(common, out)).isTrue();
        assertThat(out.get(REMOTE_USER)).isEqualTo("frank");
        assertThat(out.get(PATH)).isEqualTo("/apache_pb.gif");
        assertThat(out.get(REFERER)).isNull();
        String combined = common + " \"http://www.example.com/start.html\" \"Mozilla/4.08 [en] (Win98; I ;Nav)\"";
        assertThat(parser.parse(combined, out)).isTrue();
        assertThat(out.get(USER_AGENT)).isEqualTo("Mozilla/4.08 [en] (Win98; I ;Nav)");
        assertThat(out.get(REFERER)).isEqualTo("http://www.example.com/start.html");
    }

    @Test
    void decodesEscapedQuotesInQuotedFields() {
        String apache = "1.2.3.4 - - [01/Jan/2025:00:00:00 +0000] \"GET /a HTTP/1.1\" 200 1 \"-\" \"evil \\\"agent\\\" \\\\o/\"";
        assertThat(parser.parse(apache, out)).isTrue();
        assertThat(out.get(USER_AGENT)).isEqualTo("evil \"agent\" \\o/");
        String nginx = "1.2.3.4 - - [01/Jan/2025:00:00:00 +0000] \"GET /q=\\x22x\\x22 HTTP/1.1\" 200 1 \"-\" \"ua\"";
        assertThat(parser.parse(nginx, out)).isTrue();
        assertThat(out.get(PATH)).isEqualTo("/q=\"x\"");
    }

    /** Quoted fields are scanned a word at a time: a quote or escape at any offset from a word boundary is found. */
    @Test
    void quotesAndEscapesAreFoundAtEveryOffsetOfAQuotedField() {
        String head = "10.1.2.3 - - [10/Oct/2025:13:55:36 +0000] \"GET / HTTP/1.1\" 200 5 \"-\" \"";
        for (int len = 0; len <= 24; len++) {
            for (int at = -1; at < len; at++) {
                StringBuilder ua = new StringBuilder("u".repeat(len));
                String want = ua.toString();
                if (at >= 0) {
                    ua.insert(at, "\\\"");
                    want = new StringBuilder(want).insert(at, '"').toString();
                }
                for (String tail : new String[] {"", " 0.5", "\n"}) {
                    assertThat(parser.parse(head + ua + "\"" + tail, out)).as("len %d at %d", len, at).isTrue();
                    assertThat(out.get(USER_AGENT)).as("len %d at %d", len, at).isEqualTo(want);
                    assertThat(out.get(REQUEST_TIME)).isEqualTo(tail.equals(" 0.5") ? 0.5 : null);
                }
                assertThat(parser.parse(head + ua, out)).as("unterminated, len %d at %d", len, at).isFalse();
            }
        }
    }

    @Test
    void aBadRequestLineStillParsesWithoutMethod() {
        String line = "1.2.3.4 - - [01/Jan/2025:00:00:00 +0000] \"-\" 400 0 \"-\" \"-\"";
        assertThat(parser.parse(line, out)).isTrue();
        assertThat(out.get(STATUS)).isEqualTo(400L);
        assertThat(out.get(METHOD)).isNull();
        String tls = "1.2.3.4 - - [01/Jan/2025:00:00:00 +0000] \"\\x16\\x03\\x01\\x02\\x00\\x01\" 400 157 \"-\" \"-\"";
        assertThat(parser.parse(tls, out)).isTrue();
        assertThat(out.get(METHOD)).isNull();
        assertThat(out.get(BYTES)).isEqualTo(157L);
    }

    @Test
    void utf8PathsSurvive() {
        String line = "1.2.3.4 - - [01/Jan/2025:00:00:00 +0000] \"GET /café HTTP/1.1\" 200 1";
        byte[] b = line.getBytes(StandardCharsets.UTF_8);
        assertThat(parser.parse(b, 0, b.length, out)).isTrue();
        assertThat(out.get(PATH)).isEqualTo("/café");
    }

    @Test
    void rejectsWhatIsNotAnAccessLine() {
        String[] notAccess = {
                "",
                "2025-01-01 12:00:00 ERROR [main] com.example.App - boom",
                "{\"level\":\"info\",\"msg\":\"hello\"}",
                "1.2.3.4 - - [01/Jan/2025:00:00:00 +0000] \"GET / HTTP/1.1\" 2000 1",
                "1.2.3.4 - - [01/Jan/2025:00:00:00 +0000] \"GET / HTTP/1.1\" 200",
                "1.2.3.4 - - [01/Jan/2025:00:00:00 +0000] \"GET / HTTP/1.1 200 1",
                "1.2.3.4 - - 01/Jan/2025:00:00:00 +0000 \"GET / HTTP/1.1\" 200 1",
                "1.2.3.4 - - [01/Jan/2025:00:00:00 +0000] \"GET / HTTP/1.1\" 200 12x",
                "\tat com.example.Foo.bar(Foo.java:12)",
        };
        for (String s : notAccess) {
            out.set(0, "stale");
            assertThat(parser.parse(s, out)).as(s).isFalse();
            assertThat(out.get(0)).as("cleared on no match").isNull();
        }
    }

    @Test
    void declaresTypedColumnsAndIsRegistered() {
        assertThat(parser.fields()).extracting(FieldDef::name).containsExactly(
                "remote_addr", "remote_user", "time_local", "method", "path", "protocol", "status", "bytes",
                "referer", "user_agent", "request_time");
        assertThat(parser.fields().get(STATUS).type()).isEqualTo(FieldType.LONG);
        assertThat(parser.fields().get(REQUEST_TIME).type()).isEqualTo(FieldType.DOUBLE);
        assertThat(Parsers.forName("nginx_combined").name()).isEqualTo("nginx_combined");
    }

    @org.junit.jupiter.api.Test
    void requestTimeDecimalsMatchParseDoubleExactly() {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(3);
        for (int round = 0; round < 200_000; round++) {
            String text = switch (rnd.nextInt(4)) {
                case 0 -> Integer.toString(rnd.nextInt(0, 100)) + "." + String.format("%03d", rnd.nextInt(1000));
                case 1 -> Long.toString(rnd.nextLong(0, 1L << 50));
                case 2 -> "0." + Long.toString(rnd.nextLong(0, 1_000_000_000_000L));
                default -> Long.toString(rnd.nextLong(0, 1L << 62)) + "." + rnd.nextInt(10); // past 15 digits: parseDouble
            };
            byte[] b = ("x" + text + "y").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            org.assertj.core.api.Assertions.assertThat(NginxCombinedParser.decimal(b, 1, b.length - 1))
                    .as(text).isEqualTo(Double.parseDouble(text));
        }
    }

    @Test
    void theEventTimeIsTheLinesTimeLocalEvenWhenTheRestOfTheLineDoesNotParse() {
        MessageView m = new MessageView();
        byte[] line = "203.0.113.9 - - [25/Nov/2026:07:00:01 +0100] \"GET / HTTP/1.1\" 200 5\n".getBytes(StandardCharsets.UTF_8);
        assertThat(parser.eventTime(m.set(line, 0, line.length))).isEqualTo(1_795_586_401_000_000_000L);
        byte[] cut = "203.0.113.9 - - [25/Nov/2026:06:00:01 +0000] garbage".getBytes(StandardCharsets.UTF_8);
        assertThat(parser.eventTime(m.set(cut, 0, cut.length))).isEqualTo(1_795_586_401_000_000_000L);
        byte[] other = "2026-11-25 06:00:01 INFO started".getBytes(StandardCharsets.UTF_8);
        assertThat(parser.eventTime(m.set(other, 0, other.length))).isEqualTo(-1);
        byte[] badTime = "203.0.113.9 - - [yesterday] \"GET / HTTP/1.1\" 200 5".getBytes(StandardCharsets.UTF_8);
        assertThat(parser.eventTime(m.set(badTime, 0, badTime.length))).isEqualTo(-1);
        assertThat(parser.eventTime(m.clear())).isEqualTo(-1);
    }
}
