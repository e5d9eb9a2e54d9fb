package io.loglane.stores.archive;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The Hive {@code SymlinkTextInputFormat} manifests of one lane, one per hour partition, for
 * outside readers (Athena, Trino, Spark, DuckDB) that must never count a row twice while
 * compaction replaces files (FORMAT.md, "Outside readers"):
 * {@code _symlink_format_manifest/lane=<lane>/date=<yyyy-MM-dd>/hour=<HH>/manifest}, a UTF-8 text
 * object listing the {@link ArchiveStorage#location location} of every live file of the
 * partition ({@link ArchiveLayout#liveFiles}), one per line in key order, each line ending in
 * {@code \n}. A partition without live files has no manifest.
 *
 * <p>A manifest is replaced whole with {@link ArchiveStorage#put} (atomic and durable), from a
 * listing of its partition taken after the change it follows: a flush's put, a compaction's put
 * of its merged file (whose sources leave the manifest in that same replacement, by the
 * live-files rule), retention and recovery. Files a manifest stopped listing are deleted only
 * later (compaction's sources after a grace, see {@link ArchiveMaintenance#compact}).
 *
 * <p>Thread-safety: safe for concurrent use. The updates of one lane are serialized (one lock
 * around listing and writing), so the manifest written last comes from a listing taken after
 * every put that preceded it: two converter threads and the maintenance thread updating one
 * partition cannot leave an older listing behind.
 */
final class SymlinkManifests {
    /** The key prefix of every manifest, beside the {@code lane=} directories. */
    static final String ROOT = "_symlink_format_manifest/";
    static final String NAME = "manifest";

    private final ArchiveStorage storage;
    private final String lane;
    private final Object lock = new Object();

    SymlinkManifests(ArchiveStorage storage, String lane) {
        this.storage = storage;
        this.lane = lane;
    }

    /** The manifest key of a partition prefix {@code lane=…/date=…/hour=…/}. */
    static String keyOf(String partitionPrefix) {
        return ROOT + partitionPrefix + NAME;
    }

    /** Rewrites the manifest of one partition ({@code lane=…/date=…/hour=…/}) from a listing of it taken now. */
    void update(String partitionPrefix) throws IOException {
        synchronized (lock) {
            write(partitionPrefix, ArchiveLayout.liveFiles(storage.list(partitionPrefix)));
        }
    }

    /** Deletes the manifest of a partition whose files are about to be deleted, so readers stop reading them first. */
    void remove(String partitionPrefix) throws IOException {
        synchronized (lock) {
            storage.delete(keyOf(partitionPrefix));
        }
    }

    /**
     * Recovery: makes every manifest of the lane match the listing (rewrites the ones whose content
     * differs or that are missing, deletes those of partitions without files). Repairs a crash
     * between a file's put and its manifest's, and between retention's manifest delete and its
     * file deletes.
     *
     * @return manifests written or deleted
     */
    int rebuild() throws IOException {
        synchronized (lock) {
            Map<String, List<String>> expected = new TreeMap<>();
            for (String key : ArchiveLayout.liveFiles(storage, lane)) {
                expected.computeIfAbsent(ArchiveLayout.partitionOf(key), k -> new ArrayList<>()).add(key);
            }
            TreeSet<String> partitions = new TreeSet<>(expected.keySet());
            for (ArchiveStorage.StoredObject o : storage.list(ROOT + ArchiveLayout.lanePrefix(lane))) {
                if (o.key().endsWith("/" + NAME)) {
                    partitions.add(o.key().substring(ROOT.length(), o.key().length() - NAME.length()));
                }
            }
            int changed = 0;
            for (String p : partitions) {
                List<String> live = expected.getOrDefault(p, List.of());
                if (!Arrays.equals(current(p), live.isEmpty() ? null : content(live))) {
                    write(p, live);
                    changed++;
                }
            }
            return changed;
        }
    }

    /** The manifest of a partition as stored, or null when there is none. */
    private byte[] current(String partitionPrefix) throws IOException {
        try {
            return storage.read(keyOf(partitionPrefix));
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private byte[] content(List<String> keys) {
        StringBuilder sb = new StringBuilder();
        for (String k : keys) {
            sb.append(storage.location(k)).append('\n');
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private void write(String partitionPrefix, List<String> live) throws IOException {
        String key = keyOf(partitionPrefix);
        if (live.isEmpty()) {
            storage.delete(key);
            return;
        }
        Path tmp = storage.newTempFile(key);
        Files.write(tmp, content(live));
        storage.put(tmp, key);
    }
}
