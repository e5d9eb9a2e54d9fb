package io.loglane.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.loglane.bench.faults.ChildNode;
import io.loglane.stream.local.BatchCodec;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A data directory as the version before partitions and sources left it, built by code from one
 * this version wrote: every batch rewritten as batch version 1 (no source), every checkpoint as
 * checkpoint version 1 (no partition), every archive file renamed {@code <first>-<last>.parquet}
 * (no partition), the derived index files removed. The node starts on it without a migration step:
 * every event stays queryable once, delivery resumes at the version 1 checkpoint (the old archive
 * files stay: a checkpoint read as absent would make the archive's recovery delete them and
 * rewrite them under new names), and new events are appended and archived beside the old ones.
 */
class UpgradeFromVersion1IT {
    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void aVersion1DataDirectoryIsReadAndExtendedWithoutMigration(@TempDir Path dir) throws Exception {
        ChildNode node = Nodes.startWithOverlay(dir, Nodes.FLUSH_ON_REQUEST);
        try {
            ingest(node, "upgrade.app", 0, 40);
            node.flush();
            assertThat(node.sigterm(Duration.ofSeconds(90))).as(node.tailOfLog()).isZero();

            Path data = dir.resolve("data");
            int batches = rewriteSegmentsAsVersion1(data.resolve("stream"));
            int checkpoints = rewriteCheckpointsAsVersion1(data.resolve("stream"));
            List<String> oldNames = renameArchiveFilesAsVersion1(data.resolve("archive"));
            assertThat(batches).as("batches rewritten").isPositive();
            assertThat(checkpoints).as("checkpoints rewritten").isPositive();
            assertThat(oldNames).as("archive files renamed").isNotEmpty();

            node.start();
            assertThat(count(node)).as("every event of the old data directory, once").isEqualTo(40);
            ingest(node, "upgrade.app", 40, 25);
            node.flush();
            assertThat(count(node)).isEqualTo(65);
            assertThat(node.sql("SELECT count(DISTINCT message) FROM logs WHERE tag = 'upgrade.app'").get("rows").get(0).get(0).asLong())
                    .isEqualTo(65);
            List<String> names = archiveFileNames(data.resolve("archive"));
            assertThat(names).as("delivery resumed at the version 1 checkpoint: the old files were kept").containsAll(oldNames);
            assertThat(names).as("new files carry the partition").anyMatch(n -> n.startsWith("p0-"));
        } finally {
            Nodes.stop(node);
        }
    }

    private static void ingest(ChildNode node, String tag, int from, int n) throws Exception {
        StringBuilder body = new StringBuilder();
        for (int i = from; i < from + n; i++) {
            body.append("{\"message\":\"upgrade event ").append(i).append("\"}\n");
        }
        assertThat(node.post("/api/v1/ingest/" + tag, body.toString(), Map.of()).statusCode()).isEqualTo(202);
    }

    private static long count(ChildNode node) throws Exception {
        return node.sql("SELECT count(*) FROM logs WHERE tag = 'upgrade.app'").get("rows").get(0).get(0).asLong();
    }

    /** Every segment's batches as batch version 1 wrote them (see the stream's FORMAT.md); index files removed. */
    private static int rewriteSegmentsAsVersion1(Path stream) throws Exception {
        int n = 0;
        for (Path seg : files(stream, ".log")) {
            ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(seg));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            while (in.remaining() > 0) {
                int at = in.position();
                assertThat(in.getShort(at + BatchCodec.OFF_VERSION)).isEqualTo((short) BatchCodec.VERSION);
                int length = in.getInt(at + BatchCodec.OFF_LENGTH);
                int vars = Short.toUnsignedInt(in.getShort(at + BatchCodec.OFF_TAG_LENGTH))
                        + Short.toUnsignedInt(in.getShort(at + BatchCodec.OFF_CHUNK_ID_LENGTH))
                        + Short.toUnsignedInt(in.getShort(at + BatchCodec.OFF_SOURCE_POS_LENGTH));
                int source = Short.toUnsignedInt(in.getShort(at + BatchCodec.OFF_SOURCE_INPUT_LENGTH))
                        + Short.toUnsignedInt(in.getShort(at + BatchCodec.OFF_SOURCE_PEER_LENGTH));
                byte[] b = new byte[length];
                in.get(b);
                int v1Length = length - (BatchCodec.HEADER_SIZE - BatchCodec.HEADER_SIZE_V1) - source;
                ByteBuffer v1 = ByteBuffer.allocate(v1Length);
                v1.put(b, 0, BatchCodec.HEADER_SIZE_V1); // the fixed fields version 1 has
                v1.put(b, BatchCodec.HEADER_SIZE, vars); // tag, chunk id, source position
                int payload = BatchCodec.HEADER_SIZE + vars + source;
                v1.put(b, payload, length - payload);
                v1.putShort(BatchCodec.OFF_VERSION, (short) 1);
                v1.putInt(BatchCodec.OFF_LENGTH, v1Length);
                v1.putInt(BatchCodec.OFF_CRC, BatchCodec.crc(v1.array(), 0, v1Length));
                out.write(v1.array());
                n++;
            }
            Files.write(seg, out.toByteArray());
        }
        for (Path index : files(stream, ".index")) {
            Files.delete(index);
        }
        return n;
    }

    /** Every checkpoint as checkpoint version 1 wrote it: no partition field. */
    private static int rewriteCheckpointsAsVersion1(Path stream) throws Exception {
        int n = 0;
        for (Path ckpt : files(stream, ".ckpt")) {
            ByteBuffer v2 = ByteBuffer.wrap(Files.readAllBytes(ckpt));
            assertThat(v2.getShort(4)).isEqualTo((short) 2);
            assertThat(v2.getInt(6)).as("partition").isZero();
            long offset = v2.getLong(10);
            byte[] name = new byte[Short.toUnsignedInt(v2.getShort(18))];
            v2.get(20, name);
            ByteBuffer v1 = ByteBuffer.allocate(4 + 2 + 8 + 2 + name.length + 4);
            v1.putInt(0x4C4C434B).putShort((short) 1).putLong(offset).putShort((short) name.length).put(name);
            CRC32C crc = new CRC32C();
            crc.update(v1.array(), 0, v1.position());
            v1.putInt((int) crc.getValue());
            Files.write(ckpt, v1.array());
            n++;
        }
        return n;
    }

    /** Every archive file renamed from {@code p0-<first>-<last>.parquet} to {@code <first>-<last>.parquet}. */
    private static List<String> renameArchiveFilesAsVersion1(Path archive) throws Exception {
        for (Path f : files(archive, ".parquet")) {
            String name = f.getFileName().toString();
            assertThat(name).startsWith("p0-");
            Files.move(f, f.resolveSibling(name.substring("p0-".length())));
        }
        return archiveFileNames(archive);
    }

    private static List<String> archiveFileNames(Path archive) throws Exception {
        return files(archive, ".parquet").stream().map(p -> p.getFileName().toString()).sorted().toList();
    }

    private static List<Path> files(Path root, String suffix) throws Exception {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> p.getFileName().toString().endsWith(suffix) && !p.toString().contains("/.staging/")).sorted().toList();
        }
    }
}
