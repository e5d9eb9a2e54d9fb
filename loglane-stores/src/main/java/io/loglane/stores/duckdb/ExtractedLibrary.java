package io.loglane.stores.duckdb;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds and unlinks this process's extracted copy of the DuckDB JDBC driver's native library.
 *
 * <p>Why: the driver copies its 69 MB {@code libduckdb_java.so_linux_amd64} resource to
 * {@code Files.createTempFile("libduckdb_java", ".so")} in {@code java.io.tmpdir}, loads it, and
 * deletes it only through {@code deleteOnExit}, which a killed process (crash tests, a
 * crash-looping node) never runs: one file is left per killed process, and a machine here filled its
 * disk with them. On Linux a mapped shared object stays usable after its file is unlinked, so the
 * copy can go as soon as it is loaded; the kernel frees the space when the process ends, however it ends.
 *
 * <p>Only files this process has mapped are touched: a line of {@code /proc/self/maps} that names a
 * file {@code libduckdb_java*.so} directly in the temporary directory, not already marked
 * {@code (deleted)}, whose inode is still the mapped one (so a file another process created since
 * under the same name is left alone). Another process's copy is never in our maps.
 *
 * <p>Thread-safety: stateless.
 */
final class ExtractedLibrary {
    /** The prefix the driver gives its temporary copy. */
    static final String PREFIX = "libduckdb_java";
    static final String SUFFIX = ".so";
    static final String DELETED = " (deleted)";

    /** {@code address perms offset dev inode pathname}; the path may hold spaces. */
    private static final Pattern MAPS_LINE = Pattern.compile("^\\S+\\s+\\S+\\s+\\S+\\s+\\S+\\s+(\\d+)\\s+(/.*)$");

    /** A mapped copy: its path and the inode the process mapped. */
    record Mapped(Path path, long inode) {}

    private ExtractedLibrary() {}

    /**
     * The live (not deleted) copies named in {@code mapsLines} that lie directly in {@code tmpDir}
     * (a real path, as the kernel prints real paths), each once.
     */
    static List<Mapped> liveCopies(List<String> mapsLines, Path tmpDir) {
        List<Mapped> out = new ArrayList<>();
        for (String line : mapsLines) {
            Matcher m = MAPS_LINE.matcher(line);
            if (!m.matches() || m.group(2).endsWith(DELETED)) {
                continue;
            }
            Path p = Path.of(m.group(2));
            String name = p.getFileName().toString();
            if (!name.startsWith(PREFIX) || !name.endsWith(SUFFIX) || !tmpDir.equals(p.getParent())) {
                continue;
            }
            Mapped mapped = new Mapped(p, Long.parseLong(m.group(1)));
            if (!out.contains(mapped)) {
                out.add(mapped);
            }
        }
        return out;
    }

    /**
     * Unlinks each copy whose file still has the mapped inode.
     *
     * @return the paths removed
     * @throws IOException the first failure, with later ones suppressed (the others are still tried)
     */
    static List<Path> unlink(List<Mapped> copies) throws IOException {
        List<Path> removed = new ArrayList<>();
        IOException failure = null;
        for (Mapped c : copies) {
            try {
                Object ino = Files.getAttribute(c.path(), "unix:ino");
                if (ino instanceof Long l && l == c.inode() && Files.deleteIfExists(c.path())) {
                    removed.add(c.path());
                }
            } catch (java.nio.file.NoSuchFileException gone) {
                // removed meanwhile (deleteOnExit of a JVM shutting down): nothing left to do
            } catch (IOException | UnsupportedOperationException e) {
                IOException io = e instanceof IOException x ? x : new IOException(c.path() + ": " + e.getMessage(), e);
                if (failure == null) {
                    failure = io;
                } else {
                    failure.addSuppressed(io);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
        return removed;
    }
}
