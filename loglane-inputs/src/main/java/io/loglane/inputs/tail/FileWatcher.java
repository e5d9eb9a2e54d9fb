package io.loglane.inputs.tail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds the files a tail reads and follows them through rotation, by identity
 * ({@link FileIdentity} + {@link Fingerprint}), never by name:
 * <ul>
 *   <li>a path that matches now and names a file not yet tailed opens it: at the position the
 *       positions file remembers for it (same device, inode and first bytes), else at its head, or
 *       at its end for a file seen at start-up under {@code start: tail};</li>
 *   <li>a tailed file that no matched path names any more (renamed away, deleted, a symlink now
 *       pointing elsewhere) is marked {@link TailedFile#gone}: its channel stays open, so the tail
 *       reads it to its end before releasing it;</li>
 *   <li>at start-up, a remembered file that no glob matches is looked for beside its old path (a
 *       rename while loglane was down: {@code app.log} → {@code app.log.1}) and read to its end;</li>
 *   <li>a file that was under a matched name only between two scans (rotated faster than
 *       {@code scan_interval}, or while loglane was down) is found as a <em>rotated sibling</em>:
 *       beside a matched path {@code P}, a file named {@code P} + more characters
 *       ({@code app.log.1}, {@code app.log-20261205}) that is not tailed, was modified since the
 *       previous complete scan began (at start-up: since the one recorded in the positions file),
 *       and does not start with the first bytes of a file tailed now or before is read from its
 *       head to its end;</li>
 *   <li>a file read to its end and released is remembered with its position for a while
 *       ({@link #released()}, written to the positions file): found again, under a glob or as a
 *       sibling, it is read on from there, not from its head.</li>
 *   <li>a <em>copy</em> of a generation tailed before (copytruncate: a sibling starting with the
 *       first bytes of a file that was truncated or replaced since) is read from where that
 *       generation's position was, so the lines the tail had not yet read when the original was
 *       truncated are read from the copy ({@link #adoptCopy}); a pending range of that position
 *       is re-sent under the original's chunk id. A copy of a file still tailed is left alone (its
 *       lines are read from the original).</li>
 * </ul>
 * Truncation and a reused inode are noticed by the tail's poll (size below the position, first bytes
 * changed), not here.
 *
 * <p>Thread-safety: confined to the tailer thread.
 */
final class FileWatcher {
    /** Opens a file as a {@link TailedFile} at the given position. */
    @FunctionalInterface
    interface Opener {
        TailedFile open(FileIdentity id, FileChannel ch, Path path, Fingerprint fp, long offset, boolean skipping);
    }

    private final PathScanner scanner;
    private final TailErrors errors;
    private final Opener opener;
    private final Map<FileIdentity, TailedFile> files = new LinkedHashMap<>();
    /** Positions read at start-up whose inode now holds another file: their rest is looked for in a copy. */
    private final List<TailPosition> replacedWhileDown = new ArrayList<>();
    /** Positions read at start-up whose file has not been found yet. */
    private final Map<FileIdentity, TailPosition> remembered = new HashMap<>();
    /**
     * File generations read before (released, truncated, replaced, remembered from the positions
     * file), newest last, with where their reading stood: a sibling starting with one's first bytes
     * is its copy, read from that position once ({@link Generation#taken}).
     */
    private final ArrayDeque<Generation> retired = new ArrayDeque<>();

    /** A generation no longer read at its own inode; {@code taken} once a copy of it is read. */
    private record Generation(TailPosition at, boolean taken) {}
    /**
     * Files read to their end and closed, by identity, oldest first, each with when it was released
     * (wall clock; at start-up, the start): kept until a complete scan began more than the slack
     * after that, since until then a restart may find the file as a sibling modified after the
     * scan watermark and must read it on from its position, not from its head.
     */
    private final LinkedHashMap<FileIdentity, Released> released = new LinkedHashMap<>();

    private record Released(TailPosition at, long releasedMillis) {}

    /**
     * Generations no longer at their inode (truncated, replaced), oldest first, with when that was
     * noticed: kept as {@link #released} is, since a copy of one (made before the truncation, so not
     * newer than that) may be a sibling after the watermark at a restart and must be known as a copy.
     */
    private final LinkedHashMap<GenerationKey, Released> lost = new LinkedHashMap<>();

    private record GenerationKey(FileIdentity id, Fingerprint fingerprint) {}

    /**
     * Siblings modified since this wall-clock time may have been missed: the previous complete scan's
     * start less a slack for coarse modification times (at start-up: the scan recorded in the positions
     * file). Every file a complete scan saw, and every file released since, is in the positions file
     * written after it, so a sibling older than that which is not in it was read before or never was
     * under a glob.
     */
    private long siblingsSinceMillis;
    /** Paths of the positions file's lines: at start-up, files rotated from them are siblings even if no file is under them now. */
    private final List<Path> startUpNames = new ArrayList<>();
    /** Start (wall clock, before listing) of the last complete scan; -1 before the first. */
    private long watermarkMillis = -1;

    /**
     * @param positions    the positions file's content
     * @param writtenMillis when the positions file was last written (wall clock), or now when there is
     *                     none: where siblings begin when the file records no scan (versions 1 and 2)
     */
    FileWatcher(PathScanner scanner, TailErrors errors, Opener opener, PositionsFile.Content positions, long writtenMillis) {
        this.scanner = scanner;
        this.errors = errors;
        this.opener = opener;
        positions.tailed().forEach(p -> {
            remembered.put(p.id(), p);
            retire(p);
            startUpNames.add(Path.of(p.path()));
        });
        long now = System.currentTimeMillis();
        positions.released().forEach(p -> {
            retire(p);
            remember(p, now);
            startUpNames.add(Path.of(p.path()));
        });
        positions.lost().forEach(p -> lost(p, now));
        // without a recorded scan, exactly the file's write: files released before it are not in it
        // (versions 1 and 2), so a copy made just before, of an older generation, must not count as new
        this.siblingsSinceMillis = positions.scanMillis() >= 0 ? positions.scanMillis() - MTIME_SLACK_MILLIS : writtenMillis;
    }

    /**
     * Remembers a generation that is no longer read at its inode (truncated, replaced, released),
     * with its position: the first bytes tell its copies, the position where to read them from.
     */
    private void retire(TailPosition at) {
        if (at.fingerprint().length() == 0) {
            return;
        }
        retired.removeIf(g -> g.at().id().equals(at.id()) && g.at().fingerprint().equals(at.fingerprint()));
        retired.addLast(new Generation(at, false));
        if (retired.size() > MAX_RETIRED) {
            retired.removeFirst();
        }
    }

    /** Fingerprints remembered for recognising copies; enough for many rotations between two scans. */
    static final int MAX_RETIRED = 256;
    /** Released files remembered at most (the oldest go first); bounds the positions file. */
    static final int MAX_RELEASED = 1024;
    /** Slack for file systems with coarse modification times. */
    private static final long MTIME_SLACK_MILLIS = 2000;

    /** The files being tailed, in the order they were found. */
    Collection<TailedFile> files() { return files.values(); }

    /**
     * Stops tailing {@code f} (read to its end and idle, or unreadable): closes it, and remembers its
     * position for a while ({@link #released()}).
     */
    void release(TailedFile f) {
        files.remove(f.id);
        TailPosition at = f.position();
        retire(at);
        if (at.pendingEnd() < 0 && at.fingerprint().length() > 0) { // an empty file read again is read from 0: right
            remember(at, System.currentTimeMillis());
        }
        f.close();
    }

    private void remember(TailPosition at, long nowMillis) {
        released.remove(at.id());
        released.put(at.id(), new Released(at, nowMillis));
        if (released.size() > MAX_RELEASED) {
            released.pollFirstEntry();
        }
    }

    /**
     * The content {@code at} describes is no longer at its inode (truncated, replaced): remembered by
     * its first bytes, so that a copy of it is read from its position ({@link #adoptCopy}) or left
     * alone, and, for a while, written to the positions file ({@link #lost()}).
     */
    void lost(TailPosition at) {
        lost(at, System.currentTimeMillis());
    }

    private void lost(TailPosition at, long nowMillis) {
        retire(at);
        if (at.fingerprint().length() == 0) {
            return;
        }
        GenerationKey key = new GenerationKey(at.id(), at.fingerprint());
        lost.remove(key);
        lost.put(key, new Released(at, nowMillis));
        if (lost.size() > MAX_RELEASED) {
            lost.pollFirstEntry();
        }
    }

    /** The lost generations still remembered, oldest first: written to the positions file. */
    List<TailPosition> lost() {
        return lost.values().stream().map(Released::at).toList();
    }

    /** How many released files and lost generations are remembered: fewer after a scan, the positions file has lines to drop. */
    int rememberedCount() { return released.size() + lost.size(); }

    /** The released files still remembered, oldest first: written to the positions file with the files tailed. */
    List<TailPosition> released() {
        return released.values().stream().map(Released::at).toList();
    }

    /** Start (wall clock) of the last complete scan, before it listed anything; -1 before the first. */
    long watermark() { return watermarkMillis; }

    /**
     * Expands the globs and updates the set of tailed files.
     *
     * @param atStartUp the first scan after start: files it finds that are not remembered begin at
     *                  {@code startAtHead}'s end; later scans find new files, read from their head
     * @return the files opened by this scan
     */
    Collection<TailedFile> scan(boolean atStartUp, boolean startAtHead) {
        long scanMillis = System.currentTimeMillis();
        Set<FileIdentity> seen = new HashSet<>();
        Map<FileIdentity, TailedFile> opened = new LinkedHashMap<>();
        Set<Path> matched = scanner.scan((p, reason, detail) -> errors.count(reason, p.toString(), 1, detail));
        for (Path path : matched)  {
            FileIdentity id;
            try {
                id = FileIdentity.of(path);
            } catch (IOException e) {
                continue; // gone since the walk: the next scan sees what replaced it
            }
            seen.add(id);
            TailedFile f = files.get(id);
            if (f != null) {
                f.gone = false; // matched again (a link pointed back, or a rename into the glob)
                f.path = path;
                continue;
            }
            if (opened.containsKey(id)) {
                continue; // two matched paths (links) name one file
            }
            f = open(path, id, atStartUp && !startAtHead);
            if (f != null) {
                files.put(id, f);
                opened.put(id, f);
            }
        }
        for (TailedFile f : files.values()) {
            if (!seen.contains(f.id)) {
                f.gone = true;
            }
        }
        if (atStartUp) {
            findRotatedAway(opened);
            for (TailPosition p : replacedWhileDown) {
                lost(p);
                TailedFile copy = adoptCopy(p);
                if (copy != null) {
                    opened.put(copy.id, copy);
                } else if (p.pendingEnd() > p.offset() || p.offset() > 0) {
                    errors.count(TailErrors.ROTATED_AWAY, p.path(), 1, "truncated or replaced while loglane was down, and no copy"
                            + " starting with its first bytes is beside it; what it held after byte " + p.offset() + " is lost");
                }
            }
            replacedWhileDown.clear();
        }
        findRotatedSiblings(matched, opened, atStartUp ? startUpNames : List.of());
        startUpNames.clear();
        siblingsSinceMillis = scanMillis - MTIME_SLACK_MILLIS;
        watermarkMillis = scanMillis;
        // a file unchanged since its release before this is no sibling for this watermark: forgotten
        released.values().removeIf(r -> r.releasedMillis() < siblingsSinceMillis);
        lost.values().removeIf(r -> r.releasedMillis() < siblingsSinceMillis);
        return opened.values();
    }

    /** See the class comment: files rotated away from a matched name before a scan saw them. */
    private void findRotatedSiblings(Set<Path> matched, Map<FileIdentity, TailedFile> opened, List<Path> names) {
        Map<Path, Set<String>> prefixesByDir = new HashMap<>();
        for (Path p : matched) {
            prefixesByDir.computeIfAbsent(p.getParent(), d -> new HashSet<>()).add(p.getFileName().toString());
        }
        for (TailedFile f : files.values()) {
            if (f.gone) { // a rotated file's old name: its successors may be rotated too
                prefix(prefixesByDir, f.firstPath);
            }
        }
        for (Released r : released.values()) { // so is a released one's, when no file is under it now
            prefix(prefixesByDir, Path.of(r.at().path()));
        }
        names.forEach(n -> prefix(prefixesByDir, n));
        for (Map.Entry<Path, Set<String>> e : prefixesByDir.entrySet()) {
            for (Path candidate : listing(e.getKey())) {
                String name = candidate.getFileName().toString();
                if (matched.contains(candidate) || !siblingOf(name, e.getValue()) || scanner.excluded(candidate)) {
                    continue;
                }
                try {
                    if (!Files.isRegularFile(candidate)
                            || Files.getLastModifiedTime(candidate).toMillis() < siblingsSinceMillis) {
                        continue;
                    }
                    FileIdentity id = FileIdentity.of(candidate);
                    if (files.containsKey(id) || opened.containsKey(id) || finished(id, candidate)) {
                        continue;
                    }
                    TailedFile f = open(candidate, id, false);
                    if (f == null) {
                        continue;
                    }
                    Sibling kind = f.resumedFrom == null ? sibling(f.channel) : new Sibling.Own();
                    if (!(kind instanceof Sibling.Own)) {
                        f.close();
                        if (kind instanceof Sibling.CopyOf c) {
                            adopt(candidate, id, c.of(), opened);
                        }
                        continue;
                    }
                    f.gone = true;
                    files.put(id, f);
                    opened.put(id, f);
                } catch (IOException ex) {
                    // vanished meanwhile
                }
            }
        }
    }

    private static void prefix(Map<Path, Set<String>> prefixesByDir, Path path) {
        if (path.getParent() != null && path.getFileName() != null) {
            prefixesByDir.computeIfAbsent(path.getParent(), d -> new HashSet<>()).add(path.getFileName().toString());
        }
    }

    /** True when {@code candidate} is a released file still at the end it was read to: nothing to open it for. */
    private boolean finished(FileIdentity id, Path candidate) throws IOException {
        Released r = released.get(id);
        if (r == null) {
            return false;
        }
        try (FileChannel ch = FileChannel.open(candidate, StandardOpenOption.READ)) {
            return ch.size() == r.at().offset() && r.at().fingerprint().matches(ch);
        }
    }

    private static boolean siblingOf(String name, Set<String> prefixes) {
        for (String p : prefixes) {
            if (name.length() > p.length() && name.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    /**
     * What a sibling is: a file of its own; a copy of a generation no longer read at its inode; or
     * one to leave alone (empty, a copy of a file still tailed, whose lines are read from the
     * original, or of a generation whose copy is read already or that holds nothing new).
     */
    private sealed interface Sibling {
        /** A file of its own: read from its head. */
        record Own() implements Sibling {}

        /** Nothing to read in it. */
        record Skip() implements Sibling {}

        /** A copy of generation {@code of}: read from its position. */
        record CopyOf(TailPosition of) implements Sibling {}
    }

    private Sibling sibling(FileChannel ch) throws IOException {
        if (ch.size() == 0) {
            return new Sibling.Skip(); // nothing to read, and nothing to tell it apart by
        }
        long size = ch.size();
        for (TailedFile t : files.values()) {
            if (t.fingerprint.length() > 0 && (size < t.fingerprint.length() ? samePrefix(t.channel, ch, (int) size) : t.fingerprint.matches(ch))) {
                // a copy of a tailed file, or one being written (logrotate copying it): its head is not
                // yet a whole fingerprint, so its bytes are compared; a later scan or the truncation looks again
                return new Sibling.Skip();
            }
        }
        for (Iterator<Generation> it = retired.descendingIterator(); it.hasNext(); ) {
            Generation g = it.next();
            if (g.at().fingerprint().matches(ch)) {
                boolean more = ch.size() > g.at().offset() || g.at().pendingEnd() > g.at().offset();
                return g.taken() || !more ? new Sibling.Skip() : new Sibling.CopyOf(g.at());
            }
        }
        return new Sibling.Own();
    }

    /** True when both files start with the same {@code n} bytes. */
    private static boolean samePrefix(FileChannel a, FileChannel b, int n) throws IOException {
        ByteBuffer x = ByteBuffer.allocate(n);
        ByteBuffer y = ByteBuffer.allocate(n);
        while (x.hasRemaining() && a.read(x, x.position()) >= 0) {
            // fill
        }
        while (y.hasRemaining() && b.read(y, y.position()) >= 0) {
            // fill
        }
        return !x.hasRemaining() && !y.hasRemaining() && x.flip().equals(y.flip());
    }

    /**
     * The copy of generation {@code at} (truncated or replaced at its inode) beside its path,
     * opened where that generation's position was and marked gone (read to its end, then released);
     * null when there is none, or it holds nothing past the position. Looked for whatever its
     * modification time: copytruncate copies before it truncates, so the copy may be older than
     * the last scan.
     */
    TailedFile adoptCopy(TailPosition at) {
        Path path = Path.of(at.path());
        if (path.getParent() == null || at.fingerprint().length() == 0) {
            return null;
        }
        String prefix = path.getFileName().toString();
        for (Path candidate : listing(path.getParent())) {
            String name = candidate.getFileName().toString();
            if (!siblingOf(name, Set.of(prefix)) || scanner.excluded(candidate) || !Files.isRegularFile(candidate)) {
                continue;
            }
            try {
                FileIdentity id = FileIdentity.of(candidate);
                if (files.containsKey(id)) {
                    continue;
                }
                try (FileChannel ch = FileChannel.open(candidate, StandardOpenOption.READ)) {
                    if (!(sibling(ch) instanceof Sibling.CopyOf c) || !c.of().equals(at)) {
                        continue;
                    }
                }
                Map<FileIdentity, TailedFile> opened = new LinkedHashMap<>();
                adopt(candidate, id, at, opened);
                if (!opened.isEmpty()) {
                    return opened.values().iterator().next();
                }
            } catch (IOException e) {
                // vanished meanwhile: keep looking
            }
        }
        return null;
    }

    /** Opens {@code candidate}, a copy of generation {@code at}, at that generation's position (its pending range re-sent first). */
    private void adopt(Path candidate, FileIdentity id, TailPosition at, Map<FileIdentity, TailedFile> opened) throws IOException {
        FileChannel ch = FileChannel.open(candidate, StandardOpenOption.READ);
        if (!FileIdentity.of(candidate).equals(id) || !at.fingerprint().matches(ch)) {
            closeQuietly(ch);
            return;
        }
        TailedFile f = opener.open(id, ch, candidate, at.fingerprint(), at.offset(), at.skipping()).resumed(at);
        f.gone = true;
        files.put(id, f);
        opened.put(id, f);
        retired.removeIf(g -> g.at().equals(at));
        retired.addLast(new Generation(at, true));
    }

    /** Opens {@code path}, resuming a remembered position; null when it cannot be opened now. */
    private TailedFile open(Path path, FileIdentity id, boolean atEnd) {
        FileChannel ch;
        try {
            ch = FileChannel.open(path, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            errors.count(TailErrors.UNREADABLE, path.toString(), 1, e instanceof AccessDeniedException ? "permission denied" : e.toString());
            return null;
        }
        try {
            if (!FileIdentity.of(path).equals(id)) {
                ch.close(); // replaced between stat and open: the next scan opens the new one
                return null;
            }
            TailPosition known = remembered.remove(id);
            if (known != null) {
                if (known.fingerprint().matches(ch)) {
                    return opener.open(id, ch, path, known.fingerprint(), known.offset(), known.skipping())
                            .resumed(known);
                }
                errors.count(TailErrors.REPLACED, path.toString(), 1, "its inode now holds another file; read from its start");
                replacedWhileDown.add(known);
            }
            Released done = released.remove(id);
            if (known == null && done != null && done.at().fingerprint().matches(ch)) {
                // read to its end before (a released file matched again, or found as a sibling): read on from there
                return opener.open(id, ch, path, done.at().fingerprint(), done.at().offset(), done.at().skipping()).resumed(done.at());
            }
            return opener.open(id, ch, path, Fingerprint.of(ch), atEnd ? ch.size() : 0, false);
        } catch (IOException e) {
            errors.count(TailErrors.READ_ERROR, path.toString(), 1, e.toString());
            closeQuietly(ch);
            return null;
        }
    }

    /** Remembered files no glob matched: looked for beside their old path by identity, read to their end if found. */
    private void findRotatedAway(Map<FileIdentity, TailedFile> opened) {
        Map<Path, Set<Path>> byDir = new HashMap<>();
        for (TailPosition p : remembered.values()) {
            Path dir = Path.of(p.path()).getParent();
            if (dir != null) {
                byDir.computeIfAbsent(dir, d -> listing(d));
            }
        }
        for (TailPosition p : List.copyOf(remembered.values())) {
            TailedFile found = null;
            Path dir = Path.of(p.path()).getParent();
            for (Path candidate : dir == null ? Set.<Path>of() : byDir.get(dir)) {
                try {
                    if (Files.isRegularFile(candidate) && FileIdentity.of(candidate).equals(p.id())) {
                        found = open(candidate, p.id(), false);
                        break;
                    }
                } catch (IOException e) {
                    // vanished meanwhile: keep looking
                }
            }
            if (found != null && found.resumedFrom != null) {
                found.gone = true;
                files.put(found.id, found);
                opened.put(found.id, found);
            } else {
                if (found != null) {
                    found.close();
                }
                errors.count(TailErrors.ROTATED_AWAY, p.path(), 1, "tailed before the restart but found under no glob nor beside its path "
                        + "(deleted or compressed meanwhile); lines after byte " + p.offset() + " that it still had are lost");
            }
        }
        remembered.clear();
    }

    private static Set<Path> listing(Path dir) {
        Set<Path> out = new HashSet<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            s.forEach(out::add);
        } catch (IOException e) {
            // no such directory any more, or unreadable: nothing to find there
        }
        return out;
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // read-only
        }
    }
}
