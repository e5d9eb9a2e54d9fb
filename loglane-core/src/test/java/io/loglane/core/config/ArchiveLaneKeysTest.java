package io.loglane.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The keys that steer archive maintenance: {@code lanes.<name>.compact} and {@code archive.maintenance_interval}. */
class ArchiveLaneKeysTest {
    @Test
    void bundledConfigCompactsEveryLaneButAudit() throws Exception {
        LoglaneConfig c = ConfigLoader.load(List.of(ConfigLoaderTest.BUNDLED));
        assertThat(c.lanes().values()).allSatisfy(l -> assertThat(l.compact()).as(l.name()).isEqualTo(!l.name().equals("audit")));
        assertThat(c.archive().maintenanceInterval()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void compactDefaultsToTrueAndLayersLikeAnyLaneKey() throws Exception {
        String base = """
                lanes:
                  default: {}
                  ledger:
                    compact: false
                  billing:
                    compact: false
                archive:
                  maintenance_interval: 250ms
                """;
        String over = """
                lanes:
                  billing:
                    compact: true
                """;
        LoglaneConfig c = ConfigLoader.load(new ConfigSource("base.yaml", base), new ConfigSource("over.yaml", over));
        assertThat(c.lane("default").compact()).isTrue();
        assertThat(c.lane("ledger").compact()).isFalse();
        assertThat(c.lane("billing").compact()).isTrue();
        assertThat(c.archive().maintenanceInterval()).isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void badValuesNameFileLineAndKey() {
        String yaml = """
                lanes:
                  default:
                    compact: yes
                  ledger:
                    compact: 0
                archive:
                  maintenance_interval: 0s
                """;
        List<ConfigException> errors = ConfigLoader.check(new ConfigSource("c.yaml", yaml));
        assertThat(errors).extracting(e -> e.file() + ":" + e.line() + " " + e.key()).containsExactly(
                "c.yaml:3 lanes.default.compact",
                "c.yaml:5 lanes.ledger.compact",
                "c.yaml:7 archive.maintenance_interval");
        assertThat(errors.get(0).getMessage()).endsWith("must be true or false, got \"yes\"");
        assertThat(errors.get(2).getMessage()).endsWith("must be greater than 0");
    }
}
