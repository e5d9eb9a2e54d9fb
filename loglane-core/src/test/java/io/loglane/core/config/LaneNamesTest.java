package io.loglane.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The loader enforces the one lane-name rule of {@link LaneNames}, which the stream and the
 * archive also assert: a name the loader accepts never fails later at start-up, and a name they
 * would refuse is a config error naming file, line and key.
 */
class LaneNamesTest {
    private static final String SIXTY_THREE = "a" + "b".repeat(62);

    static List<String> badNames() {
        return List.of("web-logs", "Access", "9lanes", "_private", "with space", "caf\u00e9", SIXTY_THREE + "c",
                // path traversal: a lane name becomes a directory
                "..", "../etc", "a/../../b", "a/b", "/etc");
    }

    static List<String> goodNames() {
        return List.of("web_logs", "a", "access2", SIXTY_THREE);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badNames")
    void aNameBreakingTheRuleIsAConfigErrorNamingFileLineAndKey(String name) {
        String yaml = "lanes:\n  default: {}\n  \"" + name + "\":\n    durability: disk\n";
        List<ConfigException> errors = TestCatalog.LOADER.check(new ConfigSource("lanes.yaml", yaml));
        assertThat(errors).hasSize(1);
        ConfigException e = errors.get(0);
        assertThat(e.file()).isEqualTo("lanes.yaml");
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.key()).isEqualTo("lanes." + name);
        assertThat(e.getMessage()).contains("bad lane name \"" + name + "\"", LaneNames.RULE);
        assertThatThrownBy(() -> LaneNames.check(name)).as("the stream and archive assert the same rule")
                .isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goodNames")
    void aNameFollowingTheRuleLoadsAndPassesTheDefensiveCheck(String name) throws Exception {
        LoglaneConfig c = TestCatalog.LOADER.load(new ConfigSource("lanes.yaml", "lanes:\n  default: {}\n  " + name + ": {}\n"));
        assertThat(c.lanes()).containsKey(name);
        assertThat(LaneNames.check(name)).isEqualTo(name);
    }
}
