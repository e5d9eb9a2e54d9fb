package io.loglane.stores.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The storage contract through the in-memory listing, plus what the cache adds. */
class CachedArchiveStorageTest extends ArchiveStorageContract {
    @TempDir Path dir;

    @Override
    protected ArchiveStorage newStorage() {
        return new CachedArchiveStorage(new LocalArchiveStorage(dir));
    }

    private long loads() {
        return ((CachedArchiveStorage) storage).loads();
    }

    @Test
    void theDirectoryIsWalkedOnceAndEveryChangeThroughTheCacheIsListed() throws Exception {
        put(A, "a");
        assertThat(storage.list("lane=app/")).extracting(ArchiveStorage.StoredObject::key).containsExactly(A);
        long v = storage.version();
        put(MERGED, "merged");
        assertThat(storage.version()).isGreaterThan(v);
        storage.delete(A);
        put(OTHER_HOUR, "other");
        for (int i = 0; i < 10; i++) {
            assertThat(storage.list("lane=app/")).containsExactly(
                    new ArchiveStorage.StoredObject(MERGED, 6), new ArchiveStorage.StoredObject(OTHER_HOUR, 5));
        }
        assertThat(loads()).as("one walk, on the first listing").isEqualTo(1);
    }

    @Test
    void changesBehindItsBackAreSeenAfterARefresh() throws Exception {
        put(A, "a");
        assertThat(storage.list("")).hasSize(1);
        Files.delete(dir.resolve(A)); // an operator, not the archive
        assertThat(storage.list("")).as("stale until told").hasSize(1);
        long v = storage.version();
        storage.refresh();
        assertThat(storage.list("")).isEmpty();
        assertThat(storage.version()).as("readers holding views relist").isGreaterThan(v);
    }

    @Test
    void aDeleteThatFailsLeavesTheObjectListed() throws Exception {
        put(A, "a");
        assertThat(storage.list("")).hasSize(1);
        // A key the storage cannot delete: a non-empty directory stands where the file was.
        Files.delete(dir.resolve(A));
        Files.createDirectories(dir.resolve(A).resolve("x"));
        assertThatThrownBy(() -> storage.delete(A)).isInstanceOf(IOException.class);
        assertThat(storage.list("")).extracting(ArchiveStorage.StoredObject::key).containsExactly(A);
    }
}
