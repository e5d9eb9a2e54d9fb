package io.loglane.stores.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The storage contract on a local directory, plus what only a directory has: fsyncs, directories, staging. */
class LocalArchiveStorageTest extends ArchiveStorageContract {
    @TempDir Path dir;
    private final List<Path> synced = new ArrayList<>();

    @Override
    protected ArchiveStorage newStorage() {
        return new LocalArchiveStorage(dir, d -> {
            synchronized (synced) {
                synced.add(d);
            }
            io.loglane.core.io.Fsync.directory(d);
        });
    }

    @Test
    void aPutFsyncsItsDirectoryAndEveryDirectoryItCreatedInItsParent() throws Exception {
        put(A, "a");
        Path hour = dir.resolve("lane=app/date=2026-03-01/hour=10");
        assertThat(synced).containsExactly(dir, dir.resolve("lane=app"), dir.resolve("lane=app/date=2026-03-01"), hour);
        synced.clear();
        put(B, "b");
        assertThat(synced).as("existing directories are not synced again").containsExactly(hour);
    }

    @Test
    void aFailedDirectoryFsyncFailsThePut() throws Exception {
        put(A, "a");
        ArchiveStorage failing = new LocalArchiveStorage(dir, d -> {
            throw new IOException("Input/output error");
        });
        Path tmp = failing.newTempFile(B);
        Files.writeString(tmp, "b");
        assertThatThrownBy(() -> failing.put(tmp, B)).hasMessageContaining("Input/output error");
    }

    @Test
    void deletingThePartitionsLastFileRemovesItsEmptyDirectoriesButNotTheLanes() throws Exception {
        put(A, "a");
        put(OTHER_HOUR, "b");
        storage.delete(A);
        assertThat(dir.resolve("lane=app/date=2026-03-01/hour=10")).doesNotExist();
        assertThat(dir.resolve("lane=app/date=2026-03-01")).isDirectory();
        storage.delete(OTHER_HOUR);
        assertThat(dir.resolve("lane=app/date=2026-03-01")).doesNotExist();
        assertThat(dir.resolve("lane=app")).isDirectory();
    }

    @Test
    void theSinksStagingDirectoryAndHiddenFilesAreNotObjects() throws Exception {
        put(A, "a");
        Files.createDirectories(dir.resolve(".staging/app/0"));
        Files.writeString(dir.resolve(".staging/app/0/1.ndjson"), "{}");
        assertThat(storage.list("")).extracting(ArchiveStorage.StoredObject::key).containsExactly(A);
    }
}
