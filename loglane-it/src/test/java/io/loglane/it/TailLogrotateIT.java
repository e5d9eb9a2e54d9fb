package io.loglane.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.loglane.bench.faults.ChildNode;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tail input in a child node while a writer appends JSON lines at a high rate (up to 10k lines/s) and Debian's real
 * {@code logrotate} rotates the file every ~400 ms, and loglane is killed with SIGKILL while a
 * rotation runs (twice) and started again. Then every line is counted in SQL:
 * <ul>
 *   <li>rename mode ({@code nocreate}: the writer reopens the path for each burst, so it creates
 *       the new file): lines written = rows stored, none twice;</li>
 *   <li>copytruncate mode: none twice, and every line that the live file or any copy holds is
 *       stored, including the end of a copy the tail had not read when the file was truncated (read
 *       from the copy, also after a restart). The only lines that may be missing are in no file at
 *       all: written between logrotate's copy and its truncate, and not read by the tail in between,
 *       which logrotate's manual names as copytruncate's own loss ("some logging data might be
 *       lost"); no tailer can read what the truncate destroyed. A copy that ends inside a line (the writer writes each
 *       burst in two parts) holds the start of it: that start is stored once as a line of its own.</li>
 * </ul>
 * logrotate keeps {@code rotate 30} copies, more than the run's 14 rotations, so no copy is deleted
 * while loglane is down (a deleted copy's unread lines cannot be recovered: counted as
 * {@code rotated_away}, tested in TailInputTest).
 * Skipped when {@code logrotate} is not installed ({@code .ci/run} installs it).
 */
class TailLogrotateIT {
    private static final Pattern SEQ = Pattern.compile("\"seq\":(\\d+)");

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void renameRotationWithKill9LosesNoLineAndStoresNoneTwice(@TempDir Path dir) throws Exception {
        try (ChildNode node = new ChildNode(dir.resolve("data"), List.of(overlay(dir)), dir.resolve("loglane.log"))) {
            renameRotation(run(dir, node, "rename", "nocreate"));
        }
    }

    private static void renameRotation(Run run) throws Exception {
        JsonNode row = counts(run.node, "rename", run.written);
        assertThat(row.get(0).asLong()).as("no line stored twice (log: %s)", run.node.tailOfLog()).isEqualTo(row.get(1).asLong());
        assertThat(row.get(0).asLong()).as("every line written is stored (log: %s)", run.node.tailOfLog()).isEqualTo(run.written);
        assertThat(row.get(2).asLong()).isZero();
        assertThat(row.get(3).asLong()).isEqualTo(run.written - 1);
    }

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void copytruncateRotationWithKill9StoresEveryLineAnyFileHoldsOnce(@TempDir Path dir) throws Exception {
        try (ChildNode node = new ChildNode(dir.resolve("data"), List.of(overlay(dir)), dir.resolve("loglane.log"))) {
            copytruncateRotation(run(dir, node, "copytruncate", "copytruncate"));
        }
    }

    private static void copytruncateRotation(Run run) throws Exception {
        JsonNode row = counts(run.node, "copytruncate", run.written);
        assertThat(row.get(0).asLong()).as("no line stored twice (%s; log: %s)", duplicates(run.node, "copytruncate"),
                run.node.tailOfLog()).isEqualTo(row.get(1).asLong());
        Set<Long> missing = new HashSet<>();
        JsonNode answer = run.node.sql("SELECT s FROM range(0, " + run.written + ") t(s) WHERE s NOT IN (SELECT CAST(attrs->>'seq' AS BIGINT)"
                + " FROM logs WHERE attrs->>'run' = 'copytruncate') ORDER BY s");
        assertThat(answer.get("truncated").asBoolean()).as("every missing line is listed").isFalse();
        for (JsonNode r : answer.get("rows")) {
            missing.add(r.get(0).asLong());
        }
        Set<Long> inFiles = inFiles(run.logs);
        Set<Long> missingButInAFile = new HashSet<>(missing);
        missingButInAFile.retainAll(inFiles);
        assertThat(missingButInAFile).as("every line the live file or a copy holds is stored (tail metrics: %s; log: %s)",
                tailMetrics(run.node), run.node.tailOfLog()).isEmpty();
        assertThat(row.get(0).asLong()).as("stored = written - lines in no file").isEqualTo(run.written - missing.size());
        // the start of a line a copy ends inside is what the files hold of it: the tail stores it as a line of its own
        // (after partial_flush), once, unless it had read the whole line from the live file before the truncate
        List<Fragment> fragments = fragments(run.logs);
        for (Fragment fragment : fragments) {
            boolean wholeStored = fragment.seq() >= 0 && !missing.contains(fragment.seq());
            long asText = 0;
            for (long end = System.nanoTime() + Duration.ofSeconds(wholeStored ? 0 : 30).toNanos(); ; Thread.sleep(1000)) {
                run.node.flush(); // partial_flush (5 s) after the copy stopped growing, then delivery
                asText = run.node.sql("SELECT count(*) FROM logs WHERE message = '" + fragment.text().replace("'", "''") + "'")
                        .get("rows").get(0).get(0).asLong();
                if (asText > 0 || System.nanoTime() >= end) {
                    break;
                }
            }
            assertThat(asText + (wholeStored ? 1 : 0)).as("the cut line %s (seq %d) is stored once, whole or as the copy holds it"
                    + " (tail metrics: %s)", fragment.text(), fragment.seq(), tailMetrics(run.node)).isEqualTo(1);
        }
        System.out.println("copytruncate: " + run.written + " lines written, " + row.get(0).asLong() + " stored; the "
                + missing.size() + " not stored are in no file (written between logrotate's copy and its truncate, before"
                + " the tail read them); " + fragments.size() + " copies end inside a line");
    }

    private record Run(ChildNode node, Path logs, long written) {}

    /** Runs the writer, rotations and two kill -9s; returns once everything written is queryable. */
    private static Path overlay(Path dir) throws IOException {
        assumeThat(Files.isExecutable(Path.of("/usr/sbin/logrotate"))).as("Debian's logrotate is installed (.ci/run installs it)").isTrue();
        Path log = Files.createDirectories(dir.resolve("logs")).resolve("app.log");
        Path overlay = dir.resolve("tail.yaml");
        Files.writeString(overlay, """
                inputs:
                  - type: tail
                    name: files
                    paths: ["%s"]
                    tag: files.app
                    scan_interval: 200ms
                    poll_interval: 50ms
                    rotate_wait: 2s
                archive:
                  flush_age: 1s
                query:
                  max_rows: 2000000
                """.formatted(log));
        return overlay;
    }

    private static Run run(Path dir, ChildNode node, String mode, String rotateOption) throws Exception {
        Path logs = dir.resolve("logs");
        Path log = logs.resolve("app.log");
        Path conf = dir.resolve("logrotate.conf");
        Files.writeString(conf, log + " {\n  rotate 30\n  " + rotateOption + "\n  missingok\n  nocompress\n}\n");
        node.start();
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicLong seq = new AtomicLong();
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> write(log, mode, seq, writing));
        try {
            for (int rotation = 1; rotation <= 14; rotation++) {
                Thread.sleep(400);
                Process rotate = logrotate(conf, dir.resolve("logrotate.state"));
                if (rotation == 4 || rotation == 9) {
                    Thread.sleep(rotation); // a few ms into the rotation
                    node.kill9();
                    assertThat(rotate.waitFor(30, TimeUnit.SECONDS)).isTrue();
                    Thread.sleep(300);
                    node.start();
                } else {
                    assertThat(rotate.waitFor(30, TimeUnit.SECONDS)).isTrue();
                }
                assertThat(rotate.exitValue()).as("logrotate: %s", new String(rotate.getInputStream().readAllBytes())).isZero();
            }
        } finally {
            writing.set(false);
            writer.get(30, TimeUnit.SECONDS);
        }
        long written = seq.get();
        assertThat(written).as("the writer wrote").isGreaterThan(10_000);
        assertThat(node.fullLog()).contains("===== start 3 =====");
        // everything written becomes queryable within a bounded wait (flush makes acked rows visible)
        // everything any file holds must be stored (copytruncate destroys only lines in no file); on a
        // busy machine the tail may still be reading copies when the writer stops
        long inFiles = inFiles(logs).size();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        long last = -1;
        while (System.nanoTime() < deadline) {
            node.flush();
            long n = counts(node, mode, written).get(1).asLong();
            if (n == last && n >= inFiles) {
                break; // stable
            }
            last = n;
            Thread.sleep(3000); // longer than rotate_wait + partial_flush is not needed: lines end with newlines
        }
        return new Run(node, logs, written);
    }

    /**
     * Appends bursts of 100 lines, reopening the path for each burst (so a renamed file is left behind), at most 10k lines/s;
     * in copytruncate mode each burst in two writes cut inside a line.
     */
    private static void write(Path log, String mode, AtomicLong seq, AtomicBoolean writing) {
        StringBuilder sb = new StringBuilder();
        try {
            while (writing.get()) {
                sb.setLength(0);
                long first = seq.get();
                for (int i = 0; i < 100; i++) {
                    sb.append("{\"msg\":\"tail rotation test line\",\"run\":\"").append(mode).append("\",\"seq\":").append(first + i)
                            .append(",\"pad\":\"0123456789abcdefghijklmnopqrstuvwxyz\"}\n");
                }
                byte[] burst = sb.toString().getBytes(StandardCharsets.UTF_8);
                try (OutputStream out = Files.newOutputStream(log, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
                    if (mode.equals("copytruncate")) {
                        // two writes a millisecond apart, the first ending inside a line after its seq, as a buffered
                        // writer does: a copy then often ends inside a line, whose rest the truncate destroys (fragments())
                        int cut = burst.length / 2 + 80;
                        out.write(burst, 0, cut);
                        out.flush();
                        Thread.sleep(1);
                        out.write(burst, cut, burst.length - cut);
                    } else {
                        out.write(burst);
                    }
                }
                seq.addAndGet(100);
                Thread.sleep(10);
            }
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The tail input's meters and ledger lines of {@code /metrics}, for failure messages. */
    private static String tailMetrics(ChildNode node) throws IOException, InterruptedException {
        return String.join("\n", node.get("/metrics").body().lines()
                .filter(l -> l.startsWith("loglane_tail") || l.startsWith("loglane_source_events") && l.contains("files")).toList());
    }

    private static Process logrotate(Path conf, Path state) throws IOException {
        return new ProcessBuilder("/usr/sbin/logrotate", "-f", "-s", state.toString(), conf.toString()).redirectErrorStream(true).start();
    }

    /** Lines stored more than once, as ranges of seq with the files they were read from, for failure messages. */
    private static String duplicates(ChildNode node, String mode) throws IOException, InterruptedException {
        return node.sql("SELECT min(seq), max(seq), count(*), sources FROM (SELECT CAST(attrs->>'seq' AS BIGINT) seq,"
                + " string_agg(source || ' ' || lane, ', ' ORDER BY source) sources FROM logs WHERE attrs->>'run' = '" + mode + "'"
                + " GROUP BY 1 HAVING count(*) > 1) GROUP BY sources ORDER BY 1 LIMIT 20").get("rows").toString();
    }

    /** count(*), count(DISTINCT seq), min(seq), max(seq) of the run's rows. */
    private static JsonNode counts(ChildNode node, String mode, long written) throws IOException, InterruptedException {
        return node.sql("SELECT count(*), count(DISTINCT CAST(attrs->>'seq' AS BIGINT)), min(CAST(attrs->>'seq' AS BIGINT)),"
                + " max(CAST(attrs->>'seq' AS BIGINT)) FROM logs WHERE attrs->>'run' = '" + mode + "'").get("rows").get(0);
    }

    /**
     * The seq of every whole line (ended by a newline) in app.log and its copies. A copy may end inside a line: logrotate
     * read to the end of the file between two writes of a burst, or in the middle of one; the rest of that line went to the
     * live file and the truncate destroyed it, so the line is whole in no file ({@link #fragments}).
     */
    private static Set<Long> inFiles(Path logs) throws IOException {
        Set<Long> out = new HashSet<>();
        for (Path file : logFiles(logs)) {
            String text = Files.readString(file);
            for (String line : text.substring(0, text.lastIndexOf('\n') + 1).split("\n")) {
                Matcher m = SEQ.matcher(line);
                if (m.find()) {
                    out.add(Long.parseLong(m.group(1)));
                }
            }
        }
        return out;
    }

    /** The start of a line a copy ends inside, and that line's seq (the one after the copy's last whole line). */
    private record Fragment(String text, long seq) {}

    /** The unended last line of each file that has one (a copy cut inside a line; see {@link #inFiles}). */
    private static List<Fragment> fragments(Path logs) throws IOException {
        List<Fragment> out = new ArrayList<>();
        for (Path file : logFiles(logs)) {
            String text = Files.readString(file);
            int end = text.lastIndexOf('\n') + 1;
            if (end == text.length()) {
                continue;
            }
            long seq = -1;
            for (String line : text.substring(0, end).split("\n")) { // the lines of a file are consecutive
                Matcher m = SEQ.matcher(line);
                if (m.find()) {
                    seq = Long.parseLong(m.group(1)) + 1;
                }
            }
            out.add(new Fragment(text.substring(end), seq));
        }
        return out;
    }

    private static List<Path> logFiles(Path logs) throws IOException {
        try (Stream<Path> s = Files.list(logs)) {
            return s.filter(p -> p.getFileName().toString().startsWith("app.log")).sorted().toList();
        }
    }
}
