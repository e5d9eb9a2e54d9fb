package io.loglane.stores.archive;

import static org.assertj.core.api.Assertions.assertThat;

import io.loglane.core.config.ConfigCatalog;
import io.loglane.core.config.ConfigException;
import io.loglane.core.config.ConfigLoader;
import io.loglane.core.config.ConfigSource;
import io.loglane.core.config.LoglaneConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The {@code archive:} section is declared by the archive ({@link ArchiveKeys}) and read into
 * {@link ArchiveSettings}; with {@code lanes.<name>.compact} it steers archive maintenance.
 */
class ArchiveKeysTest {
    /** A loader that knows only the archive: its keys need nothing else. */
    private static final ConfigLoader LOADER = new ConfigLoader(new ConfigCatalog(List.of(), List.of(ArchiveKeys.INSTANCE)));

    private static ArchiveSettings settings(LoglaneConfig c) {
        return ArchiveSettings.from(c.store(ArchiveKeys.NAME), c.server());
    }

    @Test
    void unsetKeysTakeTheDeclaredDefaultsAndTheDirFollowsTheDataDir() throws Exception {
        LoglaneConfig c = LOADER.load(new ConfigSource("min.yaml", "server: {data_dir: /srv/ll}\nlanes:\n  default: {}\n"));
        assertThat(settings(c)).isEqualTo(new ArchiveSettings(Path.of("/srv/ll/archive"), 500_000, 128L << 20,
                Duration.ofSeconds(30), Duration.ofMinutes(10), 4, Duration.ofSeconds(30),
                new io.loglane.core.os.BackgroundPriority(10))); // the server's background_nice
        assertThat(c.lane("default").to()).as("lanes go to the archive unless they say otherwise").containsExactly("archive");
        LoglaneConfig moved = LOADER.load(new ConfigSource("d.yaml", "lanes: {default: {}}\narchive: {dir: /mnt/cold}\n"));
        assertThat(settings(moved).dir()).isEqualTo(Path.of("/mnt/cold"));
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
        LoglaneConfig c = LOADER.load(new ConfigSource("base.yaml", base), new ConfigSource("over.yaml", over));
        assertThat(ArchiveKeys.compact(c.lane("default"))).isTrue();
        assertThat(ArchiveKeys.compact(c.lane("ledger"))).isFalse();
        assertThat(ArchiveKeys.compact(c.lane("billing"))).isTrue();
        assertThat(settings(c).maintenanceInterval()).isEqualTo(Duration.ofMillis(250));
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
                  flush_rows: 0
                  flush_size: lots
                  colour: blue
                """;
        List<ConfigException> errors = LOADER.check(new ConfigSource("c.yaml", yaml));
        assertThat(errors).extracting(e -> e.file() + ":" + e.line() + " " + e.key()).containsExactly(
                "c.yaml:3 lanes.default.compact",
                "c.yaml:5 lanes.ledger.compact",
                "c.yaml:7 archive.maintenance_interval",
                "c.yaml:8 archive.flush_rows",
                "c.yaml:9 archive.flush_size",
                "c.yaml:10 archive.colour");
        assertThat(errors.get(0).getMessage()).endsWith("must be true or false, got \"yes\"");
        assertThat(errors.get(2).getMessage()).endsWith("must be greater than 0");
        assertThat(errors.get(5).getMessage()).contains("unknown key (known here: dir, flush_rows, flush_size, flush_age, "
                + "compact_after, compact_min_files, maintenance_interval)");
    }
}
