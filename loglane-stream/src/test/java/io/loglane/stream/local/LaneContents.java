package io.loglane.stream.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.loglane.stream.StoredBatch;
import io.loglane.stream.StreamReader;
import io.loglane.stream.testkit.Fixtures;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Test helpers that read a lane back and damage its files for real: batch boundaries of a segment,
 * everything a reader returns, flipped bytes and cut files. Lanes written with
 * {@link Fixtures#request(int, long)} batches of 5 records hold batch number {@code base / 5} at offset {@code base}.
 */
final class LaneContents {
    private LaneContents() {}

    static List<Long> bounds(Path seg) throws Exception {
        List<Long> bounds = new ArrayList<>();
        try (var ch = java.nio.channels.FileChannel.open(seg)) {
            BatchScanner s = new BatchScanner(ch, 0, ch.size(), true);
            while (s.next() instanceof BatchScanner.Batch b) {
                bounds.add(b.position());
            }
            bounds.add(ch.size());
        }
        return bounds;
    }

    static void copyDir(Path from, Path to) throws Exception {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Path t = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) Files.createDirectories(t); else Files.copy(f, t);
            }
        }
    }

    static List<StoredBatch> readAll(LaneLog log) throws Exception {
        return readFrom(log, 0);
    }

    static List<StoredBatch> readFrom(LaneLog log, long offset) throws Exception {
        List<StoredBatch> out = new ArrayList<>();
        try (StreamReader r = log.reader(offset)) {
            for (StoredBatch b; (b = r.poll(Duration.ZERO)) != null; ) out.add(b);
        }
        return out;
    }

    static List<Long> bases(List<StoredBatch> batches) {
        return batches.stream().map(StoredBatch::baseOffset).toList();
    }

    /** Every batch holds exactly the records written as batch number base/5. */
    static void assertIntact(List<StoredBatch> batches) {
        for (StoredBatch b : batches) {
            assertThat(b.records().toByteArray()).as("records of the batch at %d", b.baseOffset())
                    .isEqualTo(Fixtures.block(5, b.baseOffset() / 5).toByteArray());
        }
    }

    static List<Long> offsetsExcept(int batches, int... dropped) {
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < batches; i++) {
            final int n = i;
            if (Arrays.stream(dropped).noneMatch(d -> d == n)) out.add(5L * i);
        }
        return out;
    }

    static void flip(Path file, long position) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(position);
            int b = f.read();
            f.seek(position);
            f.write(b ^ 0x04);
        }
    }

    static void cut(Path file, long length) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(length);
        }
    }

    static TreeSet<String> names(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).collect(java.util.stream.Collectors.toCollection(TreeSet::new));
        }
    }
}
