package io.loglane.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.loglane.core.config.CommandLineFlag;
import io.loglane.core.config.ConfigSource;
import io.loglane.core.config.Durability;
import io.loglane.core.config.InputSpec;
import io.loglane.core.config.LaneSpec;
import io.loglane.core.config.LoglaneConfig;
import io.loglane.core.config.MatchRule;
import io.loglane.core.config.RateLimit;
import io.loglane.stores.archive.ArchiveKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bundled config/loglane.yaml, loaded with this build's registered input and store types. */
class BundledConfigTest {
    private static final Path BUNDLED = TestNode.BUNDLED;

    @Test
    void bundledConfigHasTheReferenceLanes() throws Exception {
        LoglaneConfig c = RegisteredTypes.LOADER.load(List.of(BUNDLED));
        assertThat(c.lanes().keySet()).containsExactly("access", "activity", "trace", "error", "audit", "default");
        LaneSpec access = c.lane("access");
        assertThat(access.parser()).isEqualTo(io.loglane.core.parse.ParserSpec.named("nginx_combined"));
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
        assertThat(c.lanes().values()).allSatisfy(l -> assertThat(l.to()).as(l.name()).containsExactlyElementsOf(
                java.util.Set.of("access", "error", "trace").contains(l.name()) ? List.of("archive", "index") : List.of("archive")));
        assertThat(IndexStoreType.settings(c).refreshInterval()).as("searchable within a second").isLessThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(c.inputs()).extracting(InputSpec::type).containsExactly("forward", "http", "cloudwatch", "otlp");
        assertThat(c.inputs().get(0).port()).isEqualTo(24224);
        assertThat(c.inputs().get(0).longOption("max_frame_bytes", 0)).isEqualTo(16L << 20);
        assertThat(c.inputs().get(1).port()).isEqualTo(8080);
        assertThat(access.origin().file()).isEqualTo(BUNDLED.toString());
        assertThat(RegisteredTypes.LOADER.check(List.of(BUNDLED))).isEmpty();
    }

    @Test
    void userFileLayersOverTheBundledDefaults() throws Exception {
        LoglaneConfig c = RegisteredTypes.LOADER.load(new ConfigSource(BUNDLED.toString(), Files.readString(BUNDLED)),
                new ConfigSource("mine.yaml", "lanes:\n  audit:\n    retention: {age: 10y}\n"));
        assertThat(c.lane("audit").retention().maxAge()).isEqualTo(Duration.ofDays(3650));
        assertThat(c.lane("audit").durability()).isEqualTo(Durability.SYNC);
    }

    @Test
    void bundledConfigCompactsEveryLaneButAudit() throws Exception {
        LoglaneConfig c = RegisteredTypes.LOADER.load(List.of(BUNDLED));
        assertThat(c.lanes().values()).allSatisfy(l -> assertThat(ArchiveKeys.compact(l)).as(l.name()).isEqualTo(!l.name().equals("audit")));
        assertThat(ArchiveStoreType.settings(c).maintenanceInterval()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void theArchiveFollowsTheDataDirGivenOnTheCommandLine() throws Exception {
        LoglaneConfig c = RegisteredTypes.LOADER.load(List.of(BUNDLED),
                List.of(new CommandLineFlag("--data", "server.data_dir", "/tmp/elsewhere")));
        assertThat(ArchiveStoreType.settings(c).dir()).isEqualTo(Path.of("/tmp/elsewhere/archive"));
    }
}
