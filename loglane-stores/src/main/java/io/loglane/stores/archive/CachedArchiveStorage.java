package io.loglane.stores.archive;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * An {@link ArchiveStorage} that keeps the listing of another one in memory: the first listing
 * reads the storage once, and from then on every {@link #put} and {@link #delete} made through
 * this object updates it, so listings (one per query) cost a copy of the keys asked for instead of
 * a walk of every directory. {@link #version()} counts the changes, so a reader whose version did
 * not move needs no listing at all.
 *
 * <p>It is correct only while every writer of the archive goes through this one object: the node
 * builds one and hands it to every lane's archive sink and to the SQL engine. Changes made by
 * anyone else (an operator deleting a partition by hand) are seen after {@link #refresh()}, which
 * readers call when a listed object turns out to be gone.
 *
 * <p>Listings are snapshots: the index is read and changed under one lock, so a listing holds
 * every object of one instant, which gives the monotonic listing of the contract by construction.
 * A put enters the index once the underlying put returned (durable); a delete leaves the index
 * before the underlying delete starts (readers stop listing it first; a failed delete puts it back).
 *
 * <p>Thread-safety: safe for concurrent use. Puts and deletes run concurrently with each other;
 * a {@link #refresh()} waits for those in progress and holds new ones back while it lists.
 */
public final class CachedArchiveStorage implements ArchiveStorage {
    private final ArchiveStorage delegate;
    /** Shared by puts and deletes, exclusive for a refresh: a change never races the listing that replaces the index. */
    private final ReadWriteLock changes = new ReentrantReadWriteLock();
    /** Guards {@link #index} and {@link #version}. */
    private final Object lock = new Object();
    /** Key → size of every object, or null until the first listing loads it. */
    private TreeMap<String, Long> index;
    private long version;
    /** Full listings of the underlying storage so far. */
    private long loads;

    public CachedArchiveStorage(ArchiveStorage delegate) {
        this.delegate = delegate;
    }

    @Override
    public Path newTempFile(String key) throws IOException {
        return delegate.newTempFile(key);
    }

    @Override
    public long put(Path temp, String key) throws IOException {
        changes.readLock().lock();
        try {
            long size = delegate.put(temp, key);
            synchronized (lock) {
                if (index != null) {
                    index.put(key, size);
                }
                version++;
            }
            return size;
        } finally {
            changes.readLock().unlock();
        }
    }

    @Override
    public void delete(String key) throws IOException {
        changes.readLock().lock();
        try {
            Long size;
            synchronized (lock) {
                size = index == null ? null : index.remove(key);
                version++;
            }
            try {
                delegate.delete(key);
            } catch (IOException | RuntimeException e) {
                synchronized (lock) {
                    if (size != null && index != null) {
                        index.put(key, size); // still there
                    }
                    version++;
                }
                throw e;
            }
        } finally {
            changes.readLock().unlock();
        }
    }

    @Override
    public List<StoredObject> list(String prefix) throws IOException {
        synchronized (lock) {
            if (index != null) {
                return copy(prefix);
            }
        }
        refresh();
        synchronized (lock) {
            return copy(prefix);
        }
    }

    private List<StoredObject> copy(String prefix) {
        List<StoredObject> out = new ArrayList<>();
        for (Map.Entry<String, Long> e : index.tailMap(prefix, true).entrySet()) {
            if (!e.getKey().startsWith(prefix)) {
                break; // keys in order: past the prefix's range
            }
            out.add(new StoredObject(e.getKey(), e.getValue()));
        }
        return out;
    }

    /**
     * Reads the whole listing from the underlying storage again, replacing what is kept: for
     * changes made behind this object's back (a reader found a listed object gone).
     */
    @Override
    public void refresh() throws IOException {
        changes.writeLock().lock();
        try {
            TreeMap<String, Long> fresh = new TreeMap<>();
            for (StoredObject o : delegate.list("")) {
                fresh.put(o.key(), o.size());
            }
            synchronized (lock) {
                index = fresh;
                version++;
                loads++;
            }
        } finally {
            changes.writeLock().unlock();
        }
    }

    @Override
    public int deleteTemporary(String prefix) throws IOException {
        return delegate.deleteTemporary(prefix); // never listed, so never in the index
    }

    /** Asks the underlying storage: a reader checks whether a listed object is really gone. */
    @Override
    public boolean exists(String key) throws IOException {
        return delegate.exists(key);
    }

    @Override
    public byte[] read(String key) throws IOException {
        return delegate.read(key);
    }

    @Override
    public String location(String key) {
        return delegate.location(key);
    }

    /** How many times the underlying storage was listed in full (the first listing, then each {@link #refresh()}). */
    public long loads() {
        synchronized (lock) {
            return loads;
        }
    }

    @Override
    public long version() {
        synchronized (lock) {
            return version;
        }
    }
}
