package io.loglane.stores.archive;

import static io.loglane.stores.archive.TestRecords.lines;
import static org.assertj.core.api.Assertions.assertThat;

import io.loglane.core.config.Retention;
import io.loglane.stores.duckdb.DuckDbDriver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Hive symlink manifests ({@code _symlink_format_manifest/lane=…/date=…/hour=…/manifest}) that
 * outside readers use instead of a glob: each flush, compaction, retention and recovery leaves
 * every partition's manifest listing exactly its live files, so a reader of the manifests (DuckDB
 * here, {@link ManifestReader}) counts every row once, also where a glob counts a compaction's
 * sources twice, and after a crash at any point between a put and its manifest.
 */
@Timeout(60)
class SymlinkManifestTest {
    private static final String HOUR_08 = "lane=app/date=2026-03-01/hour=08/";
    private static final String HOUR_09 = "lane=app/date=2026-03-01/hour=09/";

    @TempDir Path dir;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T12:00:00Z"));
    private final List<ArchiveSink> sinks = new ArrayList<>();
    @AfterEach
    void close() throws Exception {
        for (ArchiveSink s : sinks) {
            s.close();
        }
    }

    private LocalArchiveStorage storage() {
        return new LocalArchiveStorage(dir);
    }

    private ArchiveSink sink(Retention retention) {
        ArchiveSettings settings = new ArchiveSettings(dir, 1_000_000, 64L << 20, Duration.ofMinutes(10), Duration.ofMinutes(10), 2,
                Duration.ofSeconds(30));
        ArchiveSink s = new ArchiveSink("app", null, settings, retention, true, new SimpleMeterRegistry(), clock, storage());
        sinks.add(s);
        return s;
    }

    private ArchiveSink sink() {
        return sink(new Retention(Duration.ZERO, 0));
    }

    /** The manifest of a partition as lines, or null when it has none. */
    private List<String> manifest(String partition) throws Exception {
        Path p = dir.resolve(SymlinkManifests.keyOf(partition));
        return Files.exists(p) ? Files.readAllLines(p) : null;
    }

    private String location(String partition, long first, long last) {
        return storage().location(partition + ArchiveLayout.fileName(0, first, last));
    }

    /** Three flushes of ten rows into hour 08, all committed ({@code flush(true)} each, then the engine acts on 30). */
    private static void threeFilesInHour08(ArchiveSink s) throws Exception {
        for (int i = 0; i < 3; i++) {
            s.write(lines(i * 10L, 10, "2026-03-01T08:%02d:00Z".formatted(i * 10)));
            s.flush(true);
        }
    }

    private long globCount() throws Exception {
        try (Connection c = DuckDbDriver.connect(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM read_parquet('" + new ArchiveLayout(dir).laneGlob("app")
                        + "', hive_partitioning=false)")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void eachFlushListsItsFileInTheManifestOfEveryHourItWrote() throws Exception {
        ArchiveSink s = sink();
        s.open(0);
        s.write(lines(0, 3, "2026-03-01T08:59:58Z")); // two rows in hour 08, one in hour 09
        assertThat(s.flush(true)).isEqualTo(3);
        s.write(lines(3, 2, "2026-03-01T09:10:00Z"));
        assertThat(s.flush(true)).isEqualTo(5);
        assertThat(manifest(HOUR_08)).containsExactly(location(HOUR_08, 0, 2));
        assertThat(manifest(HOUR_09)).containsExactly(location(HOUR_09, 0, 2), location(HOUR_09, 3, 4));
        assertThat(ManifestReader.count(dir, "app")).containsExactly(5L, 5L);
    }

    @Test
    void aCompactionsSourcesLeaveTheManifestInTheReplacementThatAddsTheMergedFileAndAreDeletedAfterTheGrace() throws Exception {
        ArchiveSink s = sink();
        s.open(0);
        threeFilesInHour08(s);
        assertThat(s.compactNow()).isEqualTo(1); // committed 20: merges 0..9 and 10..19
        assertThat(manifest(HOUR_08)).containsExactly(location(HOUR_08, 0, 19), location(HOUR_08, 20, 29));
        assertThat(globCount()).as("the sources are still there for readers of the old manifest: a glob counts them twice")
                .isEqualTo(50);
        assertThat(ManifestReader.count(dir, "app")).containsExactly(30L, 30L);

        clock.advance(Duration.ofSeconds(29));
        s.compactNow();
        assertThat(Files.exists(dir.resolve(HOUR_08 + ArchiveLayout.fileName(0, 0, 9)))).as("within the grace").isTrue();
        clock.advance(Duration.ofSeconds(1));
        s.compactNow();
        assertThat(Files.exists(dir.resolve(HOUR_08 + ArchiveLayout.fileName(0, 0, 9)))).as("a maintenance interval later").isFalse();
        assertThat(globCount()).isEqualTo(30);
        assertThat(manifest(HOUR_08)).containsExactly(location(HOUR_08, 0, 19), location(HOUR_08, 20, 29));
    }

    @Test
    void aCompactionKilledBetweenItsPutAndItsManifestIsRepairedAtStart() throws Exception {
        ArchiveSink s = sink();
        s.open(0);
        threeFilesInHour08(s);
        s.close();
        // kill -9 right after the merged file of 0..19 was put, before the manifest was replaced
        Path tmp = storage().newTempFile(HOUR_08 + ArchiveLayout.fileName(0, 0, 19));
        try (ParquetWriter w = new ParquetWriter("app", List.of())) {
            w.merge(List.of(Path.of(location(HOUR_08, 0, 9)), Path.of(location(HOUR_08, 10, 19))), tmp);
        }
        storage().put(tmp, HOUR_08 + ArchiveLayout.fileName(0, 0, 19));
        assertThat(ManifestReader.count(dir, "app")).as("the old manifest still lists the sources: consistent")
                .containsExactly(30L, 30L);

        sink().open(30);
        assertThat(manifest(HOUR_08)).containsExactly(location(HOUR_08, 0, 19), location(HOUR_08, 20, 29));
        assertThat(ManifestReader.count(dir, "app")).containsExactly(30L, 30L);
    }

    @Test
    void aFlushThatWasNeverCommittedLeavesNoManifestAfterRestart() throws Exception {
        ArchiveSink s = sink();
        s.open(0);
        s.write(lines(0, 3, "2026-03-01T09:00:00Z"));
        assertThat(s.flush(true)).isEqualTo(3);
        s.write(lines(3, 3, "2026-03-01T08:00:00Z"));
        assertThat(s.flush(true)).isEqualTo(6); // put, manifest written; killed before the engine committed 6
        assertThat(manifest(HOUR_08)).hasSize(1);
        s.close();

        sink().open(3);
        assertThat(manifest(HOUR_08)).as("the file was deleted by recovery, and the manifest with it").isNull();
        assertThat(manifest(HOUR_09)).containsExactly(location(HOUR_09, 0, 2));
        assertThat(ManifestReader.count(dir, "app")).containsExactly(3L, 3L);
    }

    @Test
    void aMissingOrWrongManifestIsRewrittenFromTheListingAtStart() throws Exception {
        ArchiveSink s = sink();
        s.open(0);
        s.write(lines(0, 3, "2026-03-01T08:00:00Z"));
        s.write(lines(3, 3, "2026-03-01T09:00:00Z"));
        assertThat(s.flush(true)).isEqualTo(6);
        s.close();
        // Retention killed after deleting hour 08's manifest; hour 09's overwritten by hand.
        Files.delete(dir.resolve(SymlinkManifests.keyOf(HOUR_08)));
        Files.writeString(dir.resolve(SymlinkManifests.keyOf(HOUR_09)), "/nowhere/x.parquet\n");

        sink().open(6);
        assertThat(manifest(HOUR_08)).containsExactly(location(HOUR_08, 0, 5));
        assertThat(manifest(HOUR_09)).containsExactly(location(HOUR_09, 0, 5));
        assertThat(ManifestReader.count(dir, "app")).containsExactly(6L, 6L);
    }

    @Test
    void retentionDeletesAPartitionsManifestWithItsFiles() throws Exception {
        ArchiveSink s = sink(new Retention(Duration.ofHours(3), 0));
        s.open(0);
        s.write(lines(0, 3, "2026-03-01T08:00:00Z")); // ended 09:00: more than 3 h before 12:00
        s.write(lines(3, 3, "2026-03-01T09:00:00Z"));
        assertThat(s.flush(true)).isEqualTo(6);
        assertThat(s.enforceRetention()).isEqualTo(1);
        assertThat(manifest(HOUR_08)).isNull();
        assertThat(manifest(HOUR_09)).containsExactly(location(HOUR_09, 0, 5));
        assertThat(ManifestReader.count(dir, "app")).containsExactly(3L, 3L);
    }
}
