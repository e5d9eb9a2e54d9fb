package io.loglane.stores.archive;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Rows waiting for the next flush, one binary staging file per event-time hour bucket (rows as
 * {@link StagedRowWriter} writes them) under a private staging directory (never under a
 * {@code lane=} directory, so never queried). Staging on disk keeps the heap flat however large a
 * flush gets (a flush may stage 128 MiB, and three generations can be alive); the converter hands
 * the file to DuckDB through {@link StagedRows}, which measured faster than DuckDB's JSON reader,
 * its Java Appender, or rows INSERTed into a DuckDB table (see {@code ConvertHarness} in loglane-bench).
 *
 * <p>Thread-safety: not thread-safe.
 */
final class StagingBuffer implements AutoCloseable {
    /** One hour bucket's staging file. */
    static final class Part {
        final long bucket;
        final Path file;
        final StagedRowWriter out;
        long rows;

        Part(long bucket, Path file, StagedRowWriter out) {
            this.bucket = bucket;
            this.file = file;
            this.out = out;
        }
    }

    private final Path dir;
    private final TreeMap<Long, Part> parts = new TreeMap<>();
    private Part last;
    private long rows;

    StagingBuffer(Path dir) { this.dir = dir; }

    /** The writer for an hour bucket, creating its file on first use. Consecutive rows mostly share a bucket. */
    Part part(long bucket) throws IOException {
        if (last != null && last.bucket == bucket) {
            return last;
        }
        Part p = parts.get(bucket);
        if (p == null) {
            Files.createDirectories(dir);
            Path file = dir.resolve(bucket + ".rows");
            p = new Part(bucket, file, new StagedRowWriter(Files.newOutputStream(file)));
            parts.put(bucket, p);
        }
        last = p;
        return p;
    }

    void rowAdded(Part p) {
        p.rows++;
        rows++;
    }

    long rows() { return rows; }

    /** The hour buckets that have rows staged. */
    Set<Long> buckets() { return Collections.unmodifiableSet(parts.keySet()); }

    boolean isEmpty() { return rows == 0; }

    /** Closes every staging file so its content is complete; returns the parts by bucket. */
    Map<Long, Part> finish() throws IOException {
        for (Part p : parts.values()) {
            p.out.close();
        }
        return parts;
    }

    /** Forgets every buffered row and deletes the staging files. */
    void discard() throws IOException {
        IOException first = null;
        for (Part p : parts.values()) {
            try {
                p.out.close();
            } catch (IOException e) {
                first = first == null ? e : first;
            }
            Files.deleteIfExists(p.file);
        }
        parts.clear();
        last = null;
        rows = 0;
        deleteStrays();
        if (first != null) {
            throw first;
        }
    }

    /** Deletes staging files a crashed process left behind. */
    void deleteStrays() throws IOException {
        for (Path p : ArchiveLayout.sortedChildren(dir, "*")) {
            Files.deleteIfExists(p);
        }
    }

    /** Deletes every generation directory under a lane's staging root (recovery; nothing may be writing). */
    static void deleteAll(Path root) throws IOException {
        for (Path gen : ArchiveLayout.sortedChildren(root, "*")) {
            if (Files.isDirectory(gen)) {
                for (Path p : ArchiveLayout.sortedChildren(gen, "*")) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(gen);
        }
    }

    @Override
    public void close() throws IOException { discard(); }
}
