package io.loglane.stores.archive;

import static io.loglane.stores.archive.TestRecords.nanos;
import static org.assertj.core.api.Assertions.assertThat;

import io.loglane.core.audit.AuditChain;
import io.loglane.core.audit.ChainHead;
import io.loglane.core.config.Retention;
import io.loglane.core.event.RecordBlock;
import io.loglane.core.event.RecordBlockBuilder;
import io.loglane.core.event.RecordCursor;
import io.loglane.stores.duckdb.DuckDbDriver;
import io.loglane.stream.StoredBatch;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit chain in the archive: an {@code audit_chain} sink writes the chain columns and the
 * archived head, and {@link AuditVerifier} finds each kind of tampering with the Parquet files at
 * the right offset. Three flushes of four records (offsets 0-3, 4-7, 8-11), one hour each.
 */
@org.junit.jupiter.api.Timeout(120)
class AuditArchiveTest {
    private static final String LANE = "audit";
    private static final String TAG = "web-1.audit";
    @TempDir Path dir;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T15:00:00Z"));
    private ArchiveSink sink;
    private final AuditChain chain = new AuditChain();
    private byte[] head = AuditChain.genesis();
    private Path[] files;

    @BeforeEach
    void writeArchive() throws Exception {
        ArchiveSettings settings = new ArchiveSettings(dir, 1_000_000, 64L << 20, Duration.ofSeconds(60), Duration.ofMinutes(10), 2,
                Duration.ofSeconds(30));
        sink = new ArchiveSink(ArchiveSink.STORE, 0, LANE, new TestParser(), settings, new Retention(Duration.ZERO, 0), true, true,
                new SimpleMeterRegistry(), clock, new LocalArchiveStorage(dir));
        sink.open(0);
        for (int b = 0; b < 3; b++) {
            sink.write(chained(b * 4, 4, "2026-03-01T1" + b + ":00:00Z"));
            assertThat(sink.flush(true)).isEqualTo((b + 1) * 4L);
        }
        sink.flush(false); // the engine committed offset 12: the archived head is published
        files = new Path[3];
        try (Stream<Path> s = Files.walk(dir.resolve("lane=" + LANE))) {
            files = s.filter(p -> p.toString().endsWith(".parquet")).sorted().toArray(Path[]::new);
        }
        assertThat(files).hasSize(3);
    }

    @AfterEach
    void close() throws Exception {
        sink.close();
    }

    /** A batch as the stream hands it: its predecessor hash, and the chain advanced over its records. */
    private StoredBatch chained(long base, int n, String startIso) {
        RecordBlockBuilder b = new RecordBlockBuilder();
        long t0 = nanos(startIso);
        for (int i = 0; i < n; i++) {
            byte[] rec = TestRecords.pack(Map.of("log", "GET /pay/" + (base + i) + " 200 0.5", "user", "u" + (base + i)));
            b.add(t0 + i * 1_000_000_000L, rec, 0, rec.length, null, 0, 0);
        }
        RecordBlock records = b.build();
        byte[] prev = head.clone();
        RecordCursor c = records.cursor();
        long off = base;
        byte[] tag = TAG.getBytes(StandardCharsets.UTF_8);
        while (c.next()) {
            chain.next(head, 0, off++, Math.floorDiv(TestRecords.RECEIVED_NANOS, 1000L), tag, c.array(), c.encodedStart(),
                    c.encodedLength(), head, 0);
        }
        return new StoredBatch(0, base, TAG, TestRecords.RECEIVED_NANOS, records, null, null, null, prev);
    }

    private AuditVerifier.Report verify() throws Exception {
        return verify(AuditVerifier.Range.ALL);
    }

    private AuditVerifier.Report verify(AuditVerifier.Range range) throws Exception {
        return new AuditVerifier(new LocalArchiveStorage(dir), LANE, new TestParser()).verify(range);
    }

    /** Replaces {@code file} by the result of {@code select} over it ({@code F} names the file's rows). */
    private static void rewrite(Path file, String select) throws Exception {
        Path tmp = file.resolveSibling("rewrite.tmp");
        try (Connection c = DuckDbDriver.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE F AS SELECT * FROM read_parquet('" + file + "')");
            s.execute("COPY (" + select + ") TO '" + tmp + "' (FORMAT parquet)");
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }

    private static AuditVerifier.Tampered tampered(AuditVerifier.Report r) {
        assertThat(r).isInstanceOf(AuditVerifier.Tampered.class);
        return (AuditVerifier.Tampered) r;
    }

    @Test
    void anUntouchedArchiveIsIntactWithItsCountAndTheHeadTheStreamComputed() throws Exception {
        AuditVerifier.Intact ok = (AuditVerifier.Intact) verify();
        assertThat(ok.rows()).isEqualTo(12);
        assertThat(ok.first()).isZero();
        assertThat(ok.anchored()).isTrue();
        assertThat(ok.head().offset()).isEqualTo(11);
        assertThat(ok.head().hash()).isEqualTo(head);
        ChainHead archived = AuditHeads.read(new LocalArchiveStorage(dir), LANE);
        assertThat(archived.offset()).isEqualTo(11);
        assertThat(archived.hash()).isEqualTo(head);
    }

    @Test
    void theChainColumnsAreInEveryRow() throws Exception {
        try (Connection c = DuckDbDriver.connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*), count(DISTINCT _chain_hash), min(_offset), max(_offset),"
                        + " bool_and(length(_chain_prev) = 64) FROM read_parquet('" + dir + "/lane=audit/*/*/*.parquet')")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(12);
            assertThat(rs.getLong(2)).isEqualTo(12);
            assertThat(rs.getLong(3)).isZero();
            assertThat(rs.getLong(4)).isEqualTo(11);
            assertThat(rs.getBoolean(5)).isTrue();
        }
    }

    @Test
    void anAlteredMessageIsCaughtAtItsOffsetByTheDerivedColumns() throws Exception {
        rewrite(files[1], "SELECT * REPLACE (CASE WHEN _offset = 5 THEN 'GET /pay/5 200 9.5' ELSE message END AS message) FROM F");
        AuditVerifier.Tampered t = tampered(verify());
        assertThat(t.offset()).isEqualTo(5);
        assertThat(t.file()).contains("hour=11");
        assertThat(t.problem()).contains("column message");
    }

    @Test
    void anAlteredTypedColumnIsCaught() throws Exception {
        rewrite(files[2], "SELECT * REPLACE (CASE WHEN _offset = 9 THEN 500 ELSE status END AS status) FROM F");
        AuditVerifier.Tampered t = tampered(verify());
        assertThat(t.offset()).isEqualTo(9);
        assertThat(t.problem()).contains("column status");
    }

    @Test
    void anAlteredRecordIsCaughtByItsHash() throws Exception {
        rewrite(files[0], "SELECT * REPLACE (CASE WHEN _offset = 2 THEN (SELECT _record FROM F WHERE _offset = 3) ELSE _record END AS _record) FROM F");
        AuditVerifier.Tampered t = tampered(verify());
        assertThat(t.offset()).isEqualTo(2);
        assertThat(t.problem()).contains("does not match its chain hash");
    }

    @Test
    void aDeletedRowIsCaughtAtTheRowAfterIt() throws Exception {
        rewrite(files[1], "SELECT * FROM F WHERE _offset <> 6");
        AuditVerifier.Tampered t = tampered(verify());
        assertThat(t.offset()).isEqualTo(7);
        assertThat(t.problem()).contains("chain breaks").contains("offset 5");
    }

    @Test
    void aDeletedFileIsCaughtAtTheFirstRowAfterIt() throws Exception {
        Files.delete(files[1]);
        AuditVerifier.Tampered t = tampered(verify());
        assertThat(t.offset()).isEqualTo(8);
        assertThat(t.problem()).contains("offset 3");
    }

    @Test
    void twoReorderedRowsAreCaughtAtTheFirst() throws Exception {
        // swap every column but the offset between rows 4 and 5: their contents change places
        rewrite(files[1], "SELECT * REPLACE (CASE _offset WHEN 4 THEN 5 WHEN 5 THEN 4 ELSE _offset END AS _offset) FROM F");
        AuditVerifier.Tampered t = tampered(verify());
        assertThat(t.offset()).isEqualTo(4);
    }

    @Test
    void anInsertedCopyOfARowIsCaught() throws Exception {
        rewrite(files[1], "SELECT * FROM F UNION ALL SELECT * FROM F WHERE _offset = 6");
        AuditVerifier.Tampered t = tampered(verify());
        assertThat(t.offset()).isEqualTo(6);
        assertThat(t.problem()).contains("second row with offset 6");
    }

    @Test
    void anInsertedRowWithAFreshOffsetIsCaught() throws Exception {
        // a row placed between 5 and 6 keeps row 5's chain hash as its own prev: row 6 no longer follows
        rewrite(files[1], "SELECT * FROM F UNION ALL SELECT * REPLACE (_offset + 1000 AS _offset) FROM F WHERE _offset = 7");
        AuditVerifier.Tampered t = tampered(verify());
        assertThat(t.offset()).isEqualTo(1007);
        assertThat(t.problem()).contains("does not match its chain hash");
    }

    @Test
    void anInsertedRowWithoutChainColumnsIsCaught() throws Exception {
        rewrite(files[1], "SELECT * FROM F UNION ALL SELECT * REPLACE (NULL::VARCHAR AS _chain_hash) FROM F WHERE _offset = 6");
        AuditVerifier.Tampered t = tampered(verify());
        assertThat(t.offset()).isEqualTo(6);
    }

    @Test
    void removingTheNewestFileIsCaughtByTheArchivedHead() throws Exception {
        Files.delete(files[2]);
        AuditVerifier.Tampered t = tampered(verify());
        assertThat(t.offset()).isEqualTo(11);
        assertThat(t.problem()).contains("newest rows or files were removed").contains("ends at offset 7");
    }

    @Test
    void removingEveryFileIsCaughtByTheArchivedHead() throws Exception {
        for (Path f : files) {
            Files.delete(f);
        }
        assertThat(tampered(verify()).offset()).isEqualTo(11);
    }

    @Test
    void anAnchorMustBeInTheChainWithItsHash() throws Exception {
        ChainHead good = new ChainHead(11, head, 0);
        assertThat(verify(new AuditVerifier.Range(null, null, good))).isInstanceOf(AuditVerifier.Intact.class);
        ChainHead forged = new ChainHead(7, new byte[32], 0);
        AuditVerifier.Tampered t = tampered(verify(new AuditVerifier.Range(null, null, forged)));
        assertThat(t.offset()).isEqualTo(7);
        assertThat(t.problem()).contains("anchor");
    }

    @Test
    void aRangeChecksOnlyItsRowsAndSaysTheChainStartsBeforeIt() throws Exception {
        AuditVerifier.Intact ok = (AuditVerifier.Intact) verify(new AuditVerifier.Range(4L, 7L, null));
        assertThat(ok.rows()).isEqualTo(4);
        assertThat(ok.first()).isEqualTo(4);
        assertThat(ok.anchored()).isFalse();
        Files.delete(files[0]);
        assertThat(verify(new AuditVerifier.Range(4L, null, null))).isInstanceOf(AuditVerifier.Intact.class);
    }

    @Test
    void compactionNeverRewritesAChainedLanesFiles() throws Exception {
        clock.advance(Duration.ofHours(2)); // every hour closed long ago
        for (int b = 3; b < 6; b++) {
            sink.write(chained(b * 4, 4, "2026-03-01T10:30:0" + b + "Z")); // more small files in hour 10
            sink.flush(true);
        }
        sink.flush(false);
        assertThat(sink.compactNow()).isZero();
        try (Stream<Path> s = Files.walk(dir.resolve("lane=" + LANE))) {
            assertThat(s.filter(p -> p.toString().endsWith(".parquet")).count()).isEqualTo(6);
        }
        assertThat(verify()).isInstanceOf(AuditVerifier.Intact.class);
    }
}
