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
    private static final ConfigLoader LOADER = TestCatalog.LOADER;

    private static final String MINIMAL = "lanes:\n  default: {}\n";

    @Test
    void everyUnsetKeyTakesItsSchemaDefault() throws Exception {
        LoglaneConfig c = LOADER.load(new ConfigSource("min.yaml", MINIMAL));
        assertThat(c.server()).isEqualTo(new ServerSettings("127.0.0.1", 8080, Path.of("./data"), 16L << 20, Duration.ofSeconds(30), 1000, Duration.ofHours(1),
                new HttpSecurity(16L << 10, Duration.ofSeconds(10), Duration.ofSeconds(30), null, java.util.List.of()),
                new io.loglane.core.os.BackgroundPriority(10)));
        assertThat(c.stores()).containsOnlyKeys("vault");
        assertThat(c.store("vault").options()).as("a key without a fixed default is absent")
                .containsExactly(java.util.Map.entry("flush_age", Duration.ofSeconds(30)));
        assertThat(c.stream().segmentBytes()).isEqualTo(64L << 20);
        assertThat(c.query().maxRows()).isEqualTo(10_000);
        assertThat(c.query().memoryLimit()).isEqualTo(1L << 30);
        LaneSpec d = c.lane("default");
        assertThat(d.parser()).isEqualTo(io.loglane.core.parse.ParserSpec.named("none"));
        assertThat(d.durability()).isEqualTo(Durability.DISK);
        assertThat(d.to()).as("the first registered store").containsExactly("vault");
        assertThat(d.rate()).isEqualTo(RateLimit.UNLIMITED);
        assertThat(d.origin()).isEqualTo(new ConfigOrigin("min.yaml", 2));
        assertThat(c.inputs()).isEmpty();
    }

    @Test
    void everySchemaDefaultIsValidAndDocumented() {
        for (ConfigKey k : LOADER.schema().keys()) {
            if (k.defaultText() != null) {
                k.defaultValue(); // throws if a default would not pass validation
            }
            assertThat(k.doc()).as(k.path()).isNotBlank();
            assertThat(ConfigReference.markdown(LOADER.schema())).contains("`" + k.path() + "`");
        }
    }

    @Test
    void laterFilesOverrideLaneKeysSettingsAndSameNamedInputs() throws Exception {
        String base = """
                server:
                  http_port: 8080
                inputs:
                  - type: tcp
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
                  - type: tcp
                    name: fw
                    port: 25225
                  - type: tcp
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
        LoglaneConfig c = LOADER.load(new ConfigSource("base.yaml", base), new ConfigSource("over.yaml", over));
        assertThat(c.server().httpPort()).isEqualTo(9090);
        assertThat(c.server().bind()).isEqualTo("127.0.0.1");
        assertThat(c.inputs()).extracting(InputSpec::name, InputSpec::port)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("fw", 25225), org.assertj.core.groups.Tuple.tuple("fw2", 25226));
        LaneSpec access = c.lane("access");
        assertThat(access.retention()).isEqualTo(new Retention(Duration.ofDays(7), 10L << 30));
        assertThat(access.parser()).isEqualTo(io.loglane.core.parse.ParserSpec.named("nginx_combined"));
        assertThat(access.match()).containsExactly(new MatchRule.Content(MatchRule.ContentKind.ACCESS_LINE));
        assertThat(access.origin()).isEqualTo(new ConfigOrigin("over.yaml", 11));
        assertThat(c.lanes().keySet()).containsExactly("access", "default", "billing");
        assertThat(c.lane("billing").durability()).isEqualTo(Durability.SYNC);
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
        LoglaneConfig c = LOADER.load(new ConfigSource("m.yaml", yaml));
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
        assertThatThrownBy(() -> LOADER.load(new ConfigSource("config/loglane.yaml", yaml)))
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
                  - type: web
                    port: 1234
                  - type: tcp
                    max_frame: 12Q
                  - name: nameless
                lanes:
                  default:
                    to: [vault, s3]
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
                vault:
                  flush_age: 0
                query:
                  max_rows: 0
                search: {}
                """;
        List<ConfigException> errors = LOADER.check(new ConfigSource("c.yaml", yaml));
        assertThat(errors).extracting(e -> e.line() + " " + e.key()).containsExactly(
                "2 server.http_port",
                "3 server.colour",
                "5 inputs[0].type",
                "7 inputs[1].port",
                "9 inputs[2].max_frame",
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
                "29 vault.flush_age",
                "31 query.max_rows",
                "32 search");
        assertThat(errors.get(6).getMessage()).contains("unknown destination \"s3\" (known: vault)");
        assertThat(errors.get(3).getMessage()).contains("unknown key for a web input");
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
            List<ConfigException> errors = LOADER.check(new ConfigSource("r.yaml", yaml));
            assertThat(errors).as(c[0]).hasSize(1);
            assertThat(errors.get(0).key()).as(c[0]).isEqualTo(c[1]);
            assertThat(errors.get(0).line()).as(c[0]).isEqualTo(4);
            assertThat(errors.get(0).getMessage()).as(c[0]).contains(c[2]);
        }
    }

    @Test
    void backgroundNiceIsANiceValue() throws Exception {
        assertThat(LOADER.load(new ConfigSource("n.yaml", "server:\n  background_nice: 0\n" + MINIMAL)).server().background())
                .isEqualTo(io.loglane.core.os.BackgroundPriority.NONE);
        assertThatThrownBy(() -> LOADER.load(new ConfigSource("n.yaml", "server:\n  background_nice: 20\n" + MINIMAL)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("n.yaml:2: server.background_nice: must be between 0 and 19");
    }

    @Test
    void queryMemoryLimitIsASizeWithinBounds() throws Exception {
        assertThat(LOADER.load(new ConfigSource("q.yaml", "query:\n  memory_limit: 512MB\n" + MINIMAL)).query().memoryLimit())
                .isEqualTo(512_000_000L);
        assertThatThrownBy(() -> LOADER.load(new ConfigSource("q.yaml", MINIMAL + "query:\n  timeout: 5s\n  memory_limit: 2 GB\n")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("q.yaml:5: query.memory_limit: bad size \"2 GB\" (" + Sizes.HINT + ")");
        assertThatThrownBy(() -> LOADER.load(new ConfigSource("q.yaml", "query:\n  memory_limit: 1MiB\n" + MINIMAL)))
                .isInstanceOf(ConfigException.class)
                .hasMessage("q.yaml:2: query.memory_limit: must be between 64MiB and 16TiB, got 1MiB");
    }

    @Test
    void theDefaultLaneIsRequiredAfterLayering() {
        assertThatThrownBy(() -> LOADER.load(new ConfigSource("x.yaml", "lanes:\n  access: {}\n")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("x.yaml:1: lanes.default: the default lane is required");
    }

    @Test
    void syntaxErrorsDuplicateKeysAndUnreadableFilesAreReported(@TempDir Path dir) throws Exception {
        List<ConfigException> syntax = LOADER.check(new ConfigSource("s.yaml", "lanes:\n  default: {\n  bad: [\n"));
        assertThat(syntax).hasSize(1);
        assertThat(syntax.get(0).key()).isEqualTo("(yaml)");
        assertThat(syntax.get(0).line()).isGreaterThan(1);

        List<ConfigException> dup = LOADER.check(new ConfigSource("d.yaml", "lanes:\n  default: {}\nquery:\n  timeout: 1s\n  timeout: 2s\n"));
        assertThat(dup).extracting(e -> e.line() + " " + e.key()).containsExactly("5 query");
        assertThat(dup.get(0).getMessage()).contains("duplicate key \"timeout\"");

        Path missing = dir.resolve("nope.yaml");
        assertThatThrownBy(() -> LOADER.load(List.of(missing)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("nope.yaml:1: (file): cannot read");
        Path ok = dir.resolve("ok.yaml");
        Files.writeString(ok, MINIMAL);
        assertThat(LOADER.check(List.of(ok, missing))).hasSize(1);
        assertThat(LOADER.load(List.of(ok)).lanes()).containsKey("default");
    }

    @Test
    void listenersMayNotShareAPort() {
        String yaml = """
                server: {http_port: 9000}
                inputs:
                  - type: tcp
                    port: 9000
                lanes: {default: {}}
                """;
        List<ConfigException> errors = LOADER.check(new ConfigSource("p.yaml", yaml));
        assertThat(errors).extracting(e -> e.line() + " " + e.key()).containsExactly("4 inputs.tcp.port");
        assertThat(errors.get(0).getMessage()).contains("already used by server.http_port");
    }

    @Test
    void rateBurstDefaultsToOneSecondOfRate() throws Exception {
        LoglaneConfig c = LOADER.load(new ConfigSource("r.yaml", "lanes:\n  default:\n    rate: {events_per_second: 2.5}\n"));
        assertThat(c.lane("default").rate()).isEqualTo(new RateLimit(2.5, 3));
    }

    @Test
    void anEmptyFileChangesNothing() throws Exception {
        LoglaneConfig c = LOADER.load(new ConfigSource("a.yaml", MINIMAL), new ConfigSource("empty.yaml", "# nothing\n"));
        assertThat(c.lanes()).containsOnlyKeys("default");
    }

    @Test
    void commandLineFlagsAreTheLastLayer(@TempDir Path dir) throws Exception {
        String yaml = """
                server: {data_dir: /srv/loglane, http_port: 9000}
                inputs:
                  - type: tcp
                    name: a
                    port: 24224
                    max_frame: 1MiB
                  - type: tcp
                    name: b
                    port: 24225
                  - type: web
                lanes: {default: {}}
                """;
        List<CommandLineFlag> flags = List.of(
                new CommandLineFlag("--data", "server.data_dir", "/tmp/elsewhere"),
                new CommandLineFlag("--http-port", "server.http_port", "0"),
                new CommandLineFlag("--forward-port", "inputs[tcp].port", "0"));
        List<Path> file = List.of(Files.writeString(dir.resolve("f.yaml"), yaml));
        LoglaneConfig c = LOADER.load(file, flags);
        assertThat(c.server().dataDir()).isEqualTo(Path.of("/tmp/elsewhere"));
        assertThat(c.server().httpPort()).isZero();
        assertThat(c.inputs()).extracting(InputSpec::name, InputSpec::port).containsExactly(
                org.assertj.core.groups.Tuple.tuple("a", 0), org.assertj.core.groups.Tuple.tuple("b", 0),
                org.assertj.core.groups.Tuple.tuple("web", 0));
        assertThat(c.inputs().get(0).longOption("max_frame", 0)).as("the rest of the input stays").isEqualTo(1L << 20);

        assertThat(LOADER.check(file, List.of(new CommandLineFlag("--http-port", "server.http_port", "http"))))
                .extracting(ConfigException::getMessage).containsExactly("(command line): --http-port: bad integer \"http\"");
        assertThat(LOADER.check(file, List.of(new CommandLineFlag("--forward-port", "inputs[tcp].port", "9000"))))
                .extracting(ConfigException::getMessage).containsOnly(
                        "(command line): --forward-port: port 9000 on 127.0.0.1 is already used by server.http_port");
    }

    @Test
    void thereIsAtMostOneInputOfATypeServedOnTheHttpPort() {
        String yaml = "inputs:\n  - type: web\n  - type: web\n    name: site\nlanes: {default: {}}\n";
        assertThat(LOADER.check(new ConfigSource("h.yaml", yaml))).extracting(ConfigException::getMessage)
                .containsExactly("h.yaml:3: inputs.site.type: only one web input may be declared "
                        + "(it is served on server.http_port); inputs.web is one already");
    }
}
