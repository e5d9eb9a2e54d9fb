package io.loglane.stores.duckdb;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A directory of one DuckDB database's own, for its {@code temp_directory} (what a query spills when it
 * needs more than {@code memory_limit}): {@code <root>/<purpose>-<pid>-<random>}, where {@code root}
 * is under the data directory ({@code <data>/tmp}). The pid names the owning process, so that
 * {@link #removeOrphans} can tell a killed process's leftovers from a live one's; the random part
 * keeps two databases of one process (or a pid reused after a crash) apart, since DuckDB's temp
 * file names are the same in every database. {@link #create} makes it, {@link #close} deletes it
 * with everything in it.
 *
 * <p>Thread-safety: {@link #close} may be called from any thread, more than once; the directory is
 * used by one database.
 */
public final class SpillDirectory implements AutoCloseable {
    /** {@code <purpose>-<pid>-<random hex>}; the purpose is lowercase letters. */
    private static final Pattern NAME = Pattern.compile("([a-z]+)-([0-9]+)-([0-9a-f]{16})");
    private static final Pattern PURPOSE = Pattern.compile("[a-z]+");

    private final Path path;

    private SpillDirectory(Path path) {
        this.path = path;
    }

    /**
     * Creates {@code root} if missing and a new, empty directory in it for this process.
     *
     * @param purpose lowercase letters naming the user, e.g. {@code sql}
     */
    public static SpillDirectory create(Path root, String purpose) throws IOException {
        if (!PURPOSE.matcher(purpose).matches()) {
            throw new IllegalArgumentException("a spill directory's purpose is lowercase letters: " + purpose);
        }
        Files.createDirectories(root);
        byte[] random = new byte[8];
        ThreadLocalRandom.current().nextBytes(random);
        String name = purpose + "-" + ProcessHandle.current().pid() + "-" + HexFormat.of().formatHex(random);
        // createDirectory, not createDirectories: an existing one (never expected) is an error, not shared
        return new SpillDirectory(Files.createDirectory(root.resolve(name)).toAbsolutePath().normalize());
    }

    /** The directory, absolute. */
    public Path path() { return path; }

    /** Deletes the directory and everything in it; nothing when it is already gone. */
    @Override
    public void close() throws IOException {
        deleteTree(path);
    }

    /**
     * Deletes every spill directory in {@code root} whose owning process is not alive: a killed
     * process's leftovers (DuckDB deletes its temp files only on a clean close). A directory whose pid
     * lives is kept, even if that process is not loglane (the pid may have been reused): a directory
     * too many is better than one removed under a running query. Other entries are left alone.
     *
     * @return the directories removed
     */
    public static List<Path> removeOrphans(Path root) throws IOException {
        List<Path> removed = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return removed;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root)) {
            for (Path dir : dirs) {
                Matcher m = NAME.matcher(dir.getFileName().toString());
                if (m.matches() && Files.isDirectory(dir) && !alive(m.group(2))) {
                    deleteTree(dir);
                    removed.add(dir);
                }
            }
        }
        return removed;
    }

    private static boolean alive(String pid) {
        try {
            return ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false);
        } catch (NumberFormatException e) {
            return true; // too long for a pid: not ours to judge
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                try {
                    Files.delete(p);
                } catch (NoSuchFileException gone) {
                    // removed meanwhile (DuckDB deletes its own files as it frees them)
                }
            }
        } catch (NoSuchFileException gone) {
            // the directory went meanwhile
        }
    }

    @Override
    public String toString() { return path.toString(); }
}
