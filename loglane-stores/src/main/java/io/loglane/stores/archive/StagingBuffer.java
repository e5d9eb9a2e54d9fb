package io.loglane.stores.archive;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Rows waiting for the next flush, one newline-delimited JSON file per event-time hour bucket
 * under a private staging directory (never under a {@code lane=} directory, so never queried).
 * Staging on disk keeps the heap flat however large a flush gets, and DuckDB's parallel JSON
 * reader turns it into Parquet faster than its Java Appender takes rows (measured, see the
 * module's benchmark notes in {@link ArchiveSink}).
 *
 * <p>Thread-safety: not thread-safe.
 */
final class StagingBuffer implements AutoCloseable {
    private static final int BUFFER_BYTES = 64 * 1024;

    /** One hour bucket's staging file. */
    static final class Part {
        final long bucket;
        final Path file;
        final JsonGenerator gen;
        long rows;

        Part(long bucket, Path file, JsonGenerator gen) {
            this.bucket = bucket;
            this.file = file;
            this.gen = gen;
        }
    }

    private final Path dir;
    private final JsonFactory json = new JsonFactory();
    private final TreeMap<Long, Part> parts = new TreeMap<>();
    private Part last;
    private long rows;

    StagingBuffer(Path dir) { this.dir = dir; }

    /** The generator for an hour bucket, creating its file on first use. Consecutive rows mostly share a bucket. */
    Part part(long bucket) throws IOException {
        if (last != null && last.bucket == bucket) {
            return last;
        }
        Part p = parts.get(bucket);
        if (p == null) {
            Files.createDirectories(dir);
            Path file = dir.resolve(bucket + ".ndjson");
            OutputStream os = new BufferedOutputStream(Files.newOutputStream(file), BUFFER_BYTES);
            JsonGenerator gen = json.createGenerator(os);
            gen.setRootValueSeparator(new SerializedString("\n"));
            p = new Part(bucket, file, gen);
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
            p.gen.close();
        }
        return parts;
    }

    /** Forgets every buffered row and deletes the staging files. */
    void discard() throws IOException {
        IOException first = null;
        for (Part p : parts.values()) {
            try {
                p.gen.close();
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
