package io.loglane.stream.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.loglane.core.audit.AuditChain;
import io.loglane.core.audit.ChainHead;
import io.loglane.core.config.Durability;
import io.loglane.core.config.LaneSpec;
import io.loglane.core.event.RecordCursor;
import io.loglane.stream.StoredBatch;
import io.loglane.stream.StreamReader;
import io.loglane.stream.testkit.Fixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit hash chain of an {@code audit_chain} lane: stamped on append, continued across restarts and crashes. */
@org.junit.jupiter.api.Timeout(60)
class LaneChainTest {
    @TempDir Path dir;

    private static LaneSpec chained(Durability d) {
        return Lanes.spec("audit", d).withAuditChain(true);
    }

    private LaneLog open(Durability d) throws Exception {
        return Lanes.open(dir, chained(d), Lanes.settings(), Lanes.fixed());
    }

    private static void append(LaneLog log, int batches, long from) throws Exception {
        for (int i = 0; i < batches; i++) {
            log.append(Fixtures.request(5, from + i)).get(5, TimeUnit.SECONDS);
        }
    }

    private static List<StoredBatch> readAll(LaneLog log) throws Exception {
        List<StoredBatch> out = new ArrayList<>();
        try (StreamReader r = log.reader(0)) {
            for (StoredBatch b; (b = r.poll(Duration.ZERO)) != null; ) {
                out.add(b);
            }
        }
        return out;
    }

    /**
     * Recomputes the chain over {@code batches} from the genesis (the test's own hashing, record by
     * record): each batch's predecessor must be the hash so far; returns the last hash.
     */
    private static byte[] checkChain(List<StoredBatch> batches) {
        AuditChain chain = new AuditChain();
        byte[] h = AuditChain.genesis();
        for (StoredBatch b : batches) {
            assertThat(b.chainPrev()).as("predecessor of the batch at %d", b.baseOffset()).isEqualTo(h);
            RecordCursor c = b.records().cursor();
            long off = b.baseOffset();
            byte[] tag = b.tag().getBytes(StandardCharsets.UTF_8);
            while (c.next()) {
                byte[] rec = Arrays.copyOfRange(c.array(), c.encodedStart(), c.encodedStart() + c.encodedLength());
                h = chain.next(h, off++, Math.floorDiv(b.receivedAtNanos(), 1000L), b.tag(), rec);
                assertThat(tag).isNotNull();
            }
        }
        return h;
    }

    @Test
    void everyBatchCarriesThePredecessorOfItsFirstRecordAndTheHeadIsTheLastRecordsHash() throws Exception {
        try (LaneLog log = open(Durability.DISK)) {
            append(log, 4, 0);
            List<StoredBatch> batches = readAll(log);
            assertThat(batches).hasSize(4);
            byte[] last = checkChain(batches);
            ChainHead head = log.chainHead();
            assertThat(head.offset()).isEqualTo(19);
            assertThat(head.hash()).isEqualTo(last);
        }
    }

    @Test
    void aLaneWithoutTheOptionCarriesNoChain() throws Exception {
        try (LaneLog log = Lanes.open(dir, Durability.DISK)) {
            append(log, 2, 0);
            assertThat(readAll(log)).allSatisfy(b -> assertThat(b.chainPrev()).isNull());
            assertThat(log.chainHead()).isNull();
        }
        assertThat(dir.resolve("access").resolve(LaneChain.HEAD_FILE)).doesNotExist();
    }

    @Test
    void theChainContinuesAcrossACleanRestartAndSegmentRolls() throws Exception {
        try (LaneLog log = Lanes.open(dir, chained(Durability.SYNC), Lanes.settings(1024, 1L << 30), Lanes.fixed())) {
            append(log, 30, 0); // several 1 KiB segments
            assertThat(log.segments().all().size()).isGreaterThan(1);
        }
        try (LaneLog log = Lanes.open(dir, chained(Durability.SYNC), Lanes.settings(1024, 1L << 30), Lanes.fixed())) {
            append(log, 3, 30);
            checkChain(readAll(log));
            assertThat(log.chainHead().offset()).isEqualTo(33 * 5 - 1);
        }
    }

    @Test
    void aCrashWithATornTailDoesNotForkTheChain() throws Exception {
        Path copy = dir.resolve("crashed");
        try (LaneLog log = open(Durability.DISK)) {
            append(log, 3, 0);
            // the state a kill -9 leaves: no clean-shutdown marker, no head file from close
            copyTree(dir.resolve("audit"), copy.resolve("audit"));
        }
        Path segment;
        try (Stream<Path> s = Files.list(copy.resolve("audit"))) {
            segment = s.filter(p -> p.toString().endsWith(".log")).sorted().reduce((a, b) -> b).orElseThrow();
        }
        Files.write(segment, new byte[] {0x4C, 0x4C, 0x4E, 0x42, 0, 2, 0, 0}, StandardOpenOption.APPEND); // a torn batch
        try (LaneLog log = Lanes.open(copy, chained(Durability.DISK), Lanes.settings(), Lanes.fixed())) {
            assertThat(log.chainHead().offset()).isEqualTo(14);
            append(log, 2, 3);
            List<StoredBatch> all = readAll(log);
            assertThat(all).hasSize(5);
            checkChain(all);
        }
    }

    @Test
    void theHeadFileKeepsTheChainWhenTheStreamHoldsNoBatch() throws Exception {
        byte[] head;
        try (LaneLog log = open(Durability.DISK)) {
            append(log, 2, 0);
            head = log.chainHead().hash();
        }
        assertThat(dir.resolve("audit").resolve(LaneChain.HEAD_FILE)).exists();
        try (Stream<Path> s = Files.list(dir.resolve("audit"))) {
            for (Path p : s.filter(p -> p.toString().endsWith(".log") || p.toString().endsWith(".index")).toList()) {
                Files.delete(p); // as if retention had removed every segment
            }
        }
        try (LaneLog log = open(Durability.DISK)) {
            assertThat(log.chainHead().hash()).isEqualTo(head);
            append(log, 1, 2);
            assertThat(readAll(log).getLast().chainPrev()).isEqualTo(head);
        }
    }

    @Test
    void aHeadFileAheadOfTheStreamWinsSoTheChainNeverForks() throws Exception {
        ChainHead ahead;
        try (LaneLog log = open(Durability.DISK)) {
            append(log, 2, 0);
            ahead = new ChainHead(500, log.chainHead().hash(), 1);
        }
        Files.write(dir.resolve("audit").resolve(LaneChain.HEAD_FILE), ahead.encode());
        try (LaneLog log = open(Durability.DISK)) {
            assertThat(log.chainHead().offset()).isEqualTo(500);
        }
    }

    private static void copyTree(Path from, Path to) throws Exception {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
    }
}
