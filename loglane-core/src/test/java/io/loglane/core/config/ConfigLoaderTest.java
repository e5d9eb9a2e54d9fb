package io.loglane.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    /** The bundled file at the repository root (tests run in loglane-core/). */
    static final Path BUNDLED = Path.of("..", "config", "loglane.yaml");

    private static final String MINIMAL = "lanes:\n  default: {}\n";

    @Test
    void bundledConfigHasTheReferenceLanes() throws Exception {
        LoglaneConfig c = ConfigLoader.load(List.of(BUNDLED));
        assertThat(c.lanes().keySet()).containsExactly("access", "activity", "trace", "error", "audit", "default");
        LaneSpec access = c.lane("access");
        assertThat(access.parser()).isEqualTo("nginx_combined");
        assertThat(access.retention().maxAge()).isEqualTo(Duration.ofDays(365));
        assertThat(access.durability()).isEqualTo(Durability.DISK);
        assertThat(access.match()).containsExactly(
                new MatchRule.Field("log_type", java.util.Set.of("access")),
                new MatchRule.TagSuffix(java.util.Set.of("access")),
                new MatchRule.Content(MatchRule.ContentKind.ACCESS_LINE));
        assertThat(c.lane("error").retention().maxAge()).isEqualTo(Duration.ofDays(90));
        assertThat(c.lane("error").match()).contains(new MatchRule.Content(MatchRule.ContentKind.ERROR_LEVEL));
        assertThat(c.lane("trace").durability()).isEqualTo(Durability.MEMORY);
        assertThat(c.lane("trace").retention().maxAge()).isEqualTo(Duration.ofDays(30));
        assertThat(c.lane("trace").rate()).isEqualTo(new RateLimit(50_000, 500_000));
        assertThat(c.lane("audit").durability()).isEqualTo(Durability.SYNC);
        assertThat(c.lane("audit").retention().maxAge()).isEqualTo(Duration.ofDays(5 * 365));
        assertThat(c.lane("audit").rate().unlimited()).isTrue();
        assertThat(c.lane("default").match()).isEmpty();
        assertThat(c.lanes().values()).allSatisfy(l -> assertThat(l.to()).containsExactly("archive"));
        assertThat(c.inputs()).extracting(InputSpec::type).containsExactly("forward", "http");
        assertThat(c.inputs().get(0).port()).isEqualTo(24224);
        assertThat(c.inputs().get(0).longOption("max_frame_bytes", 0)).isEqualTo(16L << 20);
        assertThat(c.inputs().get(1).port()).isEqualTo(8080);
        assertThat(access.origin().file()).isEqualTo(BUNDLED.toString());
        assertThat(ConfigLoader.check(List.of(BUNDLED))).isEmpty();
    }

    @Test
    void everyUnsetKeyTakesItsSchemaDefault() throws Exception {
        LoglaneConfig c = ConfigLoader.load(new ConfigSource("min.yaml", MINIMAL));
        assertThat(c.server()).isEqualTo(new ServerSettings("127.0.0.1", 8080, Path.of("./data"), 16L << 20, Duration.ofSeconds(30), 1000, Duration.ofHours(1)));
        assertThat(c.archive().dir()).isEqualTo(Path.of("./data").resolve("archive"));
        assertThat(c.archive().flushAge()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.stream().segmentBytes()).isEqualTo(64L << 20);
        assertThat(c.query().maxRows()).isEqualTo(10_000);
        LaneSpec d = c.lane("default");
        assertThat(d.parser()).isEqualTo("none");
        assertThat(d.durability()).isEqualTo(Durability.DISK);
        assertThat(d.to()).containsExactly("archive");
        assertThat(d.rate()).isEqualTo(RateLimit.UNLIMITED);
        assertThat(d.origin()).isEqualTo(new ConfigOrigin("min.yaml", 2));
        assertThat(c.inputs()).isEmpty();
    }

    @Test
    void everySchemaDefaultIsValidAndDocumented() {
        for (ConfigKey k : ConfigSchema.KEYS) {
            if (k.defaultText() != null) {
                k.defaultValue(); // throws if a default would not pass validation
            }
            assertThat(k.doc()).as(k.path()).isNotBlank();
            assertThat(ConfigReference.markdown()).contains("`" + k.path() + "`");
        }
    }

    @Test
    void laterFilesOverrideLaneKeysSettingsAndSameNamedInputs() throws Exception {
        String base = """
                server:
                  http_port: 8080
                inputs:
                  - type: forward
                    name: fw
                    port: 24224
                lanes:
                  access:
                    parser: nginx_combined
                    retention: {age: 1y, size: 10GiB}
                    match:
                      - tag_suffix: access
                  default: {}
                """;
        String over = """
                server:
                  http_port: 9090
                inputs:
                  - type: forward
                    name: fw
                    port: 25225
                  - type: forward
                    name: fw2
                    port: 25226
                lanes:
                  access:
                    retention: {age: 7d}
                    match:
                      - content: access_line
                  billing:
                    durability: sync
                """;
        LoglaneConfig c = ConfigLoader.load(new ConfigSource("base.yaml", base), new ConfigSource("over.yaml", over));
        assertThat(c.server().httpPort()).isEqualTo(9090);
        assertThat(c.server().bind()).isEqualTo("127.0.0.1");
        assertThat(c.inputs()).extracting(InputSpec::name, InputSpec::port)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("fw", 25225), org.assertj.core.groups.Tuple.tuple("fw2", 25226));
        LaneSpec access = c.lane("access");
        assertThat(access.retention()).isEqualTo(new Retention(Duration.ofDays(7), 10L << 30));
        assertThat(access.parser()).isEqualTo("nginx_combined");
        assertThat(access.match()).containsExactly(new MatchRule.Content(MatchRule.ContentKind.ACCESS_LINE));
        assertThat(access.origin()).isEqualTo(new ConfigOrigin("over.yaml", 11));
        assertThat(c.lanes().keySet()).containsExactly("access", "default", "billing");
        assertThat(c.lane("billing").durability()).isEqualTo(Durability.SYNC);
    }

    @Test
    void userFileLayersOverTheBundledDefaults() throws Exception {
        LoglaneConfig c = ConfigLoader.load(new ConfigSource(BUNDLED.toString(), Files.readString(BUNDLED)),
                new ConfigSource("mine.yaml", "lanes:\n  audit:\n    retention: {age: 10y}\n"));
        assertThat(c.lane("audit").retention().maxAge()).isEqualTo(Duration.ofDays(3650));
        assertThat(c.lane("audit").durability()).isEqualTo(Durability.SYNC);
    }

    @Test
    void matchRuleSyntaxAcceptsListsAndScalars() throws Exception {
        String yaml = """
                lanes:
                  default:
                    match:
                      - field: kind
                        equals: [a, b]
                      - field: log_type
                        equals: c
                      - tag_suffix: [x, y]
                      - content: stack_trace
                """;
        LoglaneConfig c = ConfigLoader.load(new ConfigSource("m.yaml", yaml));
        assertThat(c.lane("default").match()).containsExactly(
                new MatchRule.Field("kind", java.util.Set.of("a", "b")),
                new MatchRule.Field("log_type", java.util.Set.of("c")),
                new MatchRule.TagSuffix(java.util.Set.of("x", "y")),
                new MatchRule.Content(MatchRule.ContentKind.STACK_TRACE));
    }

    @Test
    void badDurationNamesFileLineAndDottedKey() {
        String yaml = """
                lanes:
                  default: {}
                  access:
                    retention:
                      age: 3x
                """;
        assertThatThrownBy(() -> ConfigLoader.load(new ConfigSource("config/loglane.yaml", yaml)))
                .isInstanceOf(ConfigException.class)
                .hasMessage("config/loglane.yaml:5: lanes.access.retention.age: bad duration \"3x\" (use e.g. 90d, 12h, 30s)")
                .satisfies(e -> {
                    ConfigException ce = (ConfigException) e;
                    assertThat(ce.file()).isEqualTo("config/loglane.yaml");
                    assertThat(ce.line()).isEqualTo(5);
                    assertThat(ce.key()).isEqualTo("lanes.access.retention.age");
                });
    }

    @Test
    void checkReportsEveryProblemWithItsLineAndKey() {
        String yaml = """
                server:
                  http_port: 99999
                  colour: blue
                inputs:
                  - type: carrier_pigeon
                  - type: http
                    port: 1234
                  - type: forward
                    max_frame_bytes: 12Q
                  - name: nameless
                lanes:
                  default:
                    to: [archive, s3]
                    durability: maybe
                    parser: xml
                  Bad_Name: {}
                  logs: {}
                  trace:
                    match:
                      - content: tea_leaves
                      - field: log_type
                      - tag_suffix: [a.b]
                      - banana: 1
                    rate: {events_per_second: -3, burst: x}
                    retention: {size: 12Q}
                stream:
                  dedup_window: forever
                archive:
                  flush_age: 0
                query:
                  max_rows: 0
                search: {}
                """;
        List<ConfigException> errors = ConfigLoader.check(new ConfigSource("c.yaml", yaml));
        assertThat(errors).extracting(e -> e.line() + " " + e.key()).containsExactly(
                "2 server.http_port",
                "3 server.colour",
                "5 inputs[0].type",
                "7 inputs[1].port",
                "9 inputs[2].max_frame_bytes",
                "10 inputs[3].type",
                "13 lanes.default.to[1]",
                "14 lanes.default.durability",
                "15 lanes.default.parser",
                "16 lanes.Bad_Name",
                "17 lanes.logs",
                "20 lanes.trace.match[0].content",
                "24 lanes.trace.rate.events_per_second",
                "24 lanes.trace.rate.burst",
                "25 lanes.trace.retention.size",
                "27 stream.dedup_window",
                "29 archive.flush_age",
                "31 query.max_rows",
                "32 search");
        assertThat(errors.get(6).getMessage()).contains("unknown destination \"s3\" (known: archive)");
        assertThat(errors.get(3).getMessage()).contains("unknown key for a http input");
        assertThat(errors).allSatisfy(e -> assertThat(e.file()).isEqualTo("c.yaml"));
    }

    @Test
    void eachMalformedRuleIsReportedAtItsItem() {
        String[][] cases = {
                {"- field: log_type", "lanes.default.match[0].equals", "needs equals"},
                {"- tag_suffix: [a.b]", "lanes.default.match[0].tag_suffix", "without dots"},
                {"- banana: 1", "lanes.default.match[0].banana", "unknown key"},
                {"- content: access_line\n        tag_suffix: x", "lanes.default.match[0]", "exactly one"},
                {"- equals: x", "lanes.default.match[0]", "exactly one"},
                {"- just_a_string", "lanes.default.match[0]", "a rule is a mapping"},
        };
        for (String[] c : cases) {
            String yaml = "lanes:\n  default:\n    match:\n      " + c[0] + "\n";
            List<ConfigException> errors = ConfigLoader.check(new ConfigSource("r.yaml", yaml));
            assertThat(errors).as(c[0]).hasSize(1);
            assertThat(errors.get(0).key()).as(c[0]).isEqualTo(c[1]);
            assertThat(errors.get(0).line()).as(c[0]).isEqualTo(4);
            assertThat(errors.get(0).getMessage()).as(c[0]).contains(c[2]);
        }
    }

    @Test
    void theDefaultLaneIsRequiredAfterLayering() {
        assertThatThrownBy(() -> ConfigLoader.load(new ConfigSource("x.yaml", "lanes:\n  access: {}\n")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("x.yaml:1: lanes.default: the default lane is required");
    }

    @Test
    void syntaxErrorsDuplicateKeysAndUnreadableFilesAreReported(@TempDir Path dir) throws Exception {
        List<ConfigException> syntax = ConfigLoader.check(new ConfigSource("s.yaml", "lanes:\n  default: {\n  bad: [\n"));
        assertThat(syntax).hasSize(1);
        assertThat(syntax.get(0).key()).isEqualTo("(yaml)");
        assertThat(syntax.get(0).line()).isGreaterThan(1);

        List<ConfigException> dup = ConfigLoader.check(new ConfigSource("d.yaml", "lanes:\n  default: {}\nquery:\n  timeout: 1s\n  timeout: 2s\n"));
        assertThat(dup).extracting(e -> e.line() + " " + e.key()).containsExactly("5 query");
        assertThat(dup.get(0).getMessage()).contains("duplicate key \"timeout\"");

        Path missing = dir.resolve("nope.yaml");
        assertThatThrownBy(() -> ConfigLoader.load(List.of(missing)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("nope.yaml:1: (file): cannot read");
        Path ok = dir.resolve("ok.yaml");
        Files.writeString(ok, MINIMAL);
        assertThat(ConfigLoader.check(List.of(ok, missing))).hasSize(1);
        assertThat(ConfigLoader.load(List.of(ok)).lanes()).containsKey("default");
    }

    @Test
    void listenersMayNotShareAPort() {
        String yaml = """
                server: {http_port: 9000}
                inputs:
                  - type: forward
                    port: 9000
                lanes: {default: {}}
                """;
        List<ConfigException> errors = ConfigLoader.check(new ConfigSource("p.yaml", yaml));
        assertThat(errors).extracting(e -> e.line() + " " + e.key()).containsExactly("4 inputs.forward.port");
        assertThat(errors.get(0).getMessage()).contains("already used by server.http_port");
    }

    @Test
    void rateBurstDefaultsToOneSecondOfRate() throws Exception {
        LoglaneConfig c = ConfigLoader.load(new ConfigSource("r.yaml", "lanes:\n  default:\n    rate: {events_per_second: 2.5}\n"));
        assertThat(c.lane("default").rate()).isEqualTo(new RateLimit(2.5, 3));
    }

    @Test
    void anEmptyFileChangesNothing() throws Exception {
        LoglaneConfig c = ConfigLoader.load(new ConfigSource("a.yaml", MINIMAL), new ConfigSource("empty.yaml", "# nothing\n"));
        assertThat(c.lanes()).containsOnlyKeys("default");
    }

    @Test
    void commandLineFlagsAreTheLastLayer(@TempDir Path dir) throws Exception {
        String yaml = """
                server: {data_dir: /srv/loglane, http_port: 9000}
                inputs:
                  - type: forward
                    name: a
                    port: 24224
                    max_frame_bytes: 1MiB
                  - type: forward
                    name: b
                    port: 24225
                  - type: http
                lanes: {default: {}}
                """;
        List<CommandLineFlag> flags = List.of(
                new CommandLineFlag("--data", "server.data_dir", "/tmp/elsewhere"),
                new CommandLineFlag("--http-port", "server.http_port", "0"),
                new CommandLineFlag("--forward-port", "inputs[forward].port", "0"));
        List<Path> file = List.of(Files.writeString(dir.resolve("f.yaml"), yaml));
        LoglaneConfig c = ConfigLoader.load(file, flags);
        assertThat(c.server().dataDir()).isEqualTo(Path.of("/tmp/elsewhere"));
        assertThat(c.archive().dir()).as("derived from the data dir").isEqualTo(Path.of("/tmp/elsewhere/archive"));
        assertThat(c.server().httpPort()).isZero();
        assertThat(c.inputs()).extracting(InputSpec::name, InputSpec::port).containsExactly(
                org.assertj.core.groups.Tuple.tuple("a", 0), org.assertj.core.groups.Tuple.tuple("b", 0),
                org.assertj.core.groups.Tuple.tuple("http", 0));
        assertThat(c.inputs().get(0).longOption("max_frame_bytes", 0)).as("the rest of the input stays").isEqualTo(1L << 20);

        assertThat(ConfigLoader.check(file, List.of(new CommandLineFlag("--http-port", "server.http_port", "http"))))
                .extracting(ConfigException::getMessage).containsExactly("(command line): --http-port: bad integer \"http\"");
        assertThat(ConfigLoader.check(file, List.of(new CommandLineFlag("--forward-port", "inputs[forward].port", "9000"))))
                .extracting(ConfigException::getMessage).containsOnly(
                        "(command line): --forward-port: port 9000 on 127.0.0.1 is already used by server.http_port");
    }

    @Test
    void thereIsAtMostOneHttpInput() {
        String yaml = "inputs:\n  - type: http\n  - type: http\n    name: web\nlanes: {default: {}}\n";
        assertThat(ConfigLoader.check(new ConfigSource("h.yaml", yaml))).extracting(ConfigException::getMessage)
                .containsExactly("h.yaml:3: inputs.web.type: only one http input may be declared "
                        + "(it is served on server.http_port); inputs.http is one already");
    }
}
