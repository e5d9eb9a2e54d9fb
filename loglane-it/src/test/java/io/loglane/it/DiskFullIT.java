package io.loglane.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
        Path mount = dir.resolve("tmpfs");
        Files.createDirectories(mount);
        assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", mount.toString()) == 0,
                "mounting a tmpfs needs root (and a sandbox that allows it)");
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
