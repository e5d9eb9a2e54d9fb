package io.loglane.stream.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.loglane.core.config.Durability;
import io.loglane.stream.AppendResult;
import io.loglane.stream.StoredBatch;
import io.loglane.stream.StreamReader;
import io.loglane.stream.testkit.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LaneLogTest {
    @TempDir Path dir;

    @Test
    void appendedBatchesReadBackWithTheirOffsetsAndFields() throws Exception {
        try (LaneLog log = Lanes.open(dir, Durability.DISK)) {
            AppendResult a = log.append(Fixtures.request(10, 0, 5L, "c0")).get(5, TimeUnit.SECONDS);
            AppendResult b = log.append(Fixtures.request(7, 1)).get(5, TimeUnit.SECONDS);
            assertThat(a.baseOffset()).isZero();
            assertThat(b.baseOffset()).isEqualTo(10);
            assertThat(log.endOffset()).isEqualTo(17);
            try (StreamReader r = log.reader(0)) {
                StoredBatch first = r.poll(Duration.ZERO);
                assertThat(first.baseOffset()).isZero();
                assertThat(first.chunkId()).isEqualTo("c0");
                assertThat(first.receivedAtNanos()).isEqualTo(5L);
                assertThat(first.records().toByteArray()).isEqualTo(Fixtures.block(10, 0).toByteArray());
                assertThat(r.poll(Duration.ZERO).baseOffset()).isEqualTo(10);
                assertThat(r.poll(Duration.ZERO)).isNull();
                assertThat(r.position()).isEqualTo(17);
            }
            try (StreamReader r = log.reader(13)) {
                assertThat(r.poll(Duration.ZERO).baseOffset()).as("whole batch holding offset 13").isEqualTo(10);
            }
        }
    }

    @Test
    void offsetsContinueAcrossSegmentRollsAndRestarts() throws Exception {
        try (LaneLog log = Lanes.open(dir, Durability.DISK)) {
            for (int i = 0; i < 200; i++) {
                log.append(Fixtures.request(20, i)).get(5, TimeUnit.SECONDS);
            }
            assertThat(log.segments().count()).isGreaterThan(3);
        }
        try (LaneLog log = Lanes.open(dir, Durability.DISK)) {
            assertThat(log.recoveryReport().cleanShutdown()).isTrue();
            assertThat(log.recoveryReport().lossless()).isTrue();
            assertThat(log.endOffset()).isEqualTo(4000);
            log.append(Fixtures.request(20, 200)).get(5, TimeUnit.SECONDS);
            try (StreamReader r = log.reader(0)) {
                long expected = 0;
                for (int i = 0; i <= 200; i++) {
                    StoredBatch b = r.poll(Duration.ZERO);
                    assertThat(b.baseOffset()).isEqualTo(expected);
                    assertThat(b.records().toByteArray()).isEqualTo(Fixtures.block(20, i).toByteArray());
                    expected = b.nextOffset();
                }
                assertThat(r.poll(Duration.ZERO)).isNull();
            }
            try (StreamReader r = log.reader(2345)) {
                StoredBatch b = r.poll(Duration.ZERO);
                assertThat(b.baseOffset()).isEqualTo(2340);
            }
        }
    }

    @Test
    void onlyARunThatEndedWithoutTheCleanShutdownMarkerIsReportedAsUnclean() throws Exception {
        try (LaneLog log = Lanes.open(dir, Durability.DISK)) {
            assertThat(log.recoveryReport().firstStart()).isTrue();
            assertThat(log.recoveryReport().summary()).contains("first start").doesNotContain("unclean");
            log.append(Fixtures.request(3, 0)).get(5, TimeUnit.SECONDS);
        }
        try (LaneLog log = Lanes.open(dir, Durability.DISK)) {
            assertThat(log.recoveryReport().firstStart()).isFalse();
            assertThat(log.recoveryReport().summary()).contains(", clean shutdown").doesNotContain("unclean");
        }
        Files.delete(dir.resolve("access").resolve(LaneFiles.CLEAN_SHUTDOWN)); // as after a crash
        try (LaneLog log = Lanes.open(dir, Durability.DISK)) {
            assertThat(log.recoveryReport().summary()).contains("unclean shutdown (tail scanned)");
        }
    }

    @Test
    void aWaitingReaderWakesWhenABatchArrives() throws Exception {
        try (LaneLog log = Lanes.open(dir, Durability.SYNC); StreamReader r = log.reader(0)) {
            CompletableFuture<StoredBatch> polled = CompletableFuture.supplyAsync(() -> {
                try {
                    return r.poll(Duration.ofSeconds(30));
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            // The reader is (or will be) blocked; an append must wake it long before its 30 s wait ends.
            log.append(Fixtures.request(3, 0)).get(5, TimeUnit.SECONDS);
            StoredBatch b = polled.get(20, TimeUnit.SECONDS);
            assertThat(b).isNotNull();
            assertThat(b.baseOffset()).isZero();
        }
    }

    @Test
    void pollReturnsNullWhenNothingArrivesInTime() throws Exception {
        try (LaneLog log = Lanes.open(dir, Durability.DISK); StreamReader r = log.reader(0)) {
            assertThat(r.poll(Duration.ofMillis(20))).isNull();
        }
    }

    @Test
    void invalidRequestsAreRejectedWithoutTouchingTheLog() throws Exception {
        try (LaneLog log = Lanes.open(dir, Durability.DISK)) {
            var f = log.append(new io.loglane.stream.AppendRequest("t", io.loglane.core.event.RecordBlock.EMPTY, 0, null, null));
            assertThat(f).failsWithin(Duration.ofSeconds(5)).withThrowableThat()
                    .havingCause().isInstanceOf(io.loglane.core.ingest.IngestRejectedException.class);
            assertThat(log.endOffset()).isZero();
            assertThat(Files.size(dir.resolve("access").resolve(LaneFiles.baseName(0) + ".log"))).isZero();
        }
    }
}
