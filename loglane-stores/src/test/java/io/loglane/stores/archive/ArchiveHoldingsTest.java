package io.loglane.stores.archive;

import static io.loglane.stores.archive.TestRecords.lines;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loglane.core.config.Retention;
import io.loglane.stream.StoredBatch;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the archive says it holds of a range ({@link ArchiveSink#durablyStored}), read from its files alone. */
@org.junit.jupiter.api.Timeout(60)
class ArchiveHoldingsTest {
    @TempDir Path dir;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T12:00:00Z"));
    private final List<ArchiveSink> sinks = new ArrayList<>();

    @AfterEach
    void closeSinks() throws Exception {
        for (ArchiveSink s : sinks) {
            s.close();
        }
    }

    private ArchiveSink sink(String lane, int partition) throws Exception {
        ArchiveSettings settings = new ArchiveSettings(dir, 1_000_000, 64L << 20, Duration.ofSeconds(60), Duration.ofMinutes(10), 2,
                Duration.ofSeconds(30));
        ArchiveSink s = new ArchiveSink(ArchiveSink.STORE, partition, lane, null, settings, new Retention(Duration.ZERO, 0), true,
                new SimpleMeterRegistry(), clock, new LocalArchiveStorage(dir));
        sinks.add(s);
        return s;
    }

    /** Writes each batch and force-flushes it: one file per batch and hour. */
    private static void flushed(ArchiveSink s, StoredBatch... batches) throws Exception {
        s.open(batches[0].baseOffset());
        for (StoredBatch b : batches) {
            s.write(b);
            s.flush(true);
        }
    }

    private List<Path> files(String glob) throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> dir.getFileSystem().getPathMatcher("glob:" + glob).matches(p.getFileName())).sorted().toList();
        }
    }

    @Test
    void anArchiveWithoutFilesHoldsNothing() throws Exception {
        assertThat(sink("app", 0).durablyStored(0, 100)).isZero();
    }

    @Test
    void itCountsTheRowsOfTheFilesWithinTheRangeOfItsOwnLaneAndPartitionOnly() throws Exception {
        flushed(sink("app", 0), lines(0, 10, "2026-03-01T12:00:00Z"), lines(10, 10, "2026-03-01T12:01:00Z"), lines(20, 5, "2026-03-01T12:02:00Z"));
        flushed(sink("web", 0), lines(10, 7, "2026-03-01T12:00:00Z")); // another lane, same offsets
        StoredBatch p1 = lines(10, 9, "2026-03-01T12:00:00Z");
        flushed(sink("app", 1), new StoredBatch(1, p1.baseOffset(), p1.tag(), p1.receivedAtNanos(), p1.records(), null, null, null));
        // ↑ another stream partition, same offsets
        ArchiveSink app = sink("app", 0);
        assertThat(app.durablyStored(0, 25)).isEqualTo(25);
        assertThat(app.durablyStored(10, 25)).as("from the commit point on").isEqualTo(15);
        assertThat(app.durablyStored(5, 25)).as("a file reaching below the range is left out whole: never too high").isEqualTo(15);
        assertThat(app.durablyStored(10, 20)).as("nor one reaching past it").isEqualTo(10);
        assertThat(app.durablyStored(25, 100)).isZero();
        assertThat(sink("app", 1).durablyStored(0, 100)).isEqualTo(9);
    }

    @Test
    void aTemporaryFileIsNotCounted() throws Exception {
        flushed(sink("app", 0), lines(0, 10, "2026-03-01T12:00:00Z"));
        Path file = files("p0-*.parquet").getFirst();
        // a flush killed before its rename: the bytes are whole, the name says not committed
        Files.copy(file, file.resolveSibling(".p0-00000000000000000010-00000000000000000019.parquet.tmp"));
        assertThat(sink("app", 0).durablyStored(0, 100)).isEqualTo(10);
    }

    @Test
    void aFlushCutBetweenTheFilesOfItsHoursCountsTheRowsOfTheFilesItPut() throws Exception {
        flushed(sink("app", 0), lines(0, 10, "2026-03-01T12:59:55Z")); // one flush, two hours: 5 rows each
        List<Path> both = files("p0-*.parquet");
        assertThat(both).hasSize(2);
        Files.delete(both.getLast()); // killed after the first hour's put
        ArchiveSink app = sink("app", 0);
        assertThat(app.durablyStored(0, 10)).as("the name claims 0..9; the rows are what is there").isEqualTo(5);
    }

    @Test
    void aDamagedFileMakesTheCountFailRatherThanGuess() throws Exception {
        flushed(sink("app", 0), lines(0, 10, "2026-03-01T12:00:00Z"));
        Path file = files("p0-*.parquet").getFirst();
        byte[] b = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(b, b.length / 2));
        assertThatThrownBy(() -> sink("app", 0).durablyStored(0, 10)).isInstanceOf(SQLException.class);
    }
}
