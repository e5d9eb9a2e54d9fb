package io.loglane.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./loglane import} against a node in this JVM: plain, gzip and standard input land every
 * line once in the lane's table; a rerun stores nothing twice; {@code --lane} overrides the
 * router's content rules; a paused server (503) is retried; bad input gets a clear error or is kept.
 * Small {@code --batch-size}s make many batches, sent several at a time.
 */
class ImportCommandTest {
    @TempDir
    static Path dir;
    private static TestNode t;

    @BeforeAll
    static void start() throws Exception {
        t = TestNode.start(dir, "");
    }

    @AfterAll
    static void stop() {
        if (t != null) {
            t.close();
        }
    }

    /** {@code n} distinct nginx access lines whose path names {@code name} and the line number. */
    private static String accessLines(String name, int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append("10.0.").append(i % 250).append(".7 - - [05/Dec/2026:05:").append(String.format("%02d:%02d", i / 60 % 60, i % 60))
                    .append(" +0000] \"GET /").append(name).append('/').append(i).append(" HTTP/1.1\" ").append(i % 7 == 0 ? 500 : 200)
                    .append(" 1234 \"-\" \"curl/8.5 padding-to-make-the-line-longer-").append("x".repeat(i % 90)).append("\"\n");
        }
        return b.toString();
    }

    private static long count(String sql) throws Exception {
        t.flush();
        return t.sqlRows(sql).get(0).get(0).asLong();
    }

    private static Cli.Run importCmd(String stdin, String... args) {
        String[] all = new String[args.length + 5];
        all[0] = "import";
        all[1] = "--server";
        all[2] = t.url();
        all[3] = "--batch-size=64KiB";
        all[4] = "--max-line=8KiB";
        System.arraycopy(args, 0, all, 5, args.length);
        return Cli.runWithInput(stdin, all);
    }

    @Test
    void plainGzipAndStdinLandEveryLineOnceAndARerunStoresNothingTwice() throws Exception {
        Path plain = dir.resolve("access.log");
        Files.writeString(plain, accessLines("plain", 12_000)); // ~2 MB: crosses the 1 MiB read block, ~30 batches
        Path gz = dir.resolve("rotated.log.1"); // gzip known by content, not by name
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write(accessLines("gz", 3_000).getBytes(StandardCharsets.UTF_8));
        }

        Cli.Run first = importCmd(accessLines("stdin", 500), "--lane", "access", plain.toString(), gz.toString(), "-");
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.out()).contains("imported 15500 lines").contains("15500 accepted, 0 duplicates, 0 rejected");
        String perSource = "SELECT count(*), count(DISTINCT path) FROM access WHERE tag = 'import.access' AND path LIKE '/%s/%%'";
        for (String[] c : new String[][] {{"plain", "12000"}, {"gz", "3000"}, {"stdin", "500"}}) {
            t.flush();
            var row = t.sqlRows(perSource.formatted(c[0])).get(0);
            assertThat(row.get(0).asLong()).as(c[0] + " lines stored").isEqualTo(Long.parseLong(c[1]));
            assertThat(row.get(1).asLong()).as(c[0] + " lines distinct (parsed by the access lane)").isEqualTo(Long.parseLong(c[1]));
        }

        Cli.Run second = importCmd(accessLines("stdin", 500), "--lane", "access", plain.toString(), gz.toString(), "-");
        assertThat(second.exitCode()).as(second.err()).isZero();
        assertThat(second.out()).contains("0 accepted, 15500 duplicates, 0 rejected");
        assertThat(count("SELECT count(*) FROM access WHERE tag = 'import.access'")).isEqualTo(15_500);
    }

    @Test
    void standardInputsSharingTheirFirst4KiBAreDifferentImports() throws Exception {
        String head = "x".repeat(5000) + "\n"; // the same first 4 KiB, so the same stdin fingerprint
        Cli.Run a = importCmd(head + accessLines("stdina", 300), "--lane", "access", "-");
        Cli.Run b = importCmd(head + accessLines("stdinb", 300), "--lane", "access", "-");
        assertThat(a.exitCode()).as(a.err()).isZero();
        assertThat(b.exitCode()).as(b.err()).isZero();
        assertThat(b.out()).as("a batch whose content differs is not a duplicate").contains("301 accepted, 0 duplicates");
        assertThat(count("SELECT count(*) FROM access WHERE path LIKE '/stdinb/%'")).isEqualTo(300);
    }

    @Test
    void laneOverridesTheRoutersContentRules() throws Exception {
        String lines = "ERROR payment failed id=1\nERROR payment failed id=2\n";
        Path f = dir.resolve("errors.log");
        Files.writeString(f, lines);
        assertThat(importCmd("", "--tag", "imp.routed", f.toString()).exitCode()).isZero();
        assertThat(importCmd("", "--lane", "trace", f.toString()).exitCode()).isZero();
        assertThat(count("SELECT count(*) FROM error WHERE tag = 'imp.routed'")).as("no --lane: the router's error_level rule").isEqualTo(2);
        assertThat(count("SELECT count(*) FROM trace WHERE tag = 'import.trace' AND message LIKE 'ERROR payment failed%'")).isEqualTo(2);

        Cli.Run unknown = importCmd("", "--lane", "nosuchlane", f.toString());
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("no lane 'nosuchlane'").contains("access");
    }

    @Test
    void aPausedServerIsRetriedUntilItTakesTheBatches() throws Exception {
        Path f = dir.resolve("paused.log");
        Files.writeString(f, accessLines("paused", 400));
        t.node.pauseInputs();
        CompletableFuture<Cli.Run> run;
        try {
            run = CompletableFuture.supplyAsync(() -> importCmd("", "--lane", "access", f.toString()));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (pausedRefusals() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(pausedRefusals()).as("the import was refused with 503 while paused").isPositive();
        } finally {
            t.node.resumeInputs();
        }
        Cli.Run r = run.get(60, TimeUnit.SECONDS);
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("400 accepted").containsPattern("[1-9]\\d* retries");
        assertThat(count("SELECT count(*) FROM access WHERE path LIKE '/paused/%'")).isEqualTo(400);
    }

    private static double pausedRefusals() throws Exception {
        double n = 0;
        for (String line : t.get("/metrics").body().split("\n")) {
            if (line.startsWith("loglane_input_requests_failed_total") && line.contains("reason=\"paused\"")) {
                n += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return n;
    }

    @Test
    void badInputGetsAClearErrorOrIsKept() throws Exception {
        Cli.Run missing = importCmd("", dir.resolve("nope.log").toString());
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("nope.log: no such file");

        Cli.Run directory = importCmd("", dir.toString());
        assertThat(directory.exitCode()).isEqualTo(2);
        assertThat(directory.err()).contains("is a directory");

        byte[] garbage = new byte[200_000];
        new Random(42).nextBytes(garbage);
        Path bin = dir.resolve("garbage.bin");
        Files.write(bin, garbage);
        long expected = nonEmptyLines(garbage);
        Cli.Run binary = importCmd("", "--lane", "trace", "--tag", "imp.garbage", bin.toString());
        assertThat(binary.exitCode()).as(binary.err()).isZero();
        assertThat(binary.out()).contains(expected + " accepted").containsPattern("[1-9]\\d* invalid UTF-8 repaired");
        assertThat(count("SELECT count(*) FROM trace WHERE tag = 'imp.garbage'")).isEqualTo(expected);

        Path broken = dir.resolve("broken.gz");
        Files.write(broken, new byte[] {0x1f, (byte) 0x8b, 8, 0, 1, 2, 3});
        Cli.Run gz = importCmd("", broken.toString());
        assertThat(gz.exitCode()).isEqualTo(2);
        assertThat(gz.err()).contains("broken.gz");

        Cli.Run refused = importCmd("", "--tag", "bad tag", cut(dir).toString());
        assertThat(refused.exitCode()).as("a 4xx stops the import; its lines count as rejected").isEqualTo(1);
        assertThat(refused.err()).contains("HTTP 400").contains("bad tag");
        assertThat(refused.out()).contains("0 accepted, 0 duplicates, 3 rejected");

        String longLine = "L".repeat(20_000);
        Path cut = dir.resolve("long.log");
        Files.writeString(cut, "before\n" + longLine + "\nafter\n");
        Cli.Run cutRun = importCmd("", "--lane", "trace", "--tag", "imp.long", cut.toString());
        assertThat(cutRun.exitCode()).as(cutRun.err()).isZero();
        assertThat(cutRun.out()).contains("3 accepted").contains("1 truncated");
        t.flush();
        assertThat(t.sqlRows("SELECT message, length(message) FROM trace WHERE tag = 'imp.long' ORDER BY length(message)").toString())
                .as("the long line cut at 8 KiB, the next line read").matches("\\[\\[\"after\",5],\\[\"before\",6],\\[\"L{8192}\",8192]]");
    }

    private static Path cut(Path dir) throws Exception {
        return Files.writeString(dir.resolve("three.log"), "one\ntwo\nthree\n");
    }

    /** Lines {@code ./loglane import} sends: {@code \n}-separated, a trailing {@code \r} dropped, empty ones skipped. */
    private static long nonEmptyLines(byte[] b) {
        long n = 0;
        int start = 0;
        for (int i = 0; i <= b.length; i++) {
            if (i == b.length || b[i] == '\n') {
                int len = i - start;
                if (len > 0 && b[start + len - 1] == '\r') {
                    len--;
                }
                if (len > 0) {
                    n++;
                }
                start = i + 1;
            }
        }
        return n;
    }
}
