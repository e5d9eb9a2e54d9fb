package io.loglane.stream.journal;

import io.loglane.core.io.Fsync;
import io.loglane.stream.io.ChannelOpener;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files of the request journal ({@code <stream>/.journal/%020d.txj}, see FORMAT.md): appends
 * request and applied records to the active file, fsyncs with group commit, rolls to a new file
 * past {@code rollBytes}, and deletes a file once every part of every request in it is applied
 * (and it is no longer the active one). At {@link #open()} it reads what an earlier run left.
 *
 * <p>A write that fails is cut off again, so a refused request leaves no record; when that cut
 * fails too, or an fsync fails (the page cache may have dropped the bytes while a later fsync
 * reports success), the journal refuses every further write until a restart.
 *
 * <p>Thread-safety: safe for concurrent use; writes are serialised by one lock, fsyncs by another
 * (one fsync covers every record written before it).
 */
final class RequestJournal implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RequestJournal.class);
    static final String SUFFIX = ".txj";

    private final Path dir;
    private final long rollBytes;
    private final ChannelOpener opener;
    /** Unapplied parts per file sequence number (entries only while a file exists). */
    private final Map<Long, AtomicInteger> unapplied = new ConcurrentHashMap<>();
    private final Object syncLock = new Object();
    private long activeSeq;
    private FileChannel active;
    /** Bytes of the active file (written under the lock; read by fsyncs without it). */
    private volatile long written;
    private volatile FileChannel syncedChannel;
    private volatile long syncedEnd;
    private volatile IOException failure;
    private boolean closed;

    /** Where a request record went: the file whose unapplied count its parts hold. */
    record Ticket(long fileSeq) {}

    /** A request an earlier run journaled with parts not yet applied, and which parts those are. */
    record Pending(Ticket ticket, JournalCodec.Request request, boolean[] applied) {}

    RequestJournal(Path dir, long rollBytes, ChannelOpener opener) {
        this.dir = dir;
        this.rollBytes = rollBytes;
        this.opener = opener;
    }

    /**
     * Reads every journal file an earlier run left, deletes those whose requests are all applied,
     * and opens a new active file. Reading a file stops at its first record that is not whole or
     * fails its CRC (a write the crash interrupted; nothing after it was acknowledged, because
     * records are written in order and a request is acknowledged only after its record).
     *
     * @return the requests with parts still to apply, oldest first
     */
    synchronized List<Pending> open() throws IOException {
        Files.createDirectories(dir);
        TreeMap<Long, Path> files = new TreeMap<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                if (name.endsWith(SUFFIX) && name.length() == 20 + SUFFIX.length()) {
                    try {
                        files.put(Long.parseLong(name.substring(0, 20)), p);
                    } catch (NumberFormatException e) {
                        LOG.warn("request journal: ignoring {} (not a journal file name)", p);
                    }
                }
            }
        }
        Map<Long, Pending> pending = new LinkedHashMap<>();
        for (Map.Entry<Long, Path> f : files.entrySet()) {
            Ticket ticket = new Ticket(f.getKey());
            read(f.getValue(), ticket, pending);
        }
        List<Pending> out = new ArrayList<>();
        for (Pending p : pending.values()) {
            int owed = 0;
            for (boolean a : p.applied()) {
                owed += a ? 0 : 1;
            }
            if (owed > 0) {
                unapplied.computeIfAbsent(p.ticket().fileSeq(), k -> new AtomicInteger()).addAndGet(owed);
                out.add(p);
            }
        }
        for (Map.Entry<Long, Path> f : files.entrySet()) {
            if (!unapplied.containsKey(f.getKey())) {
                Files.deleteIfExists(f.getValue());
            }
        }
        activeSeq = files.isEmpty() ? 0 : files.lastKey() + 1;
        openActive();
        return out;
    }

    private void read(Path file, Ticket ticket, Map<Long, Pending> pending) throws IOException {
        byte[] all = Files.readAllBytes(file);
        int at = 0;
        while (at + JournalCodec.HEADER_SIZE <= all.length) {
            byte[] header = java.util.Arrays.copyOfRange(all, at, at + JournalCodec.HEADER_SIZE);
            int length = JournalCodec.length(header);
            if (length < 0 || at + length > all.length) {
                break;
            }
            JournalCodec.Decoded d;
            try {
                d = JournalCodec.decode(java.util.Arrays.copyOfRange(all, at, at + length));
            } catch (IllegalArgumentException e) {
                break;
            }
            switch (d) {
                case JournalCodec.Request r -> pending.put(r.txnId(), new Pending(ticket, r, new boolean[r.parts().size()]));
                case JournalCodec.Applied a -> {
                    Pending p = pending.get(a.txnId());
                    if (p != null && a.partIndex() < p.applied().length) {
                        p.applied()[a.partIndex()] = true;
                    }
                }
            }
            at += length;
        }
        if (at < all.length) {
            LOG.warn("request journal: {} ends in {} byte(s) that are no whole record (a write the crash interrupted); ignored",
                    file, all.length - at);
        }
    }

    private void openActive() throws IOException {
        Path file = dir.resolve(String.format("%020d", activeSeq) + SUFFIX);
        active = opener.open(file, EnumSet.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ));
        written = active.size();
        Fsync.directory(dir);
    }

    /**
     * Appends a request record whose {@code parts} parts are then owed to their lanes; with
     * {@code sync}, returns only once it is fsynced.
     *
     * @throws IOException when it could not be written (nothing of it stays) or fsynced
     */
    Ticket write(byte[] record, int parts, boolean sync) throws IOException {
        FileChannel ch;
        long end;
        Ticket ticket;
        synchronized (this) {
            checkWritable();
            if (written >= rollBytes) {
                roll();
            }
            append(record);
            ticket = new Ticket(activeSeq);
            unapplied.computeIfAbsent(activeSeq, k -> new AtomicInteger()).addAndGet(parts);
            ch = active;
            end = written;
        }
        if (sync) {
            try {
                sync(ch, end);
            } catch (IOException e) {
                unapplied.get(ticket.fileSeq()).addAndGet(-parts); // refused: its parts are never appended
                throw e;
            }
        }
        return ticket;
    }

    /** Records that part {@code partIndex} of request {@code txnId} is stored; deletes the file once nothing in it is owed. */
    void applied(Ticket ticket, long txnId, int partIndex) {
        synchronized (this) {
            if (!closed && failure == null) {
                try {
                    append(JournalCodec.applied(txnId, partIndex)); // spares the next start a re-append; best effort
                } catch (IOException e) {
                    LOG.debug("request journal: applied record not written ({}); a restart re-appends the part, which its lane de-duplicates", e.toString());
                }
            }
        }
        AtomicInteger left = unapplied.get(ticket.fileSeq());
        if (left != null && left.decrementAndGet() == 0) {
            synchronized (this) {
                if (ticket.fileSeq() != activeSeq && left.get() == 0) {
                    delete(ticket.fileSeq());
                }
            }
        }
    }

    /** Parts owed to lanes by requests in the journal. */
    int unappliedParts() {
        int n = 0;
        for (AtomicInteger a : unapplied.values()) {
            n += a.get();
        }
        return n;
    }

    /** Journal files currently on disk (for tests and status). */
    int files() throws IOException {
        try (var s = Files.list(dir)) {
            return (int) s.filter(p -> p.getFileName().toString().endsWith(SUFFIX)).count();
        }
    }

    private void checkWritable() throws IOException {
        if (closed) {
            throw new IOException("request journal is closed");
        }
        if (failure != null) {
            throw new IOException("request journal failed (restart to recover): " + failure.getMessage(), failure);
        }
    }

    /** Under the lock: writes {@code record} at the end, or cuts off what part of it got written. */
    private void append(byte[] record) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(record);
        long at = written;
        try {
            while (buf.hasRemaining()) {
                at += active.write(buf, at);
            }
        } catch (IOException e) {
            try {
                active.truncate(written);
            } catch (IOException cut) {
                failure = e;
                e.addSuppressed(cut);
                LOG.error("request journal: a failed write could not be cut off; refusing multi-lane requests until a restart", e);
            }
            throw e;
        }
        written = at;
    }

    /** Under the lock: fsyncs and closes the active file and opens the next one. */
    private void roll() throws IOException {
        FileChannel old = active;
        long oldSeq = activeSeq;
        synchronized (syncLock) {
            forceOrFail(old);
            syncedChannel = null;
        }
        activeSeq++;
        try {
            openActive();
        } catch (IOException e) {
            activeSeq--; // the old file stays active; the next write tries the roll again
            throw e;
        }
        old.close();
        AtomicInteger left = unapplied.get(oldSeq);
        if (left == null || left.get() == 0) {
            delete(oldSeq);
        }
    }

    /**
     * Group commit: one fsync covers every record written before it started. Takes only the sync
     * lock (a roll takes it inside the write lock, so never the other way round).
     */
    private void sync(FileChannel ch, long end) throws IOException {
        if (syncedChannel == ch && syncedEnd >= end) {
            return;
        }
        synchronized (syncLock) {
            if (syncedChannel == ch && syncedEnd >= end) {
                return;
            }
            long target = written; // at least end while ch is active; a rolled ch was fsynced by the roll
            try {
                forceOrFail(ch);
            } catch (java.nio.channels.ClosedChannelException e) {
                return; // rolled meanwhile: the roll fsynced it before closing it
            }
            syncedEnd = target;
            syncedChannel = ch;
        }
    }

    private void forceOrFail(FileChannel ch) throws IOException {
        IOException f = failure;
        if (f != null) {
            throw f;
        }
        try {
            ch.force(false);
        } catch (java.nio.channels.ClosedChannelException e) {
            throw e; // closed by a roll (which fsynced it) or by close: no failure of the disk
        } catch (IOException e) {
            failure = e;
            LOG.error("request journal: fsync failed; refusing multi-lane requests until a restart", e);
            throw e;
        }
    }

    private void delete(long seq) {
        unapplied.remove(seq);
        Path file = dir.resolve(String.format("%020d", seq) + SUFFIX);
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("request journal: could not delete {} (the next start re-checks its parts against the lanes)", file, e);
        }
    }

    /** Closes the active file; deletes it when nothing in it is owed. Idempotent. */
    @Override
    public synchronized void close() throws IOException {
        if (closed || active == null) {
            closed = true;
            return;
        }
        closed = true;
        AtomicInteger left = unapplied.get(activeSeq);
        if (failure == null) {
            try {
                active.force(false);
            } catch (IOException e) {
                LOG.warn("request journal: final fsync failed", e);
            }
        }
        active.close();
        if (left == null || left.get() == 0) {
            delete(activeSeq);
        }
    }
}
