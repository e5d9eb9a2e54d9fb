package io.loglane.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loglane.core.parse.FieldType;
import io.loglane.core.parse.ParserSpec;
import io.loglane.core.parse.Parsers;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ParserConfigTest {
    private static LaneSpec lane(String parserYaml) throws ConfigException {
        return TestCatalog.LOADER.load(new ConfigSource("p.yaml", "lanes:\n  default: {}\n  app:\n    parser: " + parserYaml + "\n"))
                .lane("app");
    }

    private static void fails(String parserYaml, String message) {
        assertThatThrownBy(() -> lane(parserYaml)).isInstanceOf(ConfigException.class).hasMessage(message);
    }

    @Test
    void aNameAListAndMappingsWithOptions() throws Exception {
        assertThat(lane("logfmt").parser()).isEqualTo(ParserSpec.named("logfmt"));
        assertThat(lane("[json, logfmt]").parser().steps()).extracting(ParserSpec.Step::kind).containsExactly("json", "logfmt");
        ParserSpec s = lane("\n      - {regex: '^(?P<status>\\d+) (?P<t>\\S+)', types: {status: int}, time_key: t, time_format: '%s'}"
                + "\n      - {name: json, types: {took: double}}"
                + "\n      - nginx_format: '$remote_addr [$time_local] $status'").parser();
        assertThat(s.steps()).containsExactly(
                new ParserSpec.Step("regex", "^(?P<status>\\d+) (?P<t>\\S+)", Map.of("status", FieldType.LONG), "t", "%s"),
                new ParserSpec.Step("json", null, Map.of("took", FieldType.DOUBLE), null, null),
                new ParserSpec.Step("nginx_format", "$remote_addr [$time_local] $status", Map.of(), null, null));
        assertThat(Parsers.build(s).fields()).extracting(f -> f.name() + ":" + f.type())
                .containsExactly("status:LONG", "t:STRING", "took:DOUBLE", "remote_addr:STRING", "time_local:STRING");
    }

    @Test
    void errorsNameFileLineAndKey() {
        fails("xml", "p.yaml:4: lanes.app.parser: unknown parser \"xml\" (known: none, json, logfmt, nginx_combined, "
                + "apache_combined, syslog, syslog_rfc3164, syslog_rfc5424, regex, nginx_format)");
        fails("[json, {regex: '('}]", "p.yaml:4: lanes.app.parser[1]: bad regex: error parsing regexp: missing closing ): `(`");
        fails("\n      - json\n      - {regex: '(?P<a>x)', types: {a: bool}}",
                "p.yaml:6: lanes.app.parser[1].types.a: unknown type \"bool\" (use string, int or double)");
        fails("{regex: '(?P<a>x)', colour: red}",
                "p.yaml:4: lanes.app.parser.colour: unknown key (a parser item has name, regex or nginx_format, and types, time_key, time_format)");
        fails("regex", "p.yaml:4: lanes.app.parser: regex takes its pattern: {regex: '…'}");
        fails("{name: nginx_combined, types: {status: int}}",
                "p.yaml:4: lanes.app.parser: nginx_combined has fixed field types; types: applies to json, logfmt, regex and nginx_format");
        fails("[nginx_combined, {regex: '(?P<status>x)'}]",
                "p.yaml:4: lanes.app.parser: field \"status\" is int in one parser of the chain and string in regex (declare one type with types:)");
        fails("{name: syslog, time_key: when}",
                "p.yaml:4: lanes.app.parser: time_key \"when\" is not a field of syslog (fields: priority, facility, severity, hostname, app_name, procid, msgid, structured_data, msg)");
        fails("{name: json, time_format: '%Y'}", "p.yaml:4: lanes.app.parser: time_format needs a time_key");
        fails("[]", "p.yaml:4: lanes.app.parser: a parser chain needs at least one parser");
    }

    @Test
    void aFlagOrDefaultIsOneName() {
        assertThat(ValueType.PARSER.parseText("syslog")).isEqualTo(ParserSpec.named("syslog"));
        assertThat(ParserSpec.named("syslog").toString()).isEqualTo("syslog");
        assertThat(new ParserSpec(List.of(ParserSpec.Step.named("json"), new ParserSpec.Step("regex", "(?P<a>x)",
                Map.of("a", FieldType.LONG), null, null))).toString()).isEqualTo("[json, {regex: '(?P<a>x)', types: {a: int}}]");
    }
}
