package io.loglane.inputs.tail;

import static org.assertj.core.api.Assertions.assertThat;

import io.loglane.core.ingest.IngestRejectedException;
import io.loglane.core.ingest.IngestResult;
import io.loglane.core.lifecycle.InputContext;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tail input against real files in a temp directory and a stream double that de-duplicates by
 * chunk id as a lane does: every rotation kind, restarts (clean and with the positions file as a
 * crash leaves it), back-pressure and bad input. Each test checks that every line is stored exactly
 * once, in order per file.
 */
class TailInputTest {
    @TempDir Path dir;
    private final FakeStream stream = new FakeStream();
    private final List<TailInput> inputs = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (TailInput in : inputs) {
            in.close();
        }
    }

    private Path logs() throws IOException {
        return Files.createDirectories(dir.resolve("logs"));
    }

    private TailInput tail(String glob, boolean head, int maxLine) throws IOException {
        return tail(glob, head, maxLine, Duration.ofMillis(40));
    }

    private TailInput tail(String glob, boolean head, int maxLine, Duration scan) throws IOException {
        return tail(glob, head, maxLine, scan, 64L << 20);
    }

    private TailInput tail(String glob, boolean head, int maxLine, Duration scan, long maxInFlight) throws IOException {
        return tail(stream, glob, head, maxLine, scan, maxInFlight);
    }

    private TailInput tail(FakeStream to, String glob, boolean head, int maxLine, Duration scan, long maxInFlight) throws IOException {
        TailConfig c = new TailConfig("t", List.of(logs() + "/" + glob), List.of(), "app.{file}", head, maxLine,
                Math.max(4096, maxLine + 1), maxInFlight, scan, Duration.ofMillis(20), Duration.ofMillis(300), Duration.ofMillis(300));
        TailInput in = new TailInput(c, new InputContext(to, new SimpleMeterRegistry(), Clock.systemUTC(), dir.resolve("data")));
        inputs.add(in);
        in.start();
        return in;
    }

    private TailInput tail(String glob) throws IOException { return tail(glob, true, 1 << 20); }

    private static void append(Path f, String prefix, int from, int to) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < to; i++) {
            sb.append(prefix).append(i).append('\n');
        }
        Files.writeString(f, sb, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** Truncates {@code f} to 0 bytes in place, as logrotate's copytruncate does. */
    private static void truncate(Path f) throws IOException {
        try (var ch = java.nio.channels.FileChannel.open(f, StandardOpenOption.WRITE)) {
            ch.truncate(0);
        }
    }

    private static List<String> expected(String prefix, int from, int to) {
        List<String> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add(prefix + i);
        }
        return out;
    }

    private void awaitLines(int n) throws InterruptedException {
        await(() -> stream.lines().size() >= n, "" + n + " lines stored");
        Thread.sleep(150); // a few more polls: anything beyond n would be a duplicate
    }

    private static void await(BooleanSupplier done, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!done.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    /**
     * Tails app.log ("k" 0 to 100 stored), then its next batch ("k" 100 to 300) is stored but the
     * tail dies before the ack: the input is closed and its positions file left as {@code kill -9}
     * leaves it (that batch pending). Returns the batch's chunk id.
     */
    private String storedButNotAcknowledged(Path log) throws Exception {
        append(log, "k", 0, 100);
        TailInput first = tail("app.log");
        awaitLines(100);
        Path positions = first.positionsFile();
        Path crashState = dir.resolve("positions-at-crash");
        stream.crashAfterStoring(positions, crashState);
        append(log, "k", 100, 300);
        await(() -> stream.lines().size() >= 300 && Files.exists(crashState), "the batch stored");
        first.close();
        Files.copy(crashState, positions, StandardCopyOption.REPLACE_EXISTING);
        stream.gate = r -> null;
        return stream.submitted.get(1).chunkId();
    }

    /** The stored lines starting with {@code prefix}, in the order stored. */
    private List<String> stored(String prefix) {
        return stream.lines().stream().filter(l -> l.startsWith(prefix)).toList();
    }

    @Test
    void readsEveryLineOfMatchedFilesAndFilesCreatedLater() throws Exception {
        Path a = logs().resolve("a.log");
        append(a, "a", 0, 1000);
        Files.writeString(logs().resolve("skip.txt"), "not matched\n");
        tail("*.log");
        awaitLines(1000);
        append(logs().resolve("b.log"), "b", 0, 500);
        append(a, "a", 1000, 1500);
        awaitLines(2000);
        List<String> lines = stream.lines();
        assertThat(stored("a")).isEqualTo(expected("a", 0, 1500));
        assertThat(stored("b")).isEqualTo(expected("b", 0, 500));
        assertThat(stream.stored.get(0).get("source").toString()).isEqualTo(a.toString());
        assertThat(stream.submitted.get(0).tag()).isEqualTo("app.a.log");
    }

    @Test
    void startTailSkipsWhatAFileHeldAtStartUpButNotFilesCreatedLater() throws Exception {
        append(logs().resolve("a.log"), "old", 0, 100);
        tail("*.log", false, 1 << 20);
        Thread.sleep(200);
        append(logs().resolve("a.log"), "a", 0, 10);
        append(logs().resolve("b.log"), "b", 0, 10);
        awaitLines(20);
        assertThat(stream.lines()).doesNotContain("old0").containsAll(expected("a", 0, 10)).containsAll(expected("b", 0, 10)).hasSize(20);
    }

    @Test
    void renameAndCreateReadsTheRestOfTheRenamedFileAndTheNewOne() throws Exception {
        Path log = logs().resolve("app.log");
        append(log, "x", 0, 2000);
        tail("app.log");
        awaitLines(2000);
        append(log, "x", 2000, 3000); // written just before the rename: read from the renamed file
        Files.move(log, logs().resolve("app.log.1"));
        append(log, "x", 3000, 4000);
        awaitLines(4000);
        List<String> lines = stream.lines();
        assertThat(lines).hasSize(4000);
        // each file in order; the two files' batches may interleave
        assertThat(lines.stream().filter(l -> Integer.parseInt(l.substring(1)) < 3000).toList()).isEqualTo(expected("x", 0, 3000));
        assertThat(lines.stream().filter(l -> Integer.parseInt(l.substring(1)) >= 3000).toList()).isEqualTo(expected("x", 3000, 4000));
    }

    @Test
    void filesRotatedAwayBeforeAnyScanSawThemAreReadAsRotatedSiblings() throws Exception {
        Path log = logs().resolve("app.log");
        append(log, "f", 0, 100);
        tail("app.log", true, 1 << 20, Duration.ofMillis(1500));
        awaitLines(100);
        // two rotations within one scan interval: the file created in between is never under
        // app.log when a scan looks
        rotateTwice(log, "f", 100, 200, "f", 200, 300);
        awaitLines(300);
        Thread.sleep(1600); // another scan: nothing is read twice
        assertThat(stream.lines()).hasSize(300).containsExactlyInAnyOrderElementsOf(expected("f", 0, 300));
    }

    /**
     * Rename+create twice, at once: {@code log} becomes {@code .2}, a file with the first lines is
     * created and becomes {@code .1}, and a file with the second lines is left under {@code log}.
     */
    private void rotateTwice(Path log, String p1, int from1, int to1, String p2, int from2, int to2) throws IOException {
        Files.move(log, logs().resolve("app.log.1"));
        append(log, p1, from1, to1);
        Files.move(logs().resolve("app.log.1"), logs().resolve("app.log.2"));
        Files.move(log, logs().resolve("app.log.1"));
        append(log, p2, from2, to2);
    }

    /** Closes {@code in} and puts back its positions file as it was now: what {@code kill -9} leaves. */
    private void kill9(TailInput in) throws Exception {
        Path crashState = dir.resolve("positions-at-kill");
        Files.copy(in.positionsFile(), crashState, StandardCopyOption.REPLACE_EXISTING);
        in.close();
        Files.copy(crashState, in.positionsFile(), StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void aFileRotatedAwayBeforeAnyScanSawItIsReadOnceAfterAKill9BeforeTheNextScan() throws Exception {
        Path log = logs().resolve("app.log");
        Path old = logs().resolve("app.log.9");
        append(old, "old", 0, 10); // rotated long before loglane started: never read
        Files.setLastModifiedTime(old, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 3_600_000));
        append(log, "a", 0, 100);
        TailInput first = tail("app.log", true, 1 << 20, Duration.ofMinutes(10)); // only the start-up scan runs
        awaitLines(100);
        // no scan in between: the file in the middle (b) is never under app.log when a scan looks
        rotateTwice(log, "b", 0, 100, "c", 0, 10);
        Thread.sleep(50);
        append(logs().resolve("app.log.2"), "a", 100, 150); // read through the open file: the positions file is written after b's last change
        awaitLines(150);
        long written = Files.getLastModifiedTime(first.positionsFile()).toMillis();
        assertThat(Files.getLastModifiedTime(logs().resolve("app.log.1")).toMillis()).as("b changed before the last write")
                .isLessThan(written);
        kill9(first);
        Thread.sleep(2200); // the restart comes later than the slack for coarse modification times (2 s): b is older than that

        tail("app.log", true, 1 << 20, Duration.ofMillis(40));
        awaitLines(260);
        Thread.sleep(200); // more scans: nothing is read twice
        assertThat(stored("a")).isEqualTo(expected("a", 0, 150));
        assertThat(stored("b")).isEqualTo(expected("b", 0, 100));
        assertThat(stored("c")).isEqualTo(expected("c", 0, 10));
        assertThat(stored("old")).isEmpty();
        assertThat(stream.lines()).hasSize(260);
    }

    /**
     * Starts the tail again into a lane whose de-duplication window is gone (a memory lane, or one past
     * its window), so that anything read a second time is stored a second time, and waits for the
     * lines {@code prefix from..to} appended to {@code log} now.
     */
    private FakeStream restartWithAnEmptyWindow(Path log, String prefix, int from, int to) throws Exception {
        FakeStream after = new FakeStream();
        tail(after, "app.log", true, 1 << 20, Duration.ofMillis(40), 64L << 20);
        append(log, prefix, from, to);
        await(() -> after.lines().size() >= to - from, "the new lines");
        return after;
    }

    /** Tails {@code log} holding "a" 0 to {@code n}, then renames it to {@code .1} and creates it again with "c" 0 to 10: all read. */
    private TailInput tailThenRotate(Path log, int n) throws Exception {
        append(log, "a", 0, n);
        TailInput in = tail("app.log");
        awaitLines(n);
        Files.move(log, logs().resolve("app.log.1"));
        append(log, "c", 0, 10);
        awaitLines(n + 10);
        return in;
    }

    @Test
    void aReleasedRotatedFileIsNotReadAgainAfterAKill9() throws Exception {
        Path log = logs().resolve("app.log");
        TailInput first = tailThenRotate(log, 100);
        String rotated = FileIdentity.of(logs().resolve("app.log.1")).toString();
        await(() -> !positions(first).contains(" " + rotated + " t ") && !positions(first).contains(" " + rotated + " /"),
                "the rotated file read to its end and released");
        kill9(first);
        assertThat(Files.readString(first.positionsFile())).as("listed as released").contains(" " + rotated + " r ");

        FakeStream after = restartWithAnEmptyWindow(log, "c", 10, 20);
        append(logs().resolve("app.log.1"), "late", 0, 5); // the released file written to again: read on from its end
        await(() -> after.lines().size() >= 15, "the late lines");
        Thread.sleep(300); // more scans and polls
        assertThat(after.lines().stream().filter(l -> l.startsWith("c")).toList()).as("only what was written after the restart")
                .isEqualTo(expected("c", 10, 20));
        assertThat(after.lines().stream().filter(l -> l.startsWith("late")).toList()).isEqualTo(expected("late", 0, 5));
        assertThat(after.lines()).hasSize(15);
    }

    @Test
    void aCopyOfATruncatedGenerationIsNotReadAgainAfterAKill9() throws Exception {
        Path log = logs().resolve("app.log");
        append(log, "g", 0, 100);
        TailInput first = tail("app.log");
        awaitLines(100);
        // copytruncate after the tail read it all: the copy holds nothing new, so it is left alone
        Files.copy(log, logs().resolve("app.log.1"));
        truncate(log);
        append(log, "n", 0, 5);
        awaitLines(105);
        await(() -> positions(first).contains(" g " + log), "the truncated generation listed as lost");
        kill9(first);

        FakeStream after = restartWithAnEmptyWindow(log, "n", 5, 10);
        Thread.sleep(300); // more scans and polls
        assertThat(after.lines()).as("only what was written after the restart").isEqualTo(expected("n", 5, 10));
    }

    @Test
    void aReleasedFileIsDroppedFromThePositionsFileOnceAScanBeganMoreThanTheSlackAfterItsRelease() throws Exception {
        Path log = logs().resolve("app.log");
        TailInput in = tailThenRotate(log, 10);
        String line = " " + FileIdentity.of(logs().resolve("app.log.1")) + " r ";
        await(() -> positions(in).contains(line), "the rotated file listed as released");
        // nothing more to read: the scan that drops it writes the positions file
        await(() -> !positions(in).contains(line), "the released file dropped (a scan began more than 2 s after its release)");
        assertThat(stream.lines()).hasSize(20);
    }

    private static String positions(TailInput in) {
        try {
            return Files.readString(in.positionsFile());
        } catch (IOException e) {
            return "";
        }
    }

    @Test
    void aPositionsFileOfVersion2IsResumedFromAndRewrittenInVersion3() throws Exception {
        Path log = logs().resolve("app.log");
        append(log, "v", 0, 100);
        long offset = 0;
        for (int i = 0; i < 60; i++) {
            offset += ("v" + i + "\n").length();
        }
        Fingerprint fp;
        try (var ch = java.nio.channels.FileChannel.open(log)) {
            fp = Fingerprint.of(ch);
        }
        Path positions = dir.resolve("data/inputs/tail/t.positions");
        Files.createDirectories(positions.getParent());
        Files.write(positions, PositionsFileTest.version2(List.of(new TailPosition(FileIdentity.of(log), fp, offset, -1, false, log.toString()))));
        TailInput in = tail("app.log");
        awaitLines(40);
        assertThat(stream.lines()).isEqualTo(expected("v", 60, 100));
        in.close();
        assertThat(Files.readString(positions)).startsWith("loglane-tail-positions 3\nscan ");
    }

    @Test
    void copyTruncateIsNoticedAndTheFileIsReadAgainFromItsStart() throws Exception {
        Path log = logs().resolve("app.log");
        append(log, "before-truncate-", 0, 3000);
        TailInput in = tail("app.log");
        awaitLines(3000);
        Files.copy(log, logs().resolve("app.log.1"));
        truncate(log);
        Thread.sleep(100);
        append(log, "y", 0, 100); // shorter than before: the size falls below the position
        awaitLines(3100);
        assertThat(stream.lines().subList(3000, 3100)).isEqualTo(expected("y", 0, 100));
        assertThat(in.problems(TailErrors.FILE_TRUNCATED)).isEqualTo(1);
    }

    /** Holds every batch unanswered until {@link #release} stores it (a lane that is slow to answer). */
    private final List<IngestRequestHold> held = new ArrayList<>();

    private record IngestRequestHold(io.loglane.core.ingest.IngestRequest request, CompletableFuture<IngestResult> answer) {}

    private void hold() {
        stream.gate = r -> {
            CompletableFuture<IngestResult> answer = new CompletableFuture<>();
            synchronized (held) {
                held.add(new IngestRequestHold(r, answer));
            }
            return answer;
        };
    }

    private void release() {
        stream.gate = r -> null;
        synchronized (held) {
            held.forEach(h -> h.answer().complete(stream.store(h.request())));
            held.clear();
        }
    }

    @Test
    void copyTruncateWhileTheTailIsBehindReadsTheRestFromTheCopyOnce() throws Exception {
        Path log = logs().resolve("app.log");
        append(log, "x", 0, 1000);
        hold();
        TailInput in = tail("app.log");
        await(() -> stream.requests() >= 1, "the first batch sent");
        append(log, "x", 1000, 3000); // not read yet: one batch per file is in flight
        Thread.sleep(100); // polls see the growth
        Files.copy(log, logs().resolve("app.log.1"));
        truncate(log);
        append(log, "y", 0, 100);
        release();
        awaitLines(3100);
        List<String> lines = stream.lines();
        assertThat(stored("x")).isEqualTo(expected("x", 0, 3000));
        assertThat(stored("y")).isEqualTo(expected("y", 0, 100));
        assertThat(in.problems(TailErrors.FILE_TRUNCATED)).isEqualTo(1);
        assertThat(in.problems(TailErrors.ROTATED_AWAY)).isZero();
    }

    @Test
    void aCopyStillBeingWrittenWhenAScanSeesItIsNotTakenForAFileOfItsOwn() throws Exception {
        Path log = logs().resolve("app.log");
        append(log, "x", 0, 1000);
        TailInput in = tail("app.log");
        awaitLines(1000);
        byte[] all = Files.readAllBytes(log);
        Path copy = logs().resolve("app.log.1");
        Files.write(copy, java.util.Arrays.copyOf(all, 100)); // logrotate has copied the first 100 bytes so far
        Thread.sleep(200); // scans see the short copy
        Files.write(copy, java.util.Arrays.copyOfRange(all, 100, all.length), StandardOpenOption.APPEND);
        truncate(log);
        append(log, "y", 0, 100);
        awaitLines(1100);
        Thread.sleep(200);
        assertThat(stream.lines()).isEqualTo(java.util.stream.Stream.concat(expected("x", 0, 1000).stream(),
                expected("y", 0, 100).stream()).toList());
        assertThat(in.problems(TailErrors.ROTATED_AWAY)).isZero();
    }

    @Test
    void copyTruncateWhoseCopyIsGoneCountsTheBytesTheTailHadSeenAsLost() throws Exception {
        Path log = logs().resolve("app.log");
        append(log, "x", 0, 1000);
        hold();
        TailInput in = tail("app.log");
        await(() -> stream.requests() >= 1, "the first batch sent");
        long readTo = Files.size(log);
        append(log, "x", 1000, 3000);
        long seen = Files.size(log);
        Thread.sleep(100); // polls see the growth
        truncate(log); // no copy: as if the copy had been compressed or deleted at once
        append(log, "y", 0, 100);
        release();
        awaitLines(1100);
        assertThat(stream.lines()).isEqualTo(java.util.stream.Stream.concat(expected("x", 0, 1000).stream(),
                expected("y", 0, 100).stream()).toList());
        assertThat(in.problems(TailErrors.ROTATED_AWAY)).isEqualTo(1);
        assertThat(in.errors().lostBytes(TailErrors.ROTATED_AWAY)).isEqualTo(seen - readTo);
    }

    @Test
    void copyTruncateWhileStoppedIsReadOnFromTheCopyAfterTheRestart() throws Exception {
        Path log = logs().resolve("app.log");
        append(log, "x", 0, 1000);
        TailInput first = tail("app.log");
        awaitLines(1000);
        first.close();
        append(log, "x", 1000, 2000); // written while loglane is down, then rotated
        Files.copy(log, logs().resolve("app.log.1"));
        truncate(log);
        append(log, "y", 0, 100);
        TailInput second = tail("app.log");
        awaitLines(2100);
        assertThat(stored("x")).isEqualTo(expected("x", 0, 2000));
        assertThat(stored("y")).isEqualTo(expected("y", 0, 100));
        assertThat(second.problems(TailErrors.ROTATED_AWAY)).isZero();
    }

    @Test
    void aBatchPendingAtACrashIsSentAgainFromTheCopyUnderItsOriginalIdWhenTheFileWasTruncatedMeanwhile() throws Exception {
        Path log = logs().resolve("app.log");
        String pendingId = storedButNotAcknowledged(log);
        append(log, "k", 300, 400);
        Files.copy(log, logs().resolve("app.log.1")); // copytruncate while loglane is down
        truncate(log);
        append(log, "z", 0, 50);
        TailInput second = tail("app.log");
        awaitLines(450);
        assertThat(stored("k")).isEqualTo(expected("k", 0, 400));
        assertThat(stored("z")).isEqualTo(expected("z", 0, 50));
        assertThat(stream.submitted.stream().filter(r -> pendingId.equals(r.chunkId())).count())
                .as("the pending range was re-sent from the copy under the original's chunk id").isEqualTo(2);
        assertThat(second.problems(TailErrors.ROTATED_AWAY)).isZero();
    }

    @Test
    void aPendingRangeReSentFromACopyKeepsTheOriginalsIdThroughASecondCrash() throws Exception {
        Path log = logs().resolve("app.log");
        String pendingId = storedButNotAcknowledged(log);
        append(log, "k", 300, 400);
        Files.copy(log, logs().resolve("app.log.1")); // copytruncate while loglane is down
        truncate(log);
        append(log, "z", 0, 50);
        Path positions = dir.resolve("data/inputs/tail/t.positions");
        Path crashState = dir.resolve("positions-at-second-crash");
        stream.crashAfterStoring(positions, crashState); // the copy re-sends the range, and the process dies again
        TailInput second = tail("app.log");
        await(() -> Files.exists(crashState) && stream.submitted.stream().filter(r -> pendingId.equals(r.chunkId())).count() == 2,
                "the range re-sent from the copy");
        second.close();
        Files.copy(crashState, positions, StandardCopyOption.REPLACE_EXISTING);
        assertThat(Files.readString(positions)).as("the copy's line names the original as its pending range's file")
                .contains(" " + FileIdentity.of(log) + " t " + logs().resolve("app.log.1"));
        stream.gate = r -> null;
        tail("app.log");
        awaitLines(450);
        assertThat(stored("k")).isEqualTo(expected("k", 0, 400));
        assertThat(stored("z")).isEqualTo(expected("z", 0, 50));
        assertThat(stream.submitted.stream().filter(r -> pendingId.equals(r.chunkId())).count()).isEqualTo(3);
    }

    @Test
    void aFileTruncatedWhileStoppedWithItsCopyGoneIsCountedRotatedAway() throws Exception {
        Path log = logs().resolve("app.log");
        append(log, "x", 0, 1000);
        TailInput first = tail("app.log");
        awaitLines(1000);
        first.close();
        append(log, "x", 1000, 2000);
        truncate(log); // the copy was deleted (rotate N) before loglane came back
        append(log, "y", 0, 100);
        TailInput second = tail("app.log");
        awaitLines(1100);
        assertThat(stream.lines().subList(1000, 1100)).isEqualTo(expected("y", 0, 100));
        assertThat(second.problems(TailErrors.ROTATED_AWAY)).isEqualTo(1);
    }

    @Test
    void aFileRewrittenInPlaceBeyondThePositionIsNoticedByItsFirstBytes() throws Exception {
        Path log = logs().resolve("app.log");
        append(log, "first-generation-line-", 0, 100);
        TailInput in = tail("app.log");
        awaitLines(100);
        long before = Files.size(log);
        truncate(log); // copy-truncate, then the writer went on faster than one poll
        append(log, "z", 0, 1000);
        assertThat(Files.size(log)).isGreaterThan(before);
        awaitLines(1100);
        assertThat(stream.lines().subList(100, 1100)).isEqualTo(expected("z", 0, 1000));
        assertThat(in.problems(TailErrors.REPLACED)).isEqualTo(1);
    }

    @Test
    void aTruncationWhileABatchIsInFlightDoesNotReadTheNewContentTwice() throws Exception {
        Path log = logs().resolve("app.log");
        append(log, "g1-", 0, 100);
        AtomicInteger held = new AtomicInteger();
        CompletableFuture<Void> release = new CompletableFuture<>();
        tail("app.log");
        awaitLines(100);
        stream.gate = r -> held.getAndIncrement() == 0 ? release.thenApply(v -> stream.store(r)) : null;
        append(log, "g1-", 100, 200);
        await(() -> held.get() > 0, "the next batch in flight");
        truncate(log); // copytruncate while the batch is in flight; the writer goes on past the old position
        append(log, "g2-", 0, 1000);
        Thread.sleep(150); // polls see the new size while the batch is still in flight
        release.complete(null);
        awaitLines(1200);
        Thread.sleep(300);
        List<String> want = new ArrayList<>(expected("g1-", 0, 200));
        want.addAll(expected("g2-", 0, 1000));
        assertThat(stream.lines()).isEqualTo(want);
    }

    @Test
    void contentReplacingAFileTruncatedToEmptyIsToldApartFromWhatWasReadAfterIt() throws Exception {
        Path log = logs().resolve("app.log");
        append(log, "g1-", 0, 100);
        AtomicInteger held = new AtomicInteger();
        CompletableFuture<Void> release = new CompletableFuture<>();
        TailInput in = tail("app.log");
        awaitLines(100);
        truncate(log);
        await(() -> in.problems(TailErrors.FILE_TRUNCATED) == 1, "the truncation noticed while the file is empty");
        stream.gate = r -> held.getAndIncrement() == 0 ? release.thenApply(v -> stream.store(r)) : null;
        append(log, "g2-", 0, 100);
        await(() -> held.get() > 0, "the first batch of the new content in flight");
        truncate(log); // copytruncate again, and the writer goes on past the batch's end
        append(log, "g3-", 0, 1000);
        Thread.sleep(150);
        release.complete(null);
        awaitLines(1200);
        Thread.sleep(300);
        List<String> want = new ArrayList<>(expected("g1-", 0, 100));
        want.addAll(expected("g2-", 0, 100));
        want.addAll(expected("g3-", 0, 1000));
        assertThat(stream.lines()).isEqualTo(want);
    }

    @Test
    void aFileDeletedWhileBeingReadIsReadToItsEnd() throws Exception {
        Path log = logs().resolve("app.log");
        append(log, "d", 0, 10);
        AtomicInteger held = new AtomicInteger();
        CompletableFuture<Void> release = new CompletableFuture<>();
        tail("app.log");
        awaitLines(10);
        stream.gate = r -> held.getAndIncrement() == 0 ? release.thenApply(v -> stream.store(r)) : null;
        append(log, "d", 10, 20_000);
        await(() -> held.get() > 0, "the next batch in flight");
        Files.delete(log); // most of the file is still unread
        release.complete(null);
        awaitLines(20_000);
        assertThat(stream.lines()).isEqualTo(expected("d", 0, 20_000));
    }

    @Test
    void aRotatedFileThatGetsCompressedIsReadOnceAndTheArchiveIsNotRead() throws Exception {
        Path log = logs().resolve("app.log");
        append(log, "c", 0, 1000);
        tail("app.log*");
        awaitLines(1000);
        append(log, "c", 1000, 1500);
        Path rotated = logs().resolve("app.log.1");
        Files.move(log, rotated);
        append(log, "c", 1500, 2000);
        try (OutputStream gz = new GZIPOutputStream(Files.newOutputStream(logs().resolve("app.log.1.gz")))) {
            gz.write(Files.readAllBytes(rotated));
        }
        Files.delete(rotated);
        awaitLines(2000);
        Thread.sleep(400);
        assertThat(stream.lines()).hasSize(2000).containsExactlyInAnyOrderElementsOf(expected("c", 0, 2000));
    }

    @Test
    void symlinksAreFollowedAndARetargetedLinkIsReadAsTheNewFile() throws Exception {
        Path pods = Files.createDirectories(dir.resolve("pods/ns_pod_uid/app"));
        Path first = pods.resolve("0.log");
        Path second = pods.resolve("1.log");
        append(first, "p0-", 0, 100);
        Path link = logs().resolve("pod_ns_app-abc.log");
        Files.createSymbolicLink(link, first);
        tail("*.log");
        awaitLines(100);
        append(second, "p1-", 0, 100);
        append(first, "p0-", 100, 150); // the old target's last lines, written before the switch
        Path tmp = logs().resolve("tmp.link");
        Files.createSymbolicLink(tmp, second);
        Files.move(tmp, link, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        awaitLines(250);
        List<String> lines = stream.lines();
        assertThat(lines.stream().filter(l -> l.startsWith("p0-")).toList()).isEqualTo(expected("p0-", 0, 150));
        assertThat(lines.stream().filter(l -> l.startsWith("p1-")).toList()).isEqualTo(expected("p1-", 0, 100));
    }

    @Test
    void aRestartResumesWhereTheStreamAcceptedIncludingAPartialLastLine() throws Exception {
        Path log = logs().resolve("app.log");
        append(log, "r", 0, 500);
        Files.writeString(log, "half of a li", StandardOpenOption.APPEND);
        TailInput first = tail("app.log");
        awaitLines(500);
        first.close();
        Files.writeString(log, "ne\n", StandardOpenOption.APPEND);
        append(log, "r", 500, 600);
        tail("app.log");
        awaitLines(601);
        List<String> want = new ArrayList<>(expected("r", 0, 500));
        want.add("half of a line");
        want.addAll(expected("r", 500, 600));
        assertThat(stream.lines()).isEqualTo(want);
    }

    @Test
    void aCrashAfterTheStreamStoredABatchButBeforeItsAckWasSeenStoresItOnce() throws Exception {
        Path log = logs().resolve("app.log");
        String pendingId = storedButNotAcknowledged(log);
        append(log, "k", 300, 400);
        tail("app.log");
        awaitLines(400);
        assertThat(stream.lines()).isEqualTo(expected("k", 0, 400));
        assertThat(stream.submitted.stream().filter(r -> pendingId.equals(r.chunkId())).count())
                .as("the pending batch was sent again under its id").isEqualTo(2);
    }

    @Test
    void aBatchRefusedForAFullLaneIsRetriedAndStoredOnceWhileTheFileWaits() throws Exception {
        AtomicInteger refusals = new AtomicInteger();
        stream.gate = r -> refusals.getAndIncrement() < 4
                ? CompletableFuture.failedFuture(new IngestRejectedException(IngestRejectedException.Reason.BACKPRESSURE, "full"))
                : null;
        append(logs().resolve("app.log"), "b", 0, 3000);
        tail("app.log");
        awaitLines(3000);
        assertThat(stream.lines()).isEqualTo(expected("b", 0, 3000));
        assertThat(refusals.get()).isGreaterThan(4);
    }

    @Test
    void aBatchRefusedForAStorageErrorStaysPendingAndIsSentAgain() throws Exception {
        AtomicInteger refusals = new AtomicInteger();
        stream.gate = r -> refusals.getAndIncrement() < 1
                ? CompletableFuture.<IngestResult>failedFuture(new IngestRejectedException(IngestRejectedException.Reason.STORAGE_ERROR, "io"))
                : null;
        append(logs().resolve("app.log"), "s", 0, 100);
        tail("app.log");
        awaitLines(100);
        assertThat(stream.lines()).isEqualTo(expected("s", 0, 100));
    }

    @Test
    void batchesNotYetAcceptedHoldAtMostTheInFlightBudgetWhateverTheNumberOfFiles() throws Exception {
        for (int i = 0; i < 50; i++) {
            append(logs().resolve("f" + i + ".log"), "file" + i + "-line-", 0, 1000); // ~16 KB each, ~800 KB in all
        }
        List<CompletableFuture<IngestResult>> held = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<io.loglane.core.ingest.IngestRequest> heldRequests = new java.util.concurrent.CopyOnWriteArrayList<>();
        stream.gate = r -> {
            CompletableFuture<IngestResult> f = new CompletableFuture<>();
            held.add(f);
            heldRequests.add(r);
            return f; // the lane never answers while this holds
        };
        long budget = 64 << 10;
        TailInput in = tail("*.log", true, 1 << 20, Duration.ofMillis(40), budget);
        await(() -> !held.isEmpty(), "batches in flight");
        Thread.sleep(300); // many polls: nothing more may be read while the budget is used up
        long bytes = heldRequests.stream().mapToLong(r -> r.records().length()).sum();
        long largest = heldRequests.stream().mapToLong(r -> r.records().length()).max().orElse(0);
        assertThat(bytes - largest).as("reading stops once the budget is reached (the last batch may pass it)").isLessThan(budget);
        assertThat(heldRequests.size()).as("not every file was read").isLessThan(50);
        stream.gate = r -> null;
        for (int i = 0; i < heldRequests.size(); i++) {
            held.get(i).complete(stream.store(heldRequests.get(i)));
        }
        awaitLines(50_000);
        assertThat(stream.lines()).hasSize(50_000).doesNotHaveDuplicates();
        assertThat(in.onThread(in::inFlightBytes)).isZero();
    }

    @Test
    void invalidUtf8AndBinaryLinesAreStoredSafelyAndCounted() throws Exception {
        Path log = logs().resolve("app.log");
        byte[] bad = {'o', 'k', (byte) 0xC3, '(', '\n', 'b', 'i', 'n', 0, 1, 2, '\n', (byte) 0xF0, (byte) 0x9F, (byte) 0x98, (byte) 0x80, '\n'};
        Files.write(log, bad);
        TailInput in = tail("app.log");
        awaitLines(3);
        assertThat(stream.lines()).containsExactly("ok\uFFFD(", "bin\u0000\u0001\u0002", "\uD83D\uDE00");
        assertThat(in.problems(TailErrors.INVALID_UTF8)).isEqualTo(1);
        assertThat(in.problems(TailErrors.BINARY)).isEqualTo(1);
    }

    @Test
    void aHugeLineWithoutNewlineIsCutMarkedAndTheRestOfTheFileIsStillRead() throws Exception {
        Path log = logs().resolve("app.log");
        try (OutputStream out = Files.newOutputStream(log)) {
            out.write("before\n".getBytes(StandardCharsets.UTF_8));
            byte[] mib = new byte[1 << 20];
            java.util.Arrays.fill(mib, (byte) 'x');
            for (int i = 0; i < 50; i++) {
                out.write(mib); // a 50 MiB line
            }
            out.write("\nafter\n".getBytes(StandardCharsets.UTF_8));
        }
        TailInput in = tail("app.log", true, 1024);
        awaitLines(3);
        assertThat(stream.lines()).hasSize(3);
        assertThat(stream.lines().get(0)).isEqualTo("before");
        assertThat(stream.lines().get(1)).hasSize(1024);
        assertThat(stream.stored.get(1).get("truncated").asBooleanValue().getBoolean()).isTrue();
        assertThat(stream.lines().get(2)).isEqualTo("after");
        assertThat(in.problems(TailErrors.LINE_TRUNCATED)).isEqualTo(1);
    }

    @Test
    void pathsThatCannotBeReadAreCountedAndTheOthersAreStillReadAlsoAsRoot() throws Exception {
        append(logs().resolve("ok.log"), "o", 0, 10);
        // a FIFO under the glob: opening it for reading would block the tailer until a writer came
        Process mkfifo = new ProcessBuilder("mkfifo", logs().resolve("pipe.log").toString()).start();
        assertThat(mkfifo.waitFor()).isZero();
        // a directory where the config names a file
        Files.createDirectories(logs().resolve("named.log"));
        boolean root = System.getProperty("user.name").equals("root");
        if (!root) { // root reads files whatever their mode
            append(logs().resolve("secret.log"), "s", 0, 10);
            Files.setPosixFilePermissions(logs().resolve("secret.log"), java.util.Set.of());
        }
        TailConfig c = new TailConfig("t", List.of(logs() + "/*.log", logs() + "/named.log"), List.of(), "app", true, 1 << 20,
                1 << 20, 64L << 20, Duration.ofMillis(40), Duration.ofMillis(20), Duration.ofMillis(300), Duration.ofMillis(300));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        TailInput in = new TailInput(c, new InputContext(stream, registry, Clock.systemUTC(), dir.resolve("data")));
        inputs.add(in);
        in.start();
        awaitLines(10);
        append(logs().resolve("ok.log"), "o", 10, 20); // the reader is not stuck on the FIFO
        awaitLines(20);
        assertThat(stream.lines()).isEqualTo(expected("o", 0, 20));
        for (String name : root ? List.of("pipe.log", "named.log") : List.of("pipe.log", "named.log", "secret.log")) {
            assertThat(in.errors().reported(TailErrors.UNREADABLE, logs().resolve(name).toString())).as(name + " counted").isTrue();
        }
        assertThat(registry.find(TailErrors.METRIC).tag("reason", TailErrors.UNREADABLE).counter().count()).isPositive();
    }

    @Test
    void aCorruptPositionsFileFailsTheStartNamingTheFile() throws Exception {
        TailInput first = tail("*.log");
        append(logs().resolve("a.log"), "a", 0, 10);
        awaitLines(10);
        first.close();
        Path positions = first.positionsFile();
        byte[] b = Files.readAllBytes(positions);
        b[b.length / 2] ^= 1;
        Files.write(positions, b);
        TailConfig c = new TailConfig("t", List.of(logs() + "/*.log"), List.of(), "x", true, 1024, 4096, 64L << 20,
                Duration.ofMillis(40), Duration.ofMillis(20), Duration.ofMillis(300), Duration.ofMillis(300));
        TailInput again = new TailInput(c, new InputContext(stream, new SimpleMeterRegistry(), Clock.systemUTC(), dir.resolve("data")));
        inputs.add(again);
        org.assertj.core.api.Assertions.assertThatThrownBy(again::start).isInstanceOf(IOException.class)
                .hasMessageContaining(positions.toString()).hasMessageContaining("corrupt");
    }
}
