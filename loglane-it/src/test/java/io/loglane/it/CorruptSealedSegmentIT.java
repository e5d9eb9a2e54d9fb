package io.loglane.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.loglane.bench.faults.ChildNode;
import io.loglane.bench.faults.LaneBatches;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.RandomAccessFile;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bit rot in an older, sealed segment of a lane no store has read yet (issue 10, item 5). Start-up
 * trusts the segment's index and does not re-check it, so the delivery consumer meets the damage
 * when it gets there. The lane must recover that segment by itself and delivery go on: every event
 * except those of the damaged batch becomes queryable, the loss is counted in
 * {@code loglane_stream_records_lost_total}, {@code POST /api/v1/flush} completes, and a clean stop
 * does not wait out its grace.
 */
class CorruptSealedSegmentIT {
    /** The audit lane fills 1 MiB segments and is delivered nowhere yet ({@code to: []}). */
    private static final String FILL = """
            stream:
              segment_size: 1MiB
            archive:
              flush_rows: 5000
              flush_age: 300ms
            lanes:
              audit:
                to: []
            """;
    private static final String ARCHIVE_ON = """
            lanes:
              audit:
                to: [archive]
            """;
    private static final int REQUESTS = 30;
    private static final int EVENTS_PER_REQUEST = 400;

    @Test
    void aCorruptBatchInAnOlderSegmentIsQuarantinedAndEveryOtherEventIsDelivered(@TempDir Path dir) throws Exception {
        Path fill = dir.resolve("fill.yaml");
        Files.writeString(fill, FILL);
        Path archiveOn = dir.resolve("archive-on.yaml");
        Files.writeString(archiveOn, ARCHIVE_ON);
        Path data = dir.resolve("data");
        try (ChildNode node = new ChildNode(data, List.of(fill), dir.resolve("loglane.log"))) {
            node.start();
            SplittableRandom random = new SplittableRandom(10);
            for (int r = 0; r < REQUESTS; r++) {
                // Random hex padding compresses about 2:1, so 30 requests fill several 1 MiB segments.
                HttpResponse<String> resp = node.post("/api/v1/ingest/x.audit", ndjson(r * EVENTS_PER_REQUEST, random), Map.of());
                assertThat(resp.statusCode()).as(resp.body()).isEqualTo(202);
            }
            node.stop();

            Path laneDir = data.resolve("stream").resolve("audit");
            List<LaneBatches.Batch> batches = LaneBatches.read(laneDir);
            assertThat(batches).as("one batch per request").hasSize(REQUESTS);
            List<String> files = batches.stream().map(LaneBatches.Batch::file).distinct().toList();
            assertThat(files).as("segments").hasSizeGreaterThanOrEqualTo(3);
            String older = files.get(1);
            long middle = Files.size(laneDir.resolve(older)) / 2;
            LaneBatches.Batch victim = batches.stream().filter(b -> b.file().equals(older) && b.position() <= middle && middle < b.end())
                    .findFirst().orElseThrow();
            // 16 bytes well inside the victim's payload, so exactly this one batch is damaged.
            long at = victim.position() + victim.bytes() / 2;
            try (RandomAccessFile raf = new RandomAccessFile(laneDir.resolve(older).toFile(), "rw")) {
                byte[] b = new byte[16];
                raf.seek(at);
                raf.readFully(b);
                for (int i = 0; i < b.length; i++) b[i] ^= (byte) 0xA5;
                raf.seek(at);
                raf.write(b);
            }

            node.start(List.of(archiveOn));
            long total = (long) REQUESTS * EVENTS_PER_REQUEST;
            long expected = total - victim.count();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            long rows = -1;
            while (System.nanoTime() < deadline) {
                rows = count(node, "true");
                if (rows >= expected) {
                    break;
                }
                Thread.sleep(500);
            }
            assertThat(rows).as("every event but the damaged batch's becomes queryable").isEqualTo(expected);
            node.flush(); // completes: delivery is not stuck on the damaged batch
            assertThat(count(node, "true")).isEqualTo(expected);
            assertThat(count(node, "seq >= " + victim.baseOffset() + " AND seq < " + victim.nextOffset()))
                    .as("the damaged batch's events are missing, none else").isZero();
            assertThat(distinct(node)).as("no event stored twice").isEqualTo(expected);

            String metrics = node.get("/metrics").body();
            assertThat(PrometheusText.sum(metrics, "loglane_stream_records_lost_total", Map.of("lane", "audit")))
                    .as("the loss is counted").isEqualTo(victim.count());
            assertThat(PrometheusText.sum(metrics, "loglane_stream_repairs_total", Map.of("lane", "audit"))).isEqualTo(1);
            assertThat(node.logSince(0)).contains("lane audit: corrupt batch found while reading",
                    "OFFSET GAPS [[" + victim.baseOffset() + ", " + victim.nextOffset() + ")]");

            node.sigterm(Duration.ofSeconds(25)); // a clean stop does not wait out its 30 s grace: throws if still running
        }
    }

    private static String ndjson(int from, SplittableRandom random) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < from + EVENTS_PER_REQUEST; i++) {
            sb.append("{\"message\":\"audit event ").append(i).append(' ');
            for (int k = 0; k < 16; k++) {
                sb.append(Long.toHexString(random.nextLong()));
            }
            sb.append("\",\"seq\":").append(i).append("}\n");
        }
        return sb.toString();
    }

    private static long count(ChildNode node, String where) throws Exception {
        return query(node, "SELECT count(*) FROM audit WHERE " + where.replace("seq", "CAST(attrs->>'seq' AS BIGINT)"));
    }

    private static long distinct(ChildNode node) throws Exception {
        return query(node, "SELECT count(DISTINCT CAST(attrs->>'seq' AS BIGINT)) FROM audit");
    }

    private static long query(ChildNode node, String sql) throws Exception {
        JsonNode rows = node.sql(sql).get("rows");
        return rows.get(0).get(0).asLong();
    }
}
