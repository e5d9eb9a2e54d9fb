package io.loglane.inputs.tail;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Expands a tail's {@code paths} globs ({@code *}, {@code ?}, {@code [..]}, {@code {a,b}}, and
 * {@code **} across directories, as {@link java.nio.file.FileSystem#getPathMatcher} reads them)
 * into the regular files they match now, minus those matching an {@code exclude} glob and
 * compressed files (a rotated file that was compressed: its lines were read before). Each glob is
 * walked from its longest directory prefix without glob characters, only as deep as it has
 * segments (unbounded with {@code **}). Symlinks are followed, to files and to directories
 * (Kubernetes {@code /var/log/containers/*.log} → {@code /var/log/pods/...}); the path reported
 * is the matched (link) path, and the caller identifies the file behind it.
 *
 * <p>Problems (a directory that cannot be read, a link loop, a matched path that is not a regular
 * file) go to the {@code problems} callback with the path and a reason label, and the walk goes on.
 *
 * <p>Thread-safety: immutable; {@link #scan} may run on any thread.
 */
final class PathScanner {
    /** Suffixes of compressed files, never tailed. */
    static final List<String> COMPRESSED = List.of(".gz", ".bz2", ".xz", ".zst", ".zip", ".lz4", ".z");

    /** @param literalName the last segment has no glob characters: a directory there is where a file was expected */
    private record Glob(Path base, int depth, PathMatcher matcher, boolean literalName) {}

    private final List<Glob> globs = new ArrayList<>();
    private final List<PathMatcher> excludes = new ArrayList<>();

    /**
     * @param paths    absolute globs
     * @param excludes globs a matched path must not match; one without a {@code /} is matched
     *                 against the file name only
     */
    PathScanner(List<String> paths, List<String> excludes) {
        for (String p : paths) {
            globs.add(glob(p));
        }
        for (String e : excludes) {
            PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + e);
            this.excludes.add(e.contains("/") ? m : path -> path.getFileName() != null && m.matches(path.getFileName()));
        }
    }

    private static Glob glob(String pattern) {
        Path p = Path.of(pattern);
        if (!p.isAbsolute()) {
            throw new IllegalArgumentException("tail path must be absolute: " + pattern);
        }
        Path base = p.getRoot();
        int i = 0;
        for (; i < p.getNameCount(); i++) {
            String seg = p.getName(i).toString();
            if (hasGlob(seg) || i == p.getNameCount() - 1) {
                break;
            }
            base = base.resolve(seg);
        }
        boolean deep = pattern.contains("**");
        int depth = deep ? Integer.MAX_VALUE : p.getNameCount() - i;
        return new Glob(base, depth, FileSystems.getDefault().getPathMatcher("glob:" + pattern),
                !hasGlob(p.getFileName().toString()));
    }

    private static boolean hasGlob(String seg) {
        for (int i = 0; i < seg.length(); i++) {
            if ("*?[{".indexOf(seg.charAt(i)) >= 0) {
                return true;
            }
        }
        return false;
    }

    /** Where the problems of a scan go: the path, a {@link TailErrors} reason label, and what happened. */
    @FunctionalInterface
    interface Problems {
        void problem(Path path, String reason, String detail);
    }

    /**
     * The matched regular files, each once, in walk order. A matched path that is not a regular
     * file (a FIFO, a socket, a device, or a directory named by a glob's literal last segment) is a problem.
     */
    Set<Path> scan(Problems problems) {
        Set<Path> out = new LinkedHashSet<>();
        for (Glob g : globs) {
            if (!Files.isDirectory(g.base)) {
                continue; // nothing there yet: files and directories may appear later
            }
            try {
                Files.walkFileTree(g.base, EnumSet.of(FileVisitOption.FOLLOW_LINKS), g.depth, new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                        if (g.matcher.matches(file) && !excluded(file)) {
                            if (attrs.isRegularFile()) {
                                out.add(file);
                            } else if (!attrs.isDirectory() || g.literalName) { // a wildcard may match directories beside the files
                                // never opened: opening a FIFO for reading blocks until a writer comes
                                problems.problem(file, TailErrors.UNREADABLE, "matched, but not a regular file (" + kind(attrs) + "); not read");
                            }
                        }
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path file, IOException e) {
                        if (!(e instanceof NoSuchFileException)) { // gone between listing and visiting: fine
                            boolean loop = e instanceof java.nio.file.FileSystemLoopException;
                            problems.problem(file, loop ? TailErrors.LINK_LOOP : TailErrors.UNREADABLE, loop ? "a symlink loop; skipped"
                                    : e instanceof AccessDeniedException ? "permission denied" : "cannot be read: " + e);
                        }
                        return FileVisitResult.CONTINUE;
                    }
                });
            } catch (IOException e) {
                problems.problem(g.base, TailErrors.UNREADABLE, "cannot be read: " + e);
            }
        }
        return out;
    }

    private static String kind(BasicFileAttributes attrs) {
        return attrs.isDirectory() ? "a directory" : attrs.isSymbolicLink() ? "a dangling symlink" : "a FIFO, socket or device";
    }

    /** True for a compressed file or one an {@code exclude} glob matches. */
    boolean excluded(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        for (String c : COMPRESSED) {
            if (name.endsWith(c)) {
                return true;
            }
        }
        for (PathMatcher m : excludes) {
            if (m.matches(file)) {
                return true;
            }
        }
        return false;
    }
}
