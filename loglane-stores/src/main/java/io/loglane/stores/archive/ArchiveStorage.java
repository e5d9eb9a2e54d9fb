package io.loglane.stores.archive;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Where the archive's files live: a flat namespace of objects named by keys such as
 * {@code lane=app/date=2026-03-01/hour=10/<first>-<last>.parquet} ({@link ArchiveLayout} builds
 * them). Every archive file operation goes through it: a flush publishing a file, compaction
 * replacing files, retention and recovery deleting them, the query module listing them. A local
 * directory now ({@link LocalArchiveStorage}); an S3-compatible bucket can follow by implementing
 * this contract (the contract test suite {@code ArchiveStorageContract} runs against each).
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li><b>Keys</b> are {@code /}-separated relative names without empty, {@code .} or {@code ..}
 *       segments, whose last segment does not start with a dot (names starting with a dot are the
 *       implementation's own, e.g. temporary files). An invalid key is an
 *       {@link IllegalArgumentException}.</li>
 *   <li><b>{@link #put} is atomic</b>: a reader (a listing, or a read of the key) sees either
 *       nothing or the previous object under the key, or the whole new object; never part of it.
 *       A put over an existing key replaces it in one step (a redelivered flush rewrites the same
 *       object).</li>
 *   <li><b>{@link #put} is durable when it returns</b>: the object's bytes and its name survive a
 *       crash or a power loss. The delivery engine commits a checkpoint right after a flush's puts
 *       return, so a put must not return before then. The local implementation fsyncs the file,
 *       renames it, then fsyncs the directory with {@link io.loglane.core.io.Fsync#directory}
 *       (the one directory fsync, which throws on failure); an object store's PUT is durable when
 *       acknowledged.</li>
 *   <li><b>{@link #delete} is idempotent and not durable</b>: deleting a missing key succeeds; a
 *       deleted object may reappear after a power loss. Every caller tolerates that: a compaction
 *       source that reappears is covered by the merged file, a file past retention is deleted again,
 *       a file past the commit point is deleted again by recovery.</li>
 *   <li><b>{@link #list} is monotonic across a put followed by a delete</b>: if a put of key A
 *       returned before a delete of key B started, a listing taken while either happens contains A
 *       or B (or both), never neither. Compaction relies on this (it puts the merged file, then
 *       deletes its sources; readers must see one or the other). A listing never contains
 *       temporary or partial objects.</li>
 * </ul>
 *
 * <p>Thread-safety: implementations are safe for concurrent use; the sinks' converter threads put
 * while queries list.
 */
public interface ArchiveStorage {

    /** One object: its key and size in bytes. */
    record StoredObject(String key, long size) {}

    /**
     * A new local file to write an object's bytes to before {@link #put} publishes it under
     * {@code key}; it does not exist yet. The local implementation places it beside the target
     * (same file system, so put is a rename); it is never listed.
     */
    Path newTempFile(String key) throws IOException;

    /**
     * Publishes {@code temp} (from {@link #newTempFile}, written and closed) as {@code key},
     * atomically and durably (see the class contract). The temp file is consumed.
     *
     * @return the object's size in bytes
     */
    long put(Path temp, String key) throws IOException;

    /** Every object whose key starts with {@code prefix}, in key order ({@code ""} lists everything). */
    List<StoredObject> list(String prefix) throws IOException;

    /** Deletes the object, if it exists (see the class contract: idempotent, not durable). */
    void delete(String key) throws IOException;

    /**
     * Deletes the temporary files a put never consumed (a crash while writing) under
     * {@code prefix}: recovery's first pass. Listings never show them in any case.
     *
     * @return how many were deleted
     */
    int deleteTemporary(String prefix) throws IOException;

    /** Whether the object exists now. */
    boolean exists(String key) throws IOException;

    /**
     * The whole content of a small object (the archive reads back only its own manifests this way;
     * data files are read by DuckDB at {@link #location}).
     *
     * @throws java.nio.file.NoSuchFileException when there is no such object
     */
    byte[] read(String key) throws IOException;

    /**
     * Where a reader such as DuckDB opens the object: an absolute path for the local storage
     * (an {@code s3://bucket/key} URL for an object store). {@code location("")} is the root.
     */
    String location(String key);

    /**
     * A number that changes whenever a listing may have changed, for readers that keep what they
     * listed; {@code -1} when the storage cannot tell (other processes may write to it), and then
     * readers list every time. {@link CachedArchiveStorage} knows; {@link LocalArchiveStorage} does not.
     */
    default long version() {
        return -1;
    }

    /**
     * Forgets any listing kept in memory, so the next {@link #list} reads the storage: readers call
     * it when an object a listing gave them is gone and {@link #version()} did not change (someone
     * else changed the storage). A no-op for storages that keep nothing.
     */
    default void refresh() throws IOException {}
}
