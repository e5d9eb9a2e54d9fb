package io.loglane.stream.journal;

import static org.assertj.core.api.Assertions.assertThat;

import io.loglane.stream.AppendRequest;
import io.loglane.stream.io.ChannelOpener;
import io.loglane.stream.testkit.Fixtures;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The journal's files as a crash leaves them: a torn last record, a damaged byte, applied records
 * that say which parts to skip, files that roll and are deleted once nothing in them is owed.
 */
class RequestJournalTest {
    @TempDir Path dir;

    private static byte[] request(long txn, long batch) {
        AppendRequest r = Fixtures.request(3, batch);
        return JournalCodec.request(txn, "c-" + txn, List.of("access", "audit"), List.of(r, r));
    }

    private List<Path> files() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    @Test
    void aRequestRoundTripsWithEveryFieldAndItsRecordsIntact() {
        AppendRequest r = Fixtures.request(3, 1, 42, "chunk-1");
        byte[] rec = JournalCodec.request(7, "chunk-1", List.of("access", "audit"), List.of(r, r));
        JournalCodec.Request d = (JournalCodec.Request) JournalCodec.decode(rec);
        assertThat(d.txnId()).isEqualTo(7);
        assertThat(d.receivedAtNanos()).isEqualTo(42);
        assertThat(d.tag()).isEqualTo("app.access");
        assertThat(d.chunkId()).isEqualTo("chunk-1");
        assertThat(d.sourcePosition()).isEqualTo(r.sourcePosition());
        assertThat(d.parts()).extracting(JournalCodec.Part::lane).containsExactly("access", "audit");
        assertThat(d.parts().get(1).records().toByteArray()).isEqualTo(r.records().toByteArray());
        assertThat(d.parts().get(1).records().count()).isEqualTo(3);
        rec[rec.length - 1] ^= 1;
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> JournalCodec.decode(rec)).hasMessageContaining("CRC");
    }

    @Test
    void theNextOpenOwesEveryPartWithoutAnAppliedRecordAndNothingOfATornLastRecord() throws Exception {
        try (RequestJournal j = new RequestJournal(dir, 1 << 20, ChannelOpener.DEFAULT)) {
            assertThat(j.open()).isEmpty();
            RequestJournal.Ticket t1 = j.write(request(1, 1), 2, true);
            j.write(request(2, 2), 2, false);
            j.applied(t1, 1, 0);
            j.applied(t1, 1, 1);
            j.write(request(3, 3), 2, false);
            assertThat(j.unappliedParts()).isEqualTo(4);
            // killed: no close
        }
        // the close above deleted nothing (parts owed); tear the last record as a crash mid-write would
        Path file = files().getFirst();
        long size = Files.size(file);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(size - 5);
        }
        try (RequestJournal j = new RequestJournal(dir, 1 << 20, ChannelOpener.DEFAULT)) {
            List<RequestJournal.Pending> owed = j.open();
            assertThat(owed).extracting(p -> p.request().txnId()).as("1 applied, 3 torn (never acknowledged)").containsExactly(2L);
            assertThat(owed.getFirst().applied()).containsExactly(false, false);
            assertThat(j.unappliedParts()).isEqualTo(2);
            j.applied(owed.getFirst().ticket(), 2, 0);
            j.applied(owed.getFirst().ticket(), 2, 1);
            assertThat(files()).as("the old file is deleted once nothing in it is owed; the new active one stays")
                    .hasSize(1).doesNotContain(file);
        }
        assertThat(files()).as("a clean close with nothing owed deletes the active file").isEmpty();
    }

    @Test
    void aDamagedRecordEndsTheReadingOfItsFile() throws Exception {
        try (RequestJournal j = new RequestJournal(dir, 1 << 20, ChannelOpener.DEFAULT)) {
            j.open();
            j.write(request(1, 1), 2, false);
            j.write(request(2, 2), 2, false);
        }
        Path file = files().getFirst();
        byte[] bytes = Files.readAllBytes(file);
        bytes[request(1, 1).length + JournalCodec.HEADER_SIZE + 3] ^= 0x10; // inside the second record's body
        Files.write(file, bytes);
        try (RequestJournal j = new RequestJournal(dir, 1 << 20, ChannelOpener.DEFAULT)) {
            assertThat(j.open()).extracting(p -> p.request().txnId()).containsExactly(1L);
        }
    }

    @Test
    void filesRollPastTheirSizeAndAreDeletedOnceEveryPartInThemIsApplied() throws Exception {
        try (RequestJournal j = new RequestJournal(dir, 1, ChannelOpener.DEFAULT)) {
            j.open();
            RequestJournal.Ticket t1 = j.write(request(1, 1), 2, true);
            RequestJournal.Ticket t2 = j.write(request(2, 2), 2, true);
            assertThat(t2.fileSeq()).isGreaterThan(t1.fileSeq());
            assertThat(files()).hasSize(2);
            j.applied(t1, 1, 0);
            assertThat(files()).as("one part of the first file still owed").hasSize(2);
            j.applied(t1, 1, 1);
            assertThat(files()).hasSize(1);
        }
        try (RequestJournal j = new RequestJournal(dir, 1, ChannelOpener.DEFAULT)) {
            assertThat(j.open()).extracting(p -> p.request().txnId()).containsExactly(2L);
        }
    }
}
