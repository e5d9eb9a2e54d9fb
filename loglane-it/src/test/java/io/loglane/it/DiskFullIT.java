package io.loglane.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.loglane.bench.faults.ChildNode;
import io.loglane.stream.local.LaneInspector;
import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10, item 4, end to end on a really full disk: the data directory is a 64 MiB tmpfs (the test
 * mounts one, so it needs root; it is skipped where mounting is not allowed). One small event per
 * lane, the disk filled by a file loglane does not own, 2 MB of incompressible events per lane
 * (several 1 MiB segment rolls), the file deleted, the 2 MB again. While the disk is full HTTP
 * ingest answers 503 {@code disk_full} with {@code Retry-After} (never 500); once space returns
 * both the {@code sync} lane (audit) and the {@code disk} lane (activity) take events again without
 * a restart, and the restart after finds no damage and quarantines nothing.
 */
class DiskFullIT {
    private static final String OVERLAY = """
            stream:
              segment_size: 1MiB
            lanes:
              audit:
                to: []
              activity:
                to: []
            """;
    private static final List<String> LANES = List.of("audit", "activity");
    /** 8 requests of 256 KiB: about 2 MB per lane, more than one segment. */
    private static final int REQUESTS = 8;

    @Test
    void aFullDiskIsRefusedWith503AndIngestResumesOnceSpaceReturns(@TempDir Path dir) throws Exception {
        Path mount = mountTmpfs(dir);
        try {
            Path overlay = dir.resolve("overlay.yaml");
            Files.writeString(overlay, OVERLAY);
            try (ChildNode node = new ChildNode(mount.resolve("data"), List.of(overlay), dir.resolve("loglane.log"))) {
                node.start();
                SplittableRandom random = new SplittableRandom(4);
                for (String lane : LANES) {
                    assertThat(post(node, lane, events(random, 1, 100)).statusCode()).isEqualTo(202);
                }

                Path filler = mount.resolve("filler");
                fill(filler);
                List<HttpResponse<String>> refused = new ArrayList<>();
                for (String lane : LANES) {
                    for (int i = 0; i < REQUESTS; i++) {
                        HttpResponse<String> r = post(node, lane, events(random, 1000, 256));
                        assertThat(r.statusCode()).as(lane + ": a full disk is no server error: " + r.body()).isIn(202, 503);
                        if (r.statusCode() == 503) {
                            refused.add(r);
                        }
                    }
                }
                assertThat(refused).as("refusals while the disk is full").isNotEmpty().allSatisfy(r -> {
                    assertThat(r.body()).contains("\"reason\":\"disk_full\"");
                    assertThat(r.headers().firstValue("Retry-After")).isPresent();
                });

                Files.delete(filler);
                for (String lane : LANES) {
                    for (int i = 0; i < REQUESTS; i++) {
                        HttpResponse<String> r = post(node, lane, events(random, 1000, 256));
                        assertThat(r.statusCode()).as(lane + " takes events again once space returns: " + r.body()).isEqualTo(202);
                    }
                }
                node.stop();
                long before = node.logLength();
                node.start();
                String restart = node.logSince(before);
                assertThat(restart).contains("recovered lane audit:", "recovered lane activity:").doesNotContain("QUARANTINED");
                node.stop();
            }
            for (String lane : LANES) {
                assertThat(LaneInspector.check(mount.resolve("data").resolve("stream").resolve(lane)).ok()).as(lane).isTrue();
            }
        } finally {
            run("umount", "-l", mount.toString());
        }
    }

    /**
     * Requests that each carry 64 audit (sync) and 64 activity (disk) events, all marked with the
     * request's number, sent while the disk fills, is full and is freed: each is answered 202 or
     * 503 (never 500), and in the archive afterwards every request is whole (all 128 events, 64 in
     * each lane) or absent, and every acknowledged one is there.
     */
    @Test
    void aRequestSpanningLanesOnAFullDiskIsStoredWholeOrNotAtAll(@TempDir Path dir) throws Exception {
        Path mount = mountTmpfs(dir);
        try {
            Path overlay = dir.resolve("overlay.yaml");
            Files.writeString(overlay, """
                    stream:
                      segment_size: 1MiB
                    archive:
                      flush_age: 300ms
                    """);
            try (ChildNode node = new ChildNode(mount.resolve("data"), List.of(overlay), dir.resolve("loglane.log"))) {
                node.start();
                SplittableRandom random = new SplittableRandom(5);
                List<Integer> acked = new ArrayList<>();
                int n = 0;
                assertThat(node.post("/api/v1/ingest/app", twoLanes(random, n), Map.of()).statusCode()).isEqualTo(202);
                acked.add(n++);
                Path filler = mount.resolve("filler");
                fill(filler);
                int refused = 0;
                for (int i = 0; i < 12; i++, n++) {
                    HttpResponse<String> r = node.post("/api/v1/ingest/app", twoLanes(random, n), Map.of());
                    assertThat(r.statusCode()).as("a full disk is no server error: " + r.body()).isIn(202, 503);
                    if (r.statusCode() == 202) {
                        acked.add(n);
                    } else {
                        refused++;
                        assertThat(r.headers().firstValue("Retry-After")).isPresent();
                    }
                }
                assertThat(refused).as("refusals while the disk is full").isPositive();
                Files.delete(filler);
                for (int i = 0; i < 8; i++, n++) {
                    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                    HttpResponse<String> r;
                    do { // a part deferred while the disk was full is appended again within seconds; until then 503
                        r = node.post("/api/v1/ingest/app", twoLanes(random, n), Map.of());
                    } while (r.statusCode() == 503 && System.nanoTime() < until && sleep(200));
                    assertThat(r.statusCode()).as("takes requests again once space returns: " + r.body()).isEqualTo(202);
                    acked.add(n);
                }
                node.flush();
                JsonNode rows = node.sql("SELECT TRY_CAST(regexp_extract(message, 'mlreq=([0-9]+)', 1) AS INTEGER) AS r,"
                        + " count(*) FILTER (WHERE lane = 'audit') AS a, count(*) FILTER (WHERE lane = 'activity') AS b"
                        + " FROM logs WHERE message LIKE '%mlreq=%' GROUP BY r ORDER BY r").get("rows");
                List<Integer> stored = new ArrayList<>();
                for (JsonNode row : rows) {
                    stored.add(row.get(0).asInt());
                    assertThat(List.of(row.get(1).asInt(), row.get(2).asInt())).as("request %s whole, each event once", row.get(0))
                            .containsExactly(64, 64);
                }
                assertThat(stored).containsAll(acked);
                node.stop();
                long before = node.logLength();
                node.start();
                assertThat(node.logSince(before)).contains("recovered lane audit:", "recovered lane activity:")
                        .doesNotContain("QUARANTINED").doesNotContain("CORRUPT CHECKPOINTS").doesNotContain("re-appended");
                node.stop();
            }
            for (String lane : LANES) {
                assertThat(LaneInspector.check(mount.resolve("data").resolve("stream").resolve(lane)).ok()).as(lane).isTrue();
            }
        } finally {
            run("umount", "-l", mount.toString());
        }
    }

    /** A 64 MiB tmpfs at {@code dir/tmpfs}; the test is skipped where mounting is not allowed. */
    private static Path mountTmpfs(Path dir) throws IOException, InterruptedException {
        Path mount = dir.resolve("tmpfs");
        Files.createDirectories(mount);
        assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", mount.toString()) == 0,
                "mounting a tmpfs needs root (and a sandbox that allows it)");
        return mount;
    }

    private static boolean sleep(long millis) throws InterruptedException {
        Thread.sleep(millis);
        return true;
    }

    /** Request {@code n}: 64 audit and 64 activity events of about 2 KiB of random hex each. */
    private static String twoLanes(SplittableRandom random, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 128; i++) {
            sb.append("{\"log_type\":\"").append(i % 2 == 0 ? "audit" : "activity").append("\",\"message\":\"mlreq=").append(n).append(' ');
            for (int k = 0; k < 128; k++) {
                sb.append(Long.toHexString(random.nextLong() | Long.MIN_VALUE));
            }
            sb.append("\"}\n");
        }
        return sb.toString();
    }

    private static HttpResponse<String> post(ChildNode node, String lane, String body) throws Exception {
        return node.post("/api/v1/ingest/x." + lane, body, Map.of());
    }

    /** About {@code kib} KiB of events whose messages are random hex, which LZ4 cannot shrink. */
    private static String events(SplittableRandom random, int perEvent, int kib) {
        StringBuilder sb = new StringBuilder();
        while (sb.length() < kib * 1024) {
            sb.append("{\"message\":\"");
            for (int k = 0; k < perEvent / 16 + 1; k++) {
                sb.append(Long.toHexString(random.nextLong() | Long.MIN_VALUE));
            }
            sb.append("\"}\n");
        }
        return sb.toString();
    }

    /** Writes {@code file} until the filesystem has no space left. */
    private static void fill(Path file) throws IOException {
        byte[] chunk = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(file)) {
            while (true) {
                out.write(chunk);
            }
        } catch (IOException e) {
            assertThat(e.getMessage()).contains("No space left on device");
        }
    }

    private static int run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }
}
