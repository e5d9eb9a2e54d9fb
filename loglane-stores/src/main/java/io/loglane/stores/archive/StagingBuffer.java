package io.loglane.stores.archive;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Rows waiting for the next flush, one binary staging file per event-time hour bucket (rows as
 * {@link StagedRowWriter} writes them) under a private staging directory (never under a
 * {@code lane=} directory, so never queried). Staging on disk keeps the heap flat however large a
 * flush gets (a flush may stage 128 MiB, and three generations can be alive); the converter hands
 * the file to DuckDB through {@link StagedRows}; at most {@link #MAX_OPEN} staging files are open at once, which measured faster than DuckDB's JSON reader,
 * its Java Appender, or rows INSERTed into a DuckDB table (see {@code ConvertHarness} in loglane-bench).
 *
 * <p>Thread-safety: not thread-safe.
 */
final class StagingBuffer implements AutoCloseable {
    /** One hour bucket's staging file; its writer is open while the bucket is among the most recently used. */
    static final class Part {
        final long bucket;
        final Path file;
        /** Null while closed to bound memory and descriptors: {@link #part} reopens it for appending. */
        StagedRowWriter out;
        long rows;
        long lastUse;

        Part(long bucket, Path file) {
            this.bucket = bucket;
            this.file = file;
        }
    }

    /**
     * Most staging files open at once. Each open writer holds a 64 KiB buffer and a descriptor; a
     * backfill of a year touches thousands of hour buckets in one flush (a 1 GB access log: 8 760),
     * which held hundreds of MiB of buffers and ran a 512 MiB heap out of memory. Rows mostly come
     * in time order, so a bucket closed here is rarely needed again; when it is, it is reopened.
     */
    static final int MAX_OPEN = 32;

    private final Path dir;
    private final TreeMap<Long, Part> parts = new TreeMap<>();
    /** The parts whose writer is open, by bucket. */
    private final Map<Long, Part> open = new java.util.HashMap<>();
    private Part last;
    private long rows;
    private long uses;

    StagingBuffer(Path dir) { this.dir = dir; }

    /** The part of an hour bucket, its writer open, creating its file on first use. Consecutive rows mostly share a bucket. */
    Part part(long bucket) throws IOException {
        if (last != null && last.bucket == bucket) {
            return last;
        }
        Part p = parts.get(bucket);
        if (p == null) {
            Files.createDirectories(dir);
            p = new Part(bucket, dir.resolve(bucket + ".rows"));
            parts.put(bucket, p);
        }
        if (p.out == null) {
            if (open.size() >= MAX_OPEN) {
                closeLeastRecentlyUsed();
            }
            p.out = new StagedRowWriter(Files.newOutputStream(p.file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND));
            open.put(bucket, p);
        }
        p.lastUse = ++uses;
        last = p;
        return p;
    }

    private void closeLeastRecentlyUsed() throws IOException {
        Part lru = null;
        for (Part p : open.values()) {
            if (lru == null || p.lastUse < lru.lastUse) {
                lru = p;
            }
        }
        open.remove(lru.bucket);
        StagedRowWriter w = lru.out;
        lru.out = null;
        w.close();
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
        for (Part p : open.values()) {
            p.out.close();
        }
        return parts;
    }

    /** Forgets every buffered row and deletes the staging files. */
    void discard() throws IOException {
        IOException first = null;
        for (Part p : parts.values()) {
            try {
                if (p.out != null) {
                    p.out.close();
                }
            } catch (IOException e) {
                first = first == null ? e : first;
            }
            Files.deleteIfExists(p.file);
        }
        parts.clear();
        open.clear();
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
