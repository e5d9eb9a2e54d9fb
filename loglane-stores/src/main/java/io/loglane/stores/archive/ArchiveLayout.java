package io.loglane.stores.archive;

import io.loglane.core.config.LaneNames;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every path and file name of the Parquet archive, in one place (see FORMAT.md beside this class):
 * {@code <root>/lane=<lane>/date=<yyyy-MM-dd>/hour=<HH>/<first:20>-<last:20>.parquet}, where
 * first/last are the inclusive stream offsets the file was written from. Temporary files are
 * {@code .<name>.tmp} and never match. The query module builds its views from {@link #liveFiles},
 * so writer and reader agree on the layout and on which files hold which rows.
 *
 * <p>Thread-safety: immutable.
 */
public final class ArchiveLayout {
    static final String TMP_SUFFIX = ".tmp";
    private static final Pattern FILE = Pattern.compile("(\\d{20})-(\\d{20})\\.parquet");
    private static final Pattern DATE_DIR = Pattern.compile("date=(\\d{4}-\\d{2}-\\d{2})");
    private static final Pattern HOUR_DIR = Pattern.compile("hour=(\\d{2})");
    private static final long HOUR_NANOS = 3_600_000_000_000L;
    /** Directory reads of one partition before {@link #liveFiles} takes the last one as it is. */
    private static final int STABLE_LISTING_ATTEMPTS = 3;

    private final Path root;

    public ArchiveLayout(Path root) { this.root = root.toAbsolutePath().normalize(); }

    public Path root() { return root; }

    /**
     * Lane names are path segments here and SQL view names in the query module: the rule of
     * {@link LaneNames}. Defensive only, as the config loader already reported a bad name.
     *
     * @throws IllegalArgumentException for a name that breaks it
     */
    public static void checkLane(String lane) {
        LaneNames.check(lane);
    }

    public Path laneDir(String lane) { return root.resolve("lane=" + lane); }

    /**
     * Glob of every committed Parquet file of one lane (DuckDB syntax), covered files included:
     * for looking at the files as they are; readers of rows use {@link #liveFiles}.
     */
    public String laneGlob(String lane) { return laneDir(lane) + "/date=*/hour=*/*.parquet"; }

    /** The hour bucket (hours since the epoch, UTC) an event time falls in. */
    public static long hourBucket(long tsNanos) { return Math.floorDiv(tsNanos, HOUR_NANOS); }

    /** Start of an hour bucket as an instant. */
    public static Instant bucketStart(long bucket) { return Instant.ofEpochSecond(bucket * 3600L); }

    public Path partitionDir(String lane, long bucket) {
        Instant start = bucketStart(bucket);
        LocalDate date = LocalDate.ofInstant(start, ZoneOffset.UTC);
        int hour = (int) Math.floorMod(bucket, 24L);
        return laneDir(lane).resolve("date=" + date).resolve(String.format("hour=%02d", hour));
    }

    public static String fileName(long firstOffset, long lastOffset) {
        return String.format("%020d-%020d.parquet", firstOffset, lastOffset);
    }

    public static Path tempFor(Path target) {
        return target.resolveSibling("." + target.getFileName() + TMP_SUFFIX);
    }

    static boolean isTemp(Path p) {
        String n = p.getFileName().toString();
        return n.startsWith(".") && n.endsWith(TMP_SUFFIX);
    }

    /** Parses a committed file's name, or returns null for anything else. */
    static ArchiveFile parseFile(Path p) {
        Matcher m = FILE.matcher(p.getFileName().toString());
        if (!m.matches()) {
            return null;
        }
        return new ArchiveFile(p, Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
    }

    /** The hour bucket of a {@code date=/hour=} partition directory, or null if the names do not parse. */
    static Long bucketOf(Path hourDir) {
        Matcher h = HOUR_DIR.matcher(hourDir.getFileName().toString());
        Matcher d = DATE_DIR.matcher(hourDir.getParent().getFileName().toString());
        if (!h.matches() || !d.matches()) {
            return null;
        }
        try {
            long day = LocalDate.parse(d.group(1)).toEpochDay();
            int hour = Integer.parseInt(h.group(1));
            return hour < 24 ? day * 24 + hour : null;
        } catch (java.time.DateTimeException e) {
            return null;
        }
    }

    /** The {@code date=/hour=} directories of a lane, in name order (missing lane → empty). */
    List<Path> hourDirs(String lane) throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path dateDir : sortedChildren(laneDir(lane), "date=*")) {
            out.addAll(sortedChildren(dateDir, "hour=*"));
        }
        return out;
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
            return List.of(); // retention deleted it after the check; readers list concurrently
        }
        out.sort(null);
        return out;
    }

    /** The committed files of one partition directory, ordered by first offset (a missing directory has none). */
    static List<ArchiveFile> partitionFiles(Path hourDir) throws IOException {
        List<ArchiveFile> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(hourDir, "*.parquet")) {
            for (Path p : ds) {
                ArchiveFile f = parseFile(p);
                if (f != null) {
                    out.add(f);
                }
            }
        } catch (NoSuchFileException e) {
            return out; // retention deleted the partition meanwhile
        }
        out.sort(Comparator.comparingLong(ArchiveFile::firstOffset));
        return out;
    }

    /**
     * The files to read for every committed row of a lane exactly once, in path order (empty when
     * the lane has none): every committed file except those another file of the same partition
     * covers, by the rule recovery applies (FORMAT.md, "Reading"). While a compaction has renamed
     * its merged file in and not yet deleted its sources, or crashed in between, this lists the
     * merged file alone.
     *
     * <p>A file listed here may vanish before it is read (a later compaction or retention): its
     * rows are then in a file a new listing finds, or past retention, so the reader lists again.
     * A partition directory whose modification time changed while it was read is read again
     * (bounded): a rename and the deletions after it, racing one directory read, could otherwise
     * hide both the merged file and its sources.
     *
     * <p>Thread-safety: safe to call concurrently with the archive's writes and maintenance.
     */
    public List<Path> liveFiles(String lane) throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path hourDir : hourDirs(lane)) {
            List<ArchiveFile> files = stablePartitionFiles(hourDir);
            Set<ArchiveFile> covered = ArchiveFile.covered(files);
            for (ArchiveFile f : files) {
                if (!covered.contains(f)) {
                    out.add(f.path());
                }
            }
        }
        out.sort(null);
        return List.copyOf(out);
    }

    private static List<ArchiveFile> stablePartitionFiles(Path hourDir) throws IOException {
        List<ArchiveFile> files = List.of();
        for (int attempt = 0; attempt < STABLE_LISTING_ATTEMPTS; attempt++) {
            FileTime before = modified(hourDir);
            files = partitionFiles(hourDir);
            if (before != null && before.equals(modified(hourDir))) {
                break;
            }
        }
        return files;
    }

    private static FileTime modified(Path dir) throws IOException {
        try {
            return Files.getLastModifiedTime(dir);
        } catch (NoSuchFileException e) {
            return null;
        }
    }
}
