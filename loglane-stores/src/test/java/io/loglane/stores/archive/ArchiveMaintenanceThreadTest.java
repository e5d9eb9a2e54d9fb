package io.loglane.stores.archive;

import static io.loglane.stores.archive.TestRecords.lines;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.loglane.core.config.Retention;
import io.loglane.core.telemetry.MetricNames;
import io.loglane.stores.duckdb.DuckDbDriver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compaction and retention run on the sink's maintenance thread, not on the delivery thread: a
 * compaction held up in its put (a gated real storage) does not hold up a flush; close and a
 * reopen wait for it; and compactions running while delivery keeps flushing late events into the
 * same closed hours store every row exactly once. Every sink call is made from one "delivery"
 * thread, as the engine does, and waited for with a bound: a call stuck behind a compaction fails
 * the test instead of hanging it.
 */
@Timeout(300) // generous: the bounds only catch a call stuck behind a compaction, and a loaded CI machine is slow
class ArchiveMaintenanceThreadTest {
    private static final String MERGED = ArchiveLayout.fileName(0, 0, 29);

    @TempDir Path dir;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T12:00:00Z"));
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ExecutorService delivery = Executors.newSingleThreadExecutor();
    private final List<ArchiveSink> sinks = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        delivery.submit(() -> {
            for (ArchiveSink s : sinks) {
                s.close();
            }
            return null;
        }).get(90, TimeUnit.SECONDS);
        delivery.shutdown();
    }

    private ArchiveSink sink(ArchiveStorage storage, int flushRows, Duration maintenanceInterval) {
        ArchiveSettings settings = new ArchiveSettings(dir, flushRows, 64L << 20, Duration.ofMinutes(10), Duration.ofMinutes(10), 2,
                maintenanceInterval);
        ArchiveSink s = new ArchiveSink("app", null, settings, new Retention(Duration.ZERO, 0), true, registry, clock, storage);
        sinks.add(s);
        return s;
    }

    /** Runs {@code call} on the delivery thread and waits for it, at most 60 s. */
    private <T> T deliver(Callable<T> call) throws Exception {
        return delivery.submit(call).get(60, TimeUnit.SECONDS);
    }

    /** Three committed files in hour 08 (closed), then the flush whose periodic pass starts merging them into 0..29. */
    private static long threeCommittedFilesThenAPeriodicFlush(ArchiveSink s) throws Exception {
        s.open(0);
        for (int i = 0; i < 3; i++) {
            s.write(lines(i * 10L, 10, "2026-03-01T08:%02d:00Z".formatted(i * 10)));
            s.flush(true);
        }
        return s.flush(false); // the engine acted on 30: everything is committed; maintenance is due
    }

    private List<String> parquetNames() throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".parquet") || n.endsWith(".tmp")).sorted().toList();
        }
    }

    /** count(*) and count(DISTINCT message) over the lane's live files, as loglane's own views read them. */
    private List<Long> countLive(ArchiveStorage storage) throws Exception {
        List<String> keys = ArchiveLayout.liveFiles(storage, "app");
        if (keys.isEmpty()) {
            return List.of(0L, 0L);
        }
        String files = keys.stream().map(k -> "'" + storage.location(k) + "'").collect(Collectors.joining(", ", "[", "]"));
        try (Connection c = DuckDbDriver.connect(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*), count(DISTINCT message) FROM read_parquet(" + files
                        + ", hive_partitioning=false, union_by_name=true)")) {
            rs.next();
            return List.of(rs.getLong(1), rs.getLong(2));
        }
    }

    /** Runs {@code call} on the delivery thread, checks it is still waiting while the merge is held at the gate, then opens it. */
    private void waitsForTheGate(String what, GatedStorage storage, Callable<Object> call) throws Exception {
        Future<Object> f = delivery.submit(call);
        assertThatThrownBy(() -> f.get(500, TimeUnit.MILLISECONDS)).as(what + " waits while the merge is in its put")
                .isInstanceOf(TimeoutException.class);
        storage.open();
        f.get(60, TimeUnit.SECONDS);
    }

    /**
     * Counts the lane over and over until {@code done}: no count may hold a row twice or more rows
     * than were written when it ended. A count failing on a file deleted under it is tried again.
     *
     * @return how many counts succeeded
     */
    private static Future<Long> reader(Callable<List<Long>> count, AtomicLong written, AtomicBoolean done) {
        return Executors.newVirtualThreadPerTaskExecutor().submit(() -> {
            long counted = 0;
            while (!done.get()) {
                List<Long> n;
                try {
                    n = count.call();
                } catch (SQLException e) {
                    continue; // a listed file was compacted away before it was read: list again
                }
                assertThat(n.get(0)).as("no row read twice").isEqualTo(n.get(1));
                assertThat(n.get(0)).as("never more rows than written").isLessThanOrEqualTo(written.get());
                counted++;
            }
            return counted;
        });
    }

    @Test
    void aCompactionHeldUpInItsPutDoesNotHoldUpTheNextFlush() throws Exception {
        GatedStorage storage = new GatedStorage(dir, k -> k.endsWith(MERGED));
        ArchiveSink s = sink(storage, 1_000_000, Duration.ofSeconds(30));
        assertThat(deliver(() -> threeCommittedFilesThenAPeriodicFlush(s))).isEqualTo(30);
        assertThat(storage.awaitReached()).as("the periodic pass started merging hour 08").isTrue();

        // The merged file is still waiting at its put: delivery goes on regardless.
        assertThat(deliver(() -> {
            s.write(lines(30, 10, "2026-03-01T12:00:00Z"));
            return s.flush(true);
        })).isEqualTo(40);
        assertThat(parquetNames()).as("the sources are untouched while the merge waits").contains(
                ArchiveLayout.fileName(0, 0, 9), ArchiveLayout.fileName(0, 10, 19), ArchiveLayout.fileName(0, 20, 29),
                ArchiveLayout.fileName(0, 30, 39));

        storage.open();
        deliver(() -> {
            s.awaitMaintenance();
            return null;
        });
        assertThat(ArchiveLayout.liveFiles(storage, "app")).containsExactly(
                "lane=app/date=2026-03-01/hour=08/" + MERGED, "lane=app/date=2026-03-01/hour=12/" + ArchiveLayout.fileName(0, 30, 39));
        assertThat(countLive(storage)).containsExactly(40L, 40L);
        assertThat(registry.counter(ArchiveMetrics.COMPACTIONS, MetricNames.LANE, "app").count()).isEqualTo(1.0);
    }

    @Test
    void aFailingCompactionIsCountedAndTriedAgainWhileDeliveryGoesOn() throws Exception {
        GatedStorage storage = new GatedStorage(dir, k -> k.endsWith(MERGED));
        storage.open();
        storage.failing(true); // the merged file cannot be written: the disk is full
        ArchiveSink s = sink(storage, 1_000_000, Duration.ofSeconds(30));
        deliver(() -> {
            threeCommittedFilesThenAPeriodicFlush(s);
            s.awaitMaintenance();
            return null;
        });
        assertThat(registry.counter(ArchiveMetrics.MAINTENANCE_FAILURES, MetricNames.LANE, "app").count()).isEqualTo(1.0);
        assertThat(deliver(() -> {
            s.write(lines(30, 10, "2026-03-01T12:00:00Z"));
            return s.flush(true);
        })).as("delivery is not failed by its archive's maintenance").isEqualTo(40);

        storage.failing(false);
        clock.advance(Duration.ofSeconds(30));
        deliver(() -> {
            s.flush(false); // the next periodic pass
            s.awaitMaintenance();
            return null;
        });
        assertThat(ArchiveLayout.liveFiles(storage, "app")).containsExactly(
                "lane=app/date=2026-03-01/hour=08/" + MERGED, "lane=app/date=2026-03-01/hour=12/" + ArchiveLayout.fileName(0, 30, 39));
        assertThat(countLive(storage)).containsExactly(40L, 40L);
        assertThat(registry.counter(ArchiveMetrics.MAINTENANCE_FAILURES, MetricNames.LANE, "app").count()).isEqualTo(1.0);
    }

    @Test
    void closeWaitsForTheRunningCompactionToFinish() throws Exception {
        GatedStorage storage = new GatedStorage(dir, k -> k.endsWith(MERGED));
        ArchiveSink s = sink(storage, 1_000_000, Duration.ofSeconds(30));
        deliver(() -> threeCommittedFilesThenAPeriodicFlush(s));
        assertThat(storage.awaitReached()).isTrue();

        waitsForTheGate("close", storage, () -> {
            s.close();
            return null;
        });
        assertThat(ArchiveLayout.liveFiles(storage, "app")).as("the compaction finished: merged file in, sources covered")
                .containsExactly("lane=app/date=2026-03-01/hour=08/" + MERGED);
        assertThat(parquetNames()).as("nothing temporary left").noneMatch(n -> n.endsWith(".tmp"));
    }

    @Test
    void aReopenWaitsForTheRunningCompactionThenRecovers() throws Exception {
        GatedStorage storage = new GatedStorage(dir, k -> k.endsWith(MERGED));
        ArchiveSink s = sink(storage, 1_000_000, Duration.ofSeconds(30));
        deliver(() -> threeCommittedFilesThenAPeriodicFlush(s));
        assertThat(storage.awaitReached()).isTrue();
        // A flush the engine never commits: it fails and reopens at 30, while the merge still waits.
        assertThat(deliver(() -> {
            s.write(lines(30, 10, "2026-03-01T12:00:00Z"));
            return s.flush(true);
        })).isEqualTo(40);

        waitsForTheGate("open (recovery)", storage, () -> {
            s.open(30);
            return null;
        });
        assertThat(parquetNames()).as("the merge finished before recovery, which removed the uncommitted 30..39")
                .containsExactly(MERGED);
        assertThat(countLive(storage)).containsExactly(30L, 30L);
    }

    @Test
    void compactionsRunningWhileDeliveryFlushesLateEventsIntoTheSameHoursStoreEveryRowOnceForEveryReader() throws Exception {
        LocalArchiveStorage storage = new LocalArchiveStorage(dir);
        ArchiveSink s = sink(storage, 20, Duration.ofMillis(1));
        String[] hours = {"2026-03-01T08:00:00Z", "2026-03-01T09:00:00Z", "2026-03-01T12:00:00Z"};
        int batches = 240;
        AtomicLong written = new AtomicLong();
        AtomicBoolean done = new AtomicBoolean();
        // Two readers count while compactions replace files under them: loglane's (the live
        // files of a listing) and an outside one (DuckDB over the symlink manifests).
        Future<Long> reader = reader(() -> countLive(storage), written, done);
        Future<Long> outside = reader(() -> ManifestReader.count(dir, "app"), written, done);
        deliver(() -> {
            s.open(0);
            for (int i = 0; i < batches; i++) {
                written.addAndGet(10);
                s.write(lines(i * 10L, 10, hours[i % hours.length].replace(":00:00", ":%02d:00".formatted(i % 60))));
                s.flush(false); // due every second batch; a maintenance pass whenever the last one is over
                clock.advance(Duration.ofMillis(5));
            }
            s.flush(true);
            s.flush(true); // the engine committed the last result
            return null;
        });
        done.set(true);
        assertThat(reader.get(60, TimeUnit.SECONDS)).as("the reader counted while delivery ran").isPositive();
        assertThat(outside.get(60, TimeUnit.SECONDS)).as("the manifest reader counted while delivery ran").isPositive();
        double concurrent = registry.counter(ArchiveMetrics.COMPACTIONS, MetricNames.LANE, "app").count();
        deliver(() -> {
            s.awaitMaintenance();
            return s.compactNow(); // whatever the last pass left of the closed hours
        });
        assertThat(concurrent).as("compactions ran while delivery flushed").isPositive();
        assertThat(countLive(storage)).containsExactly(batches * 10L, batches * 10L);
        assertThat(ManifestReader.count(dir, "app")).as("once quiet, the manifests list every row").containsExactly(batches * 10L, batches * 10L);
        assertThat(ArchiveLayout.liveFiles(storage, "app")).as("hour 08 ends compacted")
                .filteredOn(k -> k.contains("hour=08/")).hasSize(1);
    }
}
