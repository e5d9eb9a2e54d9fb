package io.loglane.stores.archive;

import io.loglane.core.config.LaneNames;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Map;
import java.util.TreeMap;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every key and file name of the Parquet archive, in one place (see FORMAT.md beside this class):
 * {@code lane=<lane>/date=<yyyy-MM-dd>/hour=<HH>/p<partition>-<first:20>-<last:20>.parquet}, where
 * first/last are the inclusive offsets of stream partition {@code partition} the file was written
 * from. Names without the {@code p<partition>-} prefix, written before partitions existed, are read
 * as partition 0 by every rule (reading, recovery, compaction). Keys are relative to the
 * {@link ArchiveStorage}; on a local directory they are paths under its root. The query module
 * builds its views from {@link #liveFiles}, so writer and reader agree on the layout and on which
 * files hold which rows.
 *
 * <p>Thread-safety: immutable.
 */
public final class ArchiveLayout {
    /** {@code p<partition>-<first>-<last>.parquet}; the partition prefix is absent in names written before partitions. */
    private static final Pattern FILE = Pattern.compile("(?:p(0|[1-9]\\d{0,8})-)?(\\d{20})-(\\d{20})\\.parquet");
    private static final Pattern PARTITION =
            Pattern.compile("lane=[^/]+/date=(\\d{4}-\\d{2}-\\d{2})/hour=(\\d{2})/");
    private static final long HOUR_NANOS = 3_600_000_000_000L;

    private final Path root;

    /** @param root the local archive directory (for tests and tools that look at the files as they are) */
    public ArchiveLayout(Path root) { this.root = root.toAbsolutePath().normalize(); }

    public Path root() { return root; }

    /**
     * Lane names are key segments here and SQL view names in the query module: the rule of
     * {@link LaneNames}. Defensive only, as the config loader already reported a bad name.
     *
     * @throws IllegalArgumentException for a name that breaks it
     */
    public static void checkLane(String lane) {
        LaneNames.check(lane);
    }

    /** The key prefix of every object of one lane. */
    public static String lanePrefix(String lane) { return "lane=" + lane + "/"; }

    /**
     * Glob of every committed Parquet file of one lane under a local root (DuckDB syntax), covered
     * files included: for looking at the files as they are; readers of rows use {@link #liveFiles}.
     */
    public String laneGlob(String lane) { return root.resolve("lane=" + lane) + "/date=*/hour=*/*.parquet"; }

    /** The hour bucket (hours since the epoch, UTC) an event time falls in. */
    public static long hourBucket(long tsNanos) { return Math.floorDiv(tsNanos, HOUR_NANOS); }

    /** Start of an hour bucket as an instant. */
    public static Instant bucketStart(long bucket) { return Instant.ofEpochSecond(bucket * 3600L); }

    /** The key prefix of one hour partition: {@code lane=<lane>/date=<yyyy-MM-dd>/hour=<HH>/}. */
    public static String partitionPrefix(String lane, long bucket) {
        LocalDate date = LocalDate.ofInstant(bucketStart(bucket), ZoneOffset.UTC);
        int hour = (int) Math.floorMod(bucket, 24L);
        return lanePrefix(lane) + "date=" + date + String.format("/hour=%02d/", hour);
    }

    /** The local directory of one hour partition under {@link #root()}. */
    public Path partitionDir(String lane, long bucket) { return root.resolve(partitionPrefix(lane, bucket)); }

    /** The name of a file holding rows of stream partition {@code partition} with offsets {@code [first, last]}. */
    public static String fileName(int partition, long firstOffset, long lastOffset) {
        if (partition < 0) {
            throw new IllegalArgumentException("negative partition " + partition);
        }
        return String.format("p%d-%020d-%020d.parquet", partition, firstOffset, lastOffset);
    }

    /** The key of the file of one hour partition holding that hour's rows of stream partition {@code partition}, offsets {@code [first, last]}. */
    public static String fileKey(String lane, long bucket, int partition, long firstOffset, long lastOffset) {
        return partitionPrefix(lane, bucket) + fileName(partition, firstOffset, lastOffset);
    }

    /** The partition prefix of a key (everything up to its last {@code /}). */
    static String partitionOf(String key) { return key.substring(0, key.lastIndexOf('/') + 1); }

    /** Parses a committed file's key, or returns null for anything else (not ours: left alone). */
    static ArchiveFile parseFile(String key) {
        Matcher m = FILE.matcher(key.substring(key.lastIndexOf('/') + 1));
        if (!m.matches() || bucketOf(partitionOf(key)) == null) {
            return null;
        }
        int partition = m.group(1) == null ? 0 : Integer.parseInt(m.group(1)); // an unprefixed name predates partitions
        return new ArchiveFile(key, partition, Long.parseLong(m.group(2)), Long.parseLong(m.group(3)));
    }

    /** The hour bucket of a partition prefix {@code lane=…/date=…/hour=…/}, or null if it does not parse. */
    static Long bucketOf(String partition) {
        Matcher m = PARTITION.matcher(partition);
        if (!m.matches()) {
            return null;
        }
        try {
            long day = LocalDate.parse(m.group(1)).toEpochDay();
            int hour = Integer.parseInt(m.group(2));
            return hour < 24 ? day * 24 + hour : null;
        } catch (java.time.DateTimeException e) {
            return null;
        }
    }

    static List<Path> sortedChildren(Path dir, String glob) throws IOException {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, glob)) {
            for (Path p : ds) {
                out.add(p);
            }
        } catch (NoSuchFileException e) {
            return List.of(); // deleted after the check
        }
        out.sort(null);
        return out;
    }

    /**
     * The committed files of one lane, per hour partition prefix (in key order), each partition's
     * files ordered by key; objects whose keys do not parse are not ours and left out.
     */
    static Map<String, List<ArchiveFile>> partitions(List<ArchiveStorage.StoredObject> laneObjects) {
        Map<String, List<ArchiveFile>> out = new TreeMap<>();
        for (ArchiveStorage.StoredObject o : laneObjects) {
            ArchiveFile f = parseFile(o.key());
            if (f != null) {
                out.computeIfAbsent(partitionOf(o.key()), k -> new ArrayList<>()).add(f);
            }
        }
        return out;
    }

    /**
     * The keys to read for every committed row of a lane exactly once, in key order (empty when
     * the lane has none): every committed file except those another file of the same partition
     * covers, by the rule recovery applies (FORMAT.md, "Reading"). While a compaction has put its
     * merged file and not yet deleted its sources, or crashed in between, this lists the merged
     * file alone. It relies on the storage's listing being monotonic across a put followed by a
     * delete ({@link ArchiveStorage}), so that one listing never misses both the merged file and
     * its sources.
     *
     * <p>A file listed here may vanish before it is read (a later compaction or retention): its
     * rows are then in a file a new listing finds, or past retention, so the reader lists again.
     *
     * <p>Thread-safety: safe to call concurrently with the archive's writes and maintenance.
     */
    public static List<String> liveFiles(ArchiveStorage storage, String lane) throws IOException {
        return liveFiles(storage.list(lanePrefix(lane)));
    }

    /** {@link #liveFiles(ArchiveStorage, String)} of one lane's objects, as one listing returned them. */
    public static List<String> liveFiles(List<ArchiveStorage.StoredObject> laneObjects) {
        List<String> out = new ArrayList<>();
        for (List<ArchiveFile> files : partitions(laneObjects).values()) {
            Set<ArchiveFile> covered = ArchiveFile.covered(files);
            for (ArchiveFile f : files) {
                if (!covered.contains(f)) {
                    out.add(f.key());
                }
            }
        }
        out.sort(null);
        return List.copyOf(out);
    }

    /** The lane a key belongs to ({@code lane=<lane>/…}), or null for a key outside every lane. */
    public static String laneOf(String key) {
        int slash = key.indexOf('/');
        return key.startsWith("lane=") && slash > 5 ? key.substring(5, slash) : null;
    }
}
