package io.loglane.stream.local;

import static io.loglane.stream.local.LaneContents.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.loglane.core.config.Durability;
import io.loglane.core.config.StreamSettings;
import io.loglane.core.telemetry.MetricNames;
import io.loglane.stream.StoredBatch;
import io.loglane.stream.StreamReader;
import io.loglane.stream.testkit.Fixtures;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bytes that change in a sealed segment after a clean stop: start-up trusts the segment's index and
 * does not see them, so the first reader to get there meets the damage. The lane must recover that
 * segment by itself (quarantine exactly the damaged batch, keep every intact batch before and after
 * it, count the loss) and every reader must read on past the gap, never getting records under
 * wrong offsets.
 */
class CorruptionWhileRunningTest {
    @TempDir Path tmp;

    private static final int BATCHES = 60;
    private final StreamSettings small = Lanes.settings(4096, 1L << 30);
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    /** Writes {@link #BATCHES} batches of 5 records into 4 KiB segments and stops cleanly; returns the segment files. */
    private List<Path> writeLane(Durability durability) throws Exception {
        try (LaneLog log = open(durability)) {
            for (int i = 0; i < BATCHES; i++) log.append(Fixtures.request(5, i)).get(5, TimeUnit.SECONDS);
        }
        List<Path> logs = segmentFiles();
        assertThat(logs.size()).isGreaterThan(3);
        return logs;
    }

    private List<Path> segmentFiles() throws Exception {
        try (Stream<Path> s = Files.list(lane())) {
            return s.filter(p -> p.toString().endsWith(".log")).sorted().toList();
        }
    }

    private LaneLog open(Durability durability) throws Exception {
        return Lanes.open(tmp, Lanes.spec("access", durability), small, Lanes.fixed(), registry);
    }

    private Path lane() { return tmp.resolve("access"); }

    private double counter(String name) {
        return registry.find(name).tag(MetricNames.LANE, "access").counter().count();
    }

    /** The batch in the middle of {@code segment}: {batch number, byte position, length}. */
    private static long[] middleBatch(Path segment) throws Exception {
        List<Long> b = bounds(segment);
        int i = b.size() / 2;
        long base = LaneFiles.baseOffsetOf(segment, ".log");
        long batchNo = base / 5 + i;
        return new long[] {batchNo, b.get(i), b.get(i + 1) - b.get(i)};
    }

    /** A byte of the middle batch's CRC-covered tag and payload. */
    private static final int IN_PAYLOAD = BatchCodec.HEADER_SIZE + 20;

    /**
     * Writes the lane, stops it cleanly and flips the byte at {@code byteInBatch} of the middle batch of
     * segment number {@code segment}; returns that batch as {@link #middleBatch} does.
     */
    private long[] damageMiddleBatch(Durability durability, int segment, int byteInBatch) throws Exception {
        Path file = writeLane(durability).get(segment);
        long[] victim = middleBatch(file);
        flip(file, victim[1] + byteInBatch);
        return victim;
    }

    @Test
    void aCorruptBatchInASealedSegmentIsRecoveredByTheReaderAndEveryOtherBatchIsRead() throws Exception {
        long[] victim = damageMiddleBatch(Durability.SYNC, 1, IN_PAYLOAD);
        Path damaged = segmentFiles().get(1);
        byte[] damagedBatch;
        try (RandomAccessFile f = new RandomAccessFile(damaged.toFile(), "r")) {
            damagedBatch = new byte[(int) victim[2]];
            f.seek(victim[1]);
            f.readFully(damagedBatch);
        }
        try (LaneLog log = open(Durability.SYNC)) {
            assertThat(log.recoveryReport().lossless()).as("start-up trusts the sealed segment's index").isTrue();
            List<StoredBatch> all = readAll(log);
            assertThat(bases(all)).isEqualTo(offsetsExcept(BATCHES, (int) victim[0]));
            assertIntact(all);
            assertThat(counter(MetricNames.STREAM_REPAIRS)).isEqualTo(1);
            assertThat(counter(MetricNames.STREAM_RECORDS_LOST)).isEqualTo(5);
            assertThat(counter(MetricNames.STREAM_BYTES_QUARANTINED)).isEqualTo(victim[2]);
            Path quarantined = LaneFiles.quarantineFile(damaged, victim[1]);
            assertThat(quarantined).as("exactly the damaged batch is quarantined").hasBinaryContent(damagedBatch);

            // A second consumer reading from the start passes the gap without another repair.
            assertThat(bases(readAll(log))).isEqualTo(offsetsExcept(BATCHES, (int) victim[0]));
            assertThat(counter(MetricNames.STREAM_REPAIRS)).isEqualTo(1);
            // The lane takes appends and serves them after the repair.
            long end = log.endOffset();
            log.append(Fixtures.request(5, end / 5)).get(5, TimeUnit.SECONDS);
            assertThat(bases(readFrom(log, end))).containsExactly(end);
        }
        assertThat(LaneInspector.check(lane()).ok()).as("the lane passes stream check").isTrue();
        try (LaneLog log = open(Durability.SYNC)) {
            assertThat(log.recoveryReport().lossless()).as("the repair left a consistent lane: the restart drops nothing").isTrue();
            assertThat(bases(readAll(log))).hasSize(BATCHES);
        }
    }

    @Test
    void aDamagedBaseOffsetIsNeverHandedOutTheBatchIsDroppedInstead() throws Exception {
        long[] victim = damageMiddleBatch(Durability.DISK, 2, BatchCodec.OFF_BASE_OFFSET + 7); // not covered by the CRC
        try (LaneLog log = open(Durability.DISK)) {
            List<StoredBatch> all = readAll(log);
            assertThat(bases(all)).isEqualTo(offsetsExcept(BATCHES, (int) victim[0]));
            assertIntact(all);
            assertThat(counter(MetricNames.STREAM_RECORDS_LOST)).isEqualTo(5);
        }
    }

    @Test
    void aReaderStartingAfterTheDamageReadsOnWithoutARepair() throws Exception {
        long[] victim = damageMiddleBatch(Durability.DISK, 1, IN_PAYLOAD);
        try (LaneLog log = open(Durability.DISK)) {
            long after = 5 * (victim[0] + 1);
            assertThat(bases(readFrom(log, after)).getFirst()).isEqualTo(after);
            assertThat(counter(MetricNames.STREAM_REPAIRS)).as("walking past a batch reads only its header").isZero();
        }
    }

    @Test
    void damageInTheTailSegmentAfterACleanStopIsRecoveredWhileAppendsGoOn() throws Exception {
        List<Path> logs = writeLane(Durability.DISK);
        Path tail = logs.getLast();
        List<Long> b = bounds(tail);
        assertThat(b.size()).as("batches in the tail segment").isGreaterThan(2);
        long[] victim = middleBatch(tail);
        flip(tail, victim[1] + IN_PAYLOAD);
        try (LaneLog log = open(Durability.DISK)) {
            log.append(Fixtures.request(5, BATCHES)).get(5, TimeUnit.SECONDS);
            List<StoredBatch> all = readAll(log);
            assertThat(bases(all)).isEqualTo(offsetsExcept(BATCHES + 1, (int) victim[0]));
            assertIntact(all);
            log.append(Fixtures.request(5, BATCHES + 1)).get(5, TimeUnit.SECONDS);
            assertThat(bases(readFrom(log, 5L * (BATCHES + 1)))).containsExactly(5L * (BATCHES + 1));
        }
        assertThat(LaneInspector.check(lane()).ok()).isTrue();
    }

    @Test
    void concurrentReadersMeetingTheDamageAllReadOnAfterOneRepair() throws Exception {
        long[] victim = damageMiddleBatch(Durability.DISK, 1, IN_PAYLOAD);
        try (LaneLog log = open(Durability.DISK)) {
            List<List<Long>> seen = new ArrayList<>();
            List<Thread> readers = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                List<Long> mine = new ArrayList<>();
                seen.add(mine);
                readers.add(Thread.ofPlatform().start(() -> {
                    try (StreamReader r = log.reader(0)) {
                        for (StoredBatch s; (s = r.poll(Duration.ZERO)) != null; ) mine.add(s.baseOffset());
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                }));
            }
            for (Thread t : readers) t.join(TimeUnit.SECONDS.toMillis(30));
            for (List<Long> mine : seen) {
                assertThat(mine).isEqualTo(offsetsExcept(BATCHES, (int) victim[0]));
            }
            assertThat(counter(MetricNames.STREAM_REPAIRS)).isEqualTo(1);
        }
    }
}
