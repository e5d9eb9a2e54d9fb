package io.loglane.stores.archive;

import io.loglane.core.io.Fsync;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * {@link ArchiveStorage} on a local directory: a key is a path under the root. A put is a rename
 * of a temporary file written beside the target ({@code .<name>.tmp}, never listed): the file is
 * fsynced, renamed over the target, then the directory is fsynced ({@link Fsync#directory}); a
 * directory created for a new partition is made durable in its parent the same way. A delete also
 * removes the directories it leaves empty below the key's first segment (the lane's directory
 * stays).
 *
 * <p>Listing walks the directories under the prefix (no file is opened; one stat per file for its
 * size). A directory whose modification time changed while it was read, or one of whose entries
 * vanished before its stat, is read again (bounded): a rename and the deletions after it, racing
 * one directory read, could otherwise hide both the merged file of a compaction and its sources
 * (the monotonic listing of the contract).
 *
 * <p>Thread-safety: safe for concurrent use (the file system orders the operations). It keeps no
 * state, so it also sees what other processes write; {@link #version()} is therefore unknown.
 */
public final class LocalArchiveStorage implements ArchiveStorage {
    static final String TMP_SUFFIX = ".tmp";
    /** Directory reads of one directory before a listing takes the last one as it is. */
    private static final int STABLE_LISTING_ATTEMPTS = 5;

    /** How a put makes its rename durable: {@link Fsync#directory}; a seam so tests can fail it. */
    @FunctionalInterface
    public interface DirectorySync {
        void sync(Path dir) throws IOException;
    }

    private final Path root;
    private final DirectorySync directorySync;

    public LocalArchiveStorage(Path root) {
        this(root, Fsync::directory);
    }

    /** @param directorySync the directory fsync ({@link Fsync#directory} but in fault tests) */
    public LocalArchiveStorage(Path root, DirectorySync directorySync) {
        this.root = root.toAbsolutePath().normalize();
        this.directorySync = directorySync;
    }

    /** The temporary name of a file being written for {@code target}: hidden, never listed. */
    static Path tempFor(Path target) {
        return target.resolveSibling("." + target.getFileName() + TMP_SUFFIX);
    }

    static boolean isTemp(Path p) {
        String n = p.getFileName().toString();
        return n.startsWith(".") && n.endsWith(TMP_SUFFIX);
    }

    private Path path(String key) {
        if (key.isEmpty() || key.startsWith("/") || key.endsWith("/")) {
            throw new IllegalArgumentException("bad archive key: '" + key + "'");
        }
        String[] segments = key.split("/", -1);
        for (String s : segments) {
            if (s.isEmpty() || s.equals(".") || s.equals("..") || s.indexOf('\\') >= 0) {
                throw new IllegalArgumentException("bad archive key: '" + key + "'");
            }
        }
        if (segments[segments.length - 1].startsWith(".")) {
            throw new IllegalArgumentException("bad archive key (hidden name): '" + key + "'");
        }
        return root.resolve(key);
    }

    @Override
    public Path newTempFile(String key) throws IOException {
        Path target = path(key);
        createDurably(target.getParent());
        Path tmp = tempFor(target);
        Files.deleteIfExists(tmp); // a crashed earlier attempt
        return tmp;
    }

    /** Creates {@code dir} and its missing parents, each made durable in its parent's entries. */
    private void createDurably(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        createDurably(dir.getParent());
        try {
            Files.createDirectory(dir);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            if (!Files.isDirectory(dir)) {
                throw e;
            }
            return; // another thread created it
        }
        directorySync.sync(dir.getParent());
    }

    @Override
    public long put(Path temp, String key) throws IOException {
        Path target = path(key);
        long size;
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
            ch.force(true);
            size = ch.size();
        }
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        // The caller commits a checkpoint once this returns: the rename must survive a power loss.
        directorySync.sync(target.getParent());
        return size;
    }

    @Override
    public List<StoredObject> list(String prefix) throws IOException {
        int slash = prefix.lastIndexOf('/');
        Path dir = slash < 0 ? root : root.resolve(prefix.substring(0, slash));
        List<StoredObject> out = new ArrayList<>();
        walk(dir, prefix, out);
        out.sort(Comparator.comparing(StoredObject::key));
        return out;
    }

    private void walk(Path dir, String prefix, List<StoredObject> out) throws IOException {
        for (Entry e : stableEntries(dir)) {
            String key = root.relativize(e.path()).toString().replace('\\', '/');
            if (e.attrs().isDirectory()) {
                if (key.startsWith(prefix) || prefix.startsWith(key + "/")) {
                    walk(e.path(), prefix, out);
                }
            } else if (e.attrs().isRegularFile() && key.startsWith(prefix)) {
                out.add(new StoredObject(key, e.attrs().size()));
            }
        }
    }

    private record Entry(Path path, BasicFileAttributes attrs) {}

    /**
     * The entries of one directory, read until two reads in a row agree (same names, nothing
     * vanished while examined, the directory's modification time unchanged), at most
     * {@value #STABLE_LISTING_ATTEMPTS} times; the answer is the union of every read.
     *
     * <p>Why not one read: POSIX leaves it unspecified whether a read of a directory returns an
     * entry renamed into it or deleted from it during the read, so one read racing a compaction's
     * put of the merged file and its delete of a source can miss both. The modification time alone
     * does not tell (its granularity is the kernel's coarse clock, a few milliseconds). A name
     * listed that is gone by the time it is read is safe (readers run again on a new listing); a
     * name missing is not, hence the union. Hidden names (temporary files, the sink's staging
     * directory) are never objects.
     */
    private static List<Entry> stableEntries(Path dir) throws IOException {
        java.util.Map<String, Entry> union = new java.util.LinkedHashMap<>();
        java.util.Set<String> previous = null;
        for (int attempt = 0; attempt < STABLE_LISTING_ATTEMPTS; attempt++) {
            FileTime before = modified(dir);
            if (before == null) {
                break;
            }
            java.util.Set<String> names = new java.util.HashSet<>();
            boolean vanished = false;
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
                // Examine entries relative to the open directory (fstatat) where the platform
                // allows: measured 2–3× cheaper than a stat of each full path.
                SecureDirectoryStream<Path> sds = ds instanceof SecureDirectoryStream<Path> x ? x : null;
                for (Path p : ds) {
                    String name = p.getFileName().toString();
                    if (name.startsWith(".")) {
                        continue;
                    }
                    try {
                        BasicFileAttributes a = sds != null
                                ? sds.getFileAttributeView(p.getFileName(), BasicFileAttributeView.class).readAttributes()
                                : Files.readAttributes(p, BasicFileAttributes.class);
                        union.put(name, new Entry(p, a));
                        names.add(name);
                    } catch (NoSuchFileException e) {
                        vanished = true;
                    }
                }
            } catch (NoSuchFileException | java.nio.file.NotDirectoryException e) {
                break; // deleted (or replaced) meanwhile
            }
            boolean stable = !vanished && before.equals(modified(dir));
            if (stable && names.equals(previous)) {
                break;
            }
            previous = stable ? names : null;
        }
        return new ArrayList<>(union.values());
    }

    private static FileTime modified(Path dir) throws IOException {
        try {
            return Files.getLastModifiedTime(dir);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    @Override
    public void delete(String key) throws IOException {
        Path p = path(key);
        Files.deleteIfExists(p);
        Path top = root.resolve(key.substring(0, key.indexOf('/') < 0 ? key.length() : key.indexOf('/')));
        for (Path dir = p.getParent(); dir != null && !dir.equals(top) && dir.startsWith(top); dir = dir.getParent()) {
            try {
                Files.deleteIfExists(dir);
            } catch (DirectoryNotEmptyException e) {
                return;
            }
        }
    }

    @Override
    public int deleteTemporary(String prefix) throws IOException {
        int slash = prefix.lastIndexOf('/');
        Path dir = slash < 0 ? root : root.resolve(prefix.substring(0, slash));
        return deleteTemporaryUnder(dir);
    }

    private static int deleteTemporaryUnder(Path dir) throws IOException {
        int n = 0;
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                if (Files.isDirectory(p)) {
                    n += deleteTemporaryUnder(p);
                } else if (isTemp(p) && Files.deleteIfExists(p)) {
                    n++;
                }
            }
        } catch (NoSuchFileException e) {
            return n;
        }
        return n;
    }

    @Override
    public boolean exists(String key) {
        return Files.isRegularFile(path(key));
    }

    @Override
    public byte[] read(String key) throws IOException {
        return Files.readAllBytes(path(key));
    }

    @Override
    public String location(String key) {
        return key.isEmpty() ? root.toString() : path(key).toString();
    }
}
