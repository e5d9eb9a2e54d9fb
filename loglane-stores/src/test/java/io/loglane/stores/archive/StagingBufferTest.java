package io.loglane.stores.archive;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The staging files of a flush: one per hour bucket, complete whatever the number of buckets and the order rows come in. */
class StagingBufferTest {
    @TempDir Path dir;

    @Test
    void rowsOfMoreBucketsThanMayBeOpenAtOnceAllReachTheirBucketsFileInOrder() throws Exception {
        int buckets = StagingBuffer.MAX_OPEN * 3;
        try (StagingBuffer staging = new StagingBuffer(dir.resolve("gen-1"))) {
            // two passes over every bucket: the second reopens each bucket closed to make room
            for (int pass = 0; pass < 2; pass++) {
                for (long b = 0; b < buckets; b++) {
                    StagingBuffer.Part p = staging.part(b);
                    p.out.putLong(b * 1000 + pass);
                    staging.rowAdded(p);
                }
            }
            assertThat(staging.rows()).isEqualTo(2L * buckets);
            Map<Long, StagingBuffer.Part> parts = staging.finish();
            assertThat(parts).hasSize(buckets);
            try (var files = Files.list(dir.resolve("gen-1"))) {
                assertThat(files.count()).isEqualTo(buckets);
            }
            for (long b = 0; b < buckets; b++) {
                StagingBuffer.Part p = parts.get(b);
                assertThat(p.rows).isEqualTo(2);
                assertThat(longs(p.file)).containsExactly(b * 1000, b * 1000 + 1);
            }
        }
        try (var files = Files.list(dir.resolve("gen-1"))) {
            assertThat(files.count()).as("closing discards the staging files").isZero();
        }
    }

    private static List<Long> longs(Path file) throws Exception {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        List<Long> out = new ArrayList<>();
        while (b.remaining() >= 8) {
            out.add(b.getLong());
        }
        assertThat(b.remaining()).isZero();
        return out;
    }
}
