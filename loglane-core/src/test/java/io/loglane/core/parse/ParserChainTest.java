package io.loglane.core.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ParserChainTest {
    /** Fuzzing finding (ParsersFuzzTest#buildsAnyPattern): RE2/J threw IllegalStateException loading a repeated group's bounds. */
    @Test
    void aRegexWhoseGroupBoundsRe2jCannotLoadLeavesTheLineUnparsedInsteadOfThrowing() {
        RecordParser parser = Parsers.build(new ParserSpec(List.of(new ParserSpec.Step(ParserSpec.REGEX, "^(?<l>.R%)*$", Map.of(), null, null))));
        ParsedFields out = new ParsedFields(4);
        for (byte[] line : List.of("\uFFFD".getBytes(StandardCharsets.UTF_8), new byte[] {(byte) 0x93}, "xR%yR%".getBytes(StandardCharsets.UTF_8))) {
            assertThatCode(() -> parser.parse(line, 0, line.length, out)).as("line %s", new String(line, StandardCharsets.UTF_8))
                    .doesNotThrowAnyException();
        }
    }

    private static ParserSpec.Step regex(String p, Map<String, FieldType> types) {
        return new ParserSpec.Step(ParserSpec.REGEX, p, types, null, null);
    }

    private static Map<String, Object> parse(RecordParser p, String line) {
        ParsedFields out = new ParsedFields(p.fields().size());
        byte[] b = ("xx" + line + "yy").getBytes(StandardCharsets.UTF_8);
        int len = b.length - 4;
        if (!p.parse(b, 2, len, out)) {
            return null;
        }
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < p.fields().size(); i++) {
            if (out.get(i) != null) {
                m.put(p.fields().get(i).name(), out.get(i));
            }
        }
        return m;
    }

    private static long time(RecordParser p, String line) {
        byte[] b = line.getBytes(StandardCharsets.UTF_8);
        return p.eventTime(new MessageView().set(b, 0, b.length));
    }

    private static long nanos(String iso) {
        Instant i = Instant.parse(iso);
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    @Test
    void regexNamedGroupsBecomeTypedFieldsAndUnmatchedLinesAreNoMatch() {
        RecordParser p = Parsers.build(new ParserSpec(List.of(regex(
                "^(?P<level>[A-Z]+) (?<status>\\d+) took=(?P<took>\\S+) user=(?P<user>\\S+)",
                Map.of("status", FieldType.LONG, "took", FieldType.DOUBLE)))));
        assertThat(p.fields()).containsExactly(new FieldDef("level", FieldType.STRING), new FieldDef("status", FieldType.LONG),
                new FieldDef("took", FieldType.DOUBLE), new FieldDef("user", FieldType.STRING));
        assertThat(parse(p, "ERROR 503 took=0.25 user=zoë\n")).containsExactly(
                Map.entry("level", "ERROR"), Map.entry("status", 503L), Map.entry("took", 0.25), Map.entry("user", "zoë"));
        assertThat(parse(p, "ERROR 503 took=abc user=x")).as("a value not of its type is absent, not an error")
                .containsEntry("status", 503L).doesNotContainKey("took");
        assertThat(parse(p, "plain text")).isNull();
    }

    @Test
    void regexConfigErrorsSayWhatIsWrong() {
        assertThatThrownBy(() -> Parsers.build(new ParserSpec(List.of(regex("(", Map.of())))))
                .hasMessageContaining("bad regex");
        assertThatThrownBy(() -> Parsers.build(new ParserSpec(List.of(regex("\\d+", Map.of())))))
                .hasMessageContaining("named groups");
        assertThatThrownBy(() -> Parsers.build(new ParserSpec(List.of(regex("(?P<a>x)", Map.of("b", FieldType.LONG))))))
                .hasMessageContaining("\"b\"").hasMessageContaining("groups: a");
    }

    @Test
    void regexDoesNotBacktrackCatastrophically() {
        RecordParser p = Parsers.build(new ParserSpec(List.of(regex("^(?P<a>(a+)+)$", Map.of()))));
        String hostile = "a".repeat(30_000) + "!";
        assertThat(parse(p, hostile)).as("RE2: linear time, so this returns at once").isNull();
        assertThat(parse(p, "a".repeat(RegexParser.MAX_LENGTH + 1))).as("over the length bound").isNull();
    }

    @Test
    void nginxFormatReadsAUserLogFormatIntoTheCombinedColumns() {
        String format = "$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent "
                + "\"$http_referer\" \"$http_user_agent\" rt=$request_time uct=\"$upstream_connect_time\" $host";
        RecordParser p = Parsers.build(new ParserSpec(List.of(new ParserSpec.Step(ParserSpec.NGINX_FORMAT, format, Map.of(), null, null))));
        String line = "10.0.0.1 - - [05/Dec/2026:04:15:49 +0100] \"GET /api/x?y=1 HTTP/1.1\" 502 157 \"-\" "
                + "\"curl/8.5 (x; \\x22q\\x22)\" rt=0.012 uct=\"-\" api.example.com";
        Map<String, Object> m = parse(p, line);
        assertThat(m).containsEntry("remote_addr", "10.0.0.1").containsEntry("method", "GET")
                .containsEntry("path", "/api/x?y=1").containsEntry("protocol", "HTTP/1.1").containsEntry("status", 502L)
                .containsEntry("bytes", 157L).containsEntry("request_time", 0.012).containsEntry("host", "api.example.com")
                .doesNotContainKeys("remote_user", "referer", "upstream_connect_time");
        assertThat(p.fields()).contains(new FieldDef("status", FieldType.LONG), new FieldDef("request_time", FieldType.DOUBLE));
        assertThat(time(p, line)).isEqualTo(nanos("2026-12-05T03:15:49Z"));
        assertThat(parse(p, "10.0.0.1 - - garbage")).isNull();
        assertThat(parse(p, line.replace(" rt=", " rt:"))).as("literal text must match").isNull();
        assertThat(parse(p, line + ", 10.0.0.2")).as("the last variable runs to the end of the line (x_forwarded_for lists)")
                .containsEntry("host", "api.example.com, 10.0.0.2");
        assertThat(time(p, "not nginx")).isEqualTo(-1);
        assertThatThrownBy(() -> new NginxFormatParser("$remote_addr$status", Map.of()))
                .hasMessageContaining("$remote_addr and $status have no text between them");
        assertThatThrownBy(() -> new NginxFormatParser("no variables", Map.of())).hasMessageContaining("at least one $variable");
    }

    /** Fuzzing finding (ParsersFuzzTest): a second $request, or a $path before it, split the request into the wrong fields (or past them). */
    @Test
    void nginxFormatSplitsEveryRequestIntoMethodPathAndProtocol() {
        NginxFormatParser twice = new NginxFormatParser("\"$request\" $status \"$request\"", Map.of());
        assertThat(parse(twice, "\"GET /a HTTP/1.1\" 200 \"POST /b HTTP/2.0\"")).containsEntry("status", 200L)
                .containsEntry("method", "POST").containsEntry("path", "/b").containsEntry("protocol", "HTTP/2.0");
        NginxFormatParser pathFirst = new NginxFormatParser("$path \"$request\"", Map.of());
        assertThat(parse(pathFirst, "/x \"GET /a HTTP/1.1\"")).containsEntry("method", "GET")
                .containsEntry("path", "/a").containsEntry("protocol", "HTTP/1.1");
    }

    @Test
    void apacheCombinedIsTheSameScanner() {
        RecordParser p = Parsers.forName("apache_combined");
        Map<String, Object> m = parse(p, "127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] \"GET /apache_pb.gif HTTP/1.0\" 200 2326 "
                + "\"http://www.example.com/start.html\" \"Mozilla/4.08 [en] (Win98; I ;Nav)\"");
        assertThat(m).containsEntry("remote_user", "frank").containsEntry("status", 200L).containsEntry("bytes", 2326L);
    }

    @Test
    void syslogRfc5424() {
        RecordParser p = Parsers.forName("syslog");
        String line = "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 "
                + "[exampleSDID@32473 iut=\"3\" eventSource=\"App\\]lication\"] \uFEFFAn application event";
        assertThat(parse(p, line)).containsEntry("priority", 165L).containsEntry("facility", "local4")
                .containsEntry("severity", "notice").containsEntry("hostname", "mymachine.example.com")
                .containsEntry("app_name", "evntslog").containsEntry("msgid", "ID47")
                .containsEntry("structured_data", "[exampleSDID@32473 iut=\"3\" eventSource=\"App\\]lication\"]")
                .containsEntry("msg", "An application event").doesNotContainKey("procid");
        assertThat(time(p, line)).isEqualTo(nanos("2003-10-11T22:14:15.003Z"));
        assertThat(parse(p, "<34>1 - - - - - -")).containsEntry("severity", "crit").containsEntry("facility", "auth")
                .doesNotContainKeys("hostname", "msg");
        assertThat(parse(Parsers.forName("syslog_rfc3164"), line)).as("3164 only").isNull();
        assertThat(parse(p, "<165>1 2003-10-11T22:14:15Z host app - - [unclosed")).isNull();
    }

    @Test
    void syslogRfc3164WithAndWithoutPriorityAndHost() {
        RecordParser p = Parsers.forName("syslog_rfc3164");
        assertThat(parse(p, "<34>Oct 11 22:14:15 mymachine su[230]: 'su root' failed for lonvick on /dev/pts/8"))
                .containsEntry("priority", 34L).containsEntry("hostname", "mymachine").containsEntry("app_name", "su")
                .containsEntry("procid", "230").containsEntry("msg", "'su root' failed for lonvick on /dev/pts/8");
        assertThat(parse(p, "Dec  5 04:15:49 web-1 CRON[1234]: (root) CMD (run-parts /etc/cron.hourly)"))
                .doesNotContainKey("priority").containsEntry("hostname", "web-1").containsEntry("app_name", "CRON");
        assertThat(parse(p, "<13>Dec  5 04:15:49 sshd: hello")).doesNotContainKey("hostname")
                .containsEntry("app_name", "sshd").containsEntry("msg", "hello");
        assertThat(parse(p, "<13>2026-12-05T04:15:49.123456+00:00 host kernel: x")).containsEntry("app_name", "kernel");
        assertThat(time(p, "<13>2026-12-05T04:15:49.123456+00:00 host kernel: x")).isEqualTo(nanos("2026-12-05T04:15:49.123456Z"));
        long t = time(p, "<13>Jan  2 03:04:05 host app: x");
        assertThat(Instant.ofEpochSecond(t / 1_000_000_000L).toString()).endsWith("-01-02T03:04:05Z");
        assertThat(Instant.ofEpochSecond(t / 1_000_000_000L)).isBefore(Instant.now().plusSeconds(86_401));
        assertThat(parse(p, "just text")).isNull();
        assertThat(time(p, "<13>Feb 31 99:04:05 host app: x")).isEqualTo(-1);
    }

    @Test
    void logfmtPairsAreLiftedWithTheirTime() throws Exception {
        RecordParser p = Parsers.forName("logfmt");
        byte[] line = "time=2026-12-05T04:15:49Z level=error msg=\"db \\\"down\\\"\" took=1.5 empty=\n".getBytes(StandardCharsets.UTF_8);
        MessageView m = new MessageView().set(line, 0, line.length);
        assertThat(p.eventTime(m)).isEqualTo(nanos("2026-12-05T04:15:49Z"));
        MessageFields f = p.liftedFields(m);
        assertThat(f).isNotNull();
        assertThat(org.msgpack.core.MessagePack.newDefaultUnpacker(f.fieldsArray(), 0, f.fieldsLength()).unpackValue().toJson())
                .isEqualTo("{\"time\":\"2026-12-05T04:15:49Z\",\"level\":\"error\",\"msg\":\"db \\\"down\\\"\",\"took\":\"1.5\",\"empty\":\"\"}");
        for (String notLogfmt : new String[] {"user=bob logged in", "plain text", "a=\"unclosed", "{\"a\":1}", "a=b=c", "=x"}) {
            byte[] b = notLogfmt.getBytes(StandardCharsets.UTF_8);
            assertThat(p.liftedFields(m.set(b, 0, b.length))).as(notLogfmt).isNull();
        }
    }

    @Test
    void aChainTriesItsParsersInOrderAndUnitesTheirFields() {
        RecordParser p = Parsers.build(new ParserSpec(List.of(ParserSpec.Step.named("json"), ParserSpec.Step.named("logfmt"),
                ParserSpec.Step.named("nginx_combined"), regex("^(?P<level>[A-Z]+): (?P<status>\\d+)", Map.of("status", FieldType.LONG)))));
        assertThat(p.fields()).extracting(FieldDef::name).startsWith("remote_addr").endsWith("request_time", "level");
        assertThat(p.fields()).filteredOn(f -> f.name().equals("status")).containsExactly(new FieldDef("status", FieldType.LONG));
        assertThat(parse(p, "10.0.0.1 - - [05/Dec/2026:04:15:49 +0000] \"GET / HTTP/1.1\" 200 5 \"-\" \"x\""))
                .containsEntry("status", 200L).containsEntry("path", "/").doesNotContainKey("level");
        assertThat(parse(p, "WARN: 404")).containsExactly(Map.entry("status", 404L), Map.entry("level", "WARN"));
        assertThat(parse(p, "nothing matches")).isNull();
        byte[] json = "{\"time\":\"2026-12-05T04:15:49Z\",\"a\":1}".getBytes(StandardCharsets.UTF_8);
        MessageView m = new MessageView().set(json, 0, json.length);
        assertThat(p.liftedFields(m)).isInstanceOf(JsonMessage.class);
        assertThat(p.eventTime(m)).isEqualTo(nanos("2026-12-05T04:15:49Z"));
        byte[] lf = "ts=1795586400 a=1".getBytes(StandardCharsets.UTF_8);
        assertThat(p.liftedFields(m.set(lf, 0, lf.length))).isInstanceOf(LogfmtMessage.class);
        assertThat(p.eventTime(m)).isEqualTo(1_795_586_400_000_000_000L);
        assertThat(time(p, "10.0.0.1 - - [05/Dec/2026:04:15:49 +0000] \"GET / HTTP/1.1\" 200 5")).isEqualTo(nanos("2026-12-05T04:15:49Z"));
    }

    @Test
    void aFieldTypedTwoWaysInOneChainIsRefused() {
        assertThatThrownBy(() -> Parsers.build(new ParserSpec(List.of(ParserSpec.Step.named("nginx_combined"),
                regex("(?P<status>\\w+)", Map.of())))))
                .hasMessageContaining("\"status\" is int").hasMessageContaining("string");
        assertThatThrownBy(() -> Parsers.build(new ParserSpec(List.of(ParserSpec.Step.named("json"), ParserSpec.Step.named("none")))))
                .isInstanceOf(Parsers.StepException.class).hasMessageContaining("none");
    }

    @Test
    void timeKeyAndFormatSetTheEventTime() {
        RecordParser p = Parsers.build(new ParserSpec(List.of(new ParserSpec.Step(ParserSpec.REGEX,
                "^\\[(?P<at>[^\\]]+)\\] (?P<msg>.*)", Map.of(), "at", "%d/%b/%Y %H:%M:%S.%L %z"))));
        assertThat(time(p, "[05/dec/2026 04:15:49.250 +0200] hello")).isEqualTo(nanos("2026-12-05T02:15:49.250Z"));
        assertThat(time(p, "[yesterday] hello")).as("not in the format: no time").isEqualTo(-1);
        RecordParser json = Parsers.build(new ParserSpec(List.of(new ParserSpec.Step("json", null,
                Map.of("status", FieldType.LONG), "when", "yyyy-MM-dd HH:mm:ss"))));
        assertThat(json.fields()).containsExactly(new FieldDef("status", FieldType.LONG));
        assertThat(time(json, "{\"when\":\"2026-12-05 04:15:49\",\"time\":1}")).isEqualTo(nanos("2026-12-05T04:15:49Z"));
        assertThat(time(json, "{\"when\":1795586400}")).isEqualTo(1_795_586_400_000_000_000L);
        assertThat(time(json, "{\"time\":1795586400}")).as("no time_key: the parser's own time").isEqualTo(1_795_586_400_000_000_000L);
        assertThatThrownBy(() -> Parsers.build(new ParserSpec(List.of(new ParserSpec.Step("nginx_combined", null, Map.of(), "nope", null)))))
                .hasMessageContaining("time_key \"nope\"");
        assertThatThrownBy(() -> TimeFormat.of("%Q")).hasMessageContaining("%Q");
    }

    @Test
    void badInputNeverThrowsAndIsNoMatch() {
        java.util.Random r = new java.util.Random(13);
        List<RecordParser> all = new java.util.ArrayList<>();
        for (String n : Parsers.names()) {
            all.add(Parsers.forName(n));
        }
        all.add(Parsers.build(new ParserSpec(List.of(regex("(?P<a>\\w+)=(?P<b>\\d+)", Map.of("b", FieldType.LONG))))));
        all.add(Parsers.build(new ParserSpec(List.of(new ParserSpec.Step(ParserSpec.NGINX_FORMAT, "$remote_addr [$time_local] $status", Map.of(), null, null)))));
        byte[][] inputs = new byte[40][];
        inputs[0] = new byte[] {(byte) 0xff, (byte) 0xfe, '<', '1', '>', (byte) 0xc3};            // invalid UTF-8
        inputs[1] = "{\"log\":\"{\\\"level\\\":\\\"err".getBytes(StandardCharsets.UTF_8);        // half a JSON line
        inputs[2] = ("a=" + "x".repeat(2 << 20)).getBytes(StandardCharsets.UTF_8);             // a huge line
        inputs[3] = "<999>1 x".getBytes(StandardCharsets.UTF_8);
        inputs[4] = "<13>1 ".getBytes(StandardCharsets.UTF_8);
        inputs[5] = "<13>Dec".getBytes(StandardCharsets.UTF_8);
        inputs[6] = new byte[0];
        for (int i = 7; i < inputs.length; i++) {
            inputs[i] = new byte[r.nextInt(200)];
            r.nextBytes(inputs[i]);                                                            // binary garbage
        }
        for (RecordParser p : all) {
            ParsedFields out = new ParsedFields(p.fields().size());
            MessageView m = new MessageView();
            for (byte[] in : inputs) {
                p.parse(in, 0, in.length, out);
                m.set(in, 0, in.length);
                p.eventTime(m);
                p.liftedFields(m);
            }
            assertThat(p.parse(inputs[1], 0, inputs[1].length, out)).as(p.name() + " on half a JSON line").isFalse();
        }
    }
}
