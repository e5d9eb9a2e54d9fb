package io.loglane.stores.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The {@link ArchiveStorage} contract, run against every implementation: a subclass supplies a
 * fresh, empty storage and a way to read an object back. An S3-compatible storage gets the whole
 * suite by writing such a subclass.
 */
@Timeout(60)
abstract class ArchiveStorageContract {
    static final String A = "lane=app/date=2026-03-01/hour=10/00000000000000000000-00000000000000000002.parquet";
    static final String B = "lane=app/date=2026-03-01/hour=10/00000000000000000003-00000000000000000005.parquet";
    static final String MERGED = "lane=app/date=2026-03-01/hour=10/00000000000000000000-00000000000000000005.parquet";
    static final String OTHER_HOUR = "lane=app/date=2026-03-01/hour=11/00000000000000000006-00000000000000000006.parquet";
    static final String OTHER_LANE = "lane=apple/date=2026-03-01/hour=10/00000000000000000000-00000000000000000000.parquet";

    protected ArchiveStorage storage;

    /** A new, empty storage for one test. */
    protected abstract ArchiveStorage newStorage() throws Exception;

    /**
     * The bytes stored under {@code key}, read the way a reader opens {@link ArchiveStorage#location}:
     * a local path here; a storage whose locations are URLs overrides it.
     */
    protected byte[] read(ArchiveStorage s, String key) throws Exception {
        return Files.readAllBytes(Path.of(s.location(key)));
    }

    @BeforeEach
    void createStorage() throws Exception {
        storage = newStorage();
    }

    protected long put(String key, String content) throws Exception {
        Path tmp = storage.newTempFile(key);
        Files.writeString(tmp, content);
        return storage.put(tmp, key);
    }

    private List<String> keys(String prefix) throws Exception {
        return storage.list(prefix).stream().map(ArchiveStorage.StoredObject::key).toList();
    }

    @Test
    void aPutObjectIsListedWithItsSizeAndReadsBack() throws Exception {
        assertThat(storage.list("")).isEmpty();
        assertThat(put(A, "hello")).isEqualTo(5);
        assertThat(storage.list("")).containsExactly(new ArchiveStorage.StoredObject(A, 5));
        assertThat(storage.exists(A)).isTrue();
        assertThat(new String(read(storage, A), StandardCharsets.UTF_8)).isEqualTo("hello");
    }

    @Test
    void readReturnsAnObjectsWholeContentAndFailsForAMissingOne() throws Exception {
        put(A, "line one\nline two\n");
        assertThat(new String(storage.read(A), StandardCharsets.UTF_8)).isEqualTo("line one\nline two\n");
        assertThatThrownBy(() -> storage.read(B)).isInstanceOf(java.nio.file.NoSuchFileException.class);
    }

    @Test
    void aPutOverAnExistingKeyReplacesIt() throws Exception {
        put(A, "first");
        put(A, "second!");
        assertThat(storage.list("")).containsExactly(new ArchiveStorage.StoredObject(A, 7));
        assertThat(new String(read(storage, A), StandardCharsets.UTF_8)).isEqualTo("second!");
    }

    @Test
    void listingIsByKeyPrefixInKeyOrder() throws Exception {
        for (String k : List.of(OTHER_LANE, OTHER_HOUR, B, A)) {
            put(k, k);
        }
        assertThat(keys("")).containsExactly(A, B, OTHER_HOUR, OTHER_LANE);
        assertThat(keys("lane=app/")).containsExactly(A, B, OTHER_HOUR);
        assertThat(keys("lane=app")).as("a prefix, not a directory").containsExactly(A, B, OTHER_HOUR, OTHER_LANE);
        assertThat(keys("lane=app/date=2026-03-01/hour=10/")).containsExactly(A, B);
        assertThat(keys("lane=app/date=2026-03-01/hour=10/00000000000000000003")).containsExactly(B);
        assertThat(keys("lane=none/")).isEmpty();
    }

    @Test
    void aTemporaryFileIsNeverListedAndRecoveryDeletesIt() throws Exception {
        put(A, "a");
        Path tmp = storage.newTempFile(B);
        Files.writeString(tmp, "half written");
        assertThat(keys("")).containsExactly(A);
        assertThat(storage.exists(B)).isFalse();
        assertThat(storage.deleteTemporary("lane=app/")).isEqualTo(1);
        assertThat(Files.exists(tmp)).isFalse();
        assertThat(keys("")).containsExactly(A);
    }

    @Test
    void deleteIsIdempotent() throws Exception {
        put(A, "a");
        put(B, "b");
        storage.delete(A);
        storage.delete(A);
        storage.delete(OTHER_LANE);
        assertThat(keys("")).containsExactly(B);
        assertThat(storage.exists(A)).isFalse();
        storage.delete(B);
        assertThat(keys("")).isEmpty();
        put(A, "again"); // a partition emptied by deletes takes new objects
        assertThat(keys("")).containsExactly(A);
    }

    @Test
    void invalidKeysAreRefused() {
        for (String bad : List.of("", "/abs", "lane=app/../x", "lane=app//x", "lane=app/./x", "lane=app/.hidden", "lane=app/")) {
            assertThatThrownBy(() -> storage.newTempFile(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    /**
     * A compaction puts its merged file, then deletes a source; a listing taken meanwhile must
     * contain one or the other, never neither. Here the cycle runs as fast as it can while
     * listings run beside it.
     */
    @Test
    void aListingNeverMissesBothAPutAndTheDeleteAfterIt() throws Exception {
        put(A, "source");
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread compactor = Thread.ofPlatform().name("compactor").start(() -> {
            try {
                while (!stop.get()) {
                    put(MERGED, "merged");
                    storage.delete(A);
                    put(A, "source");
                    storage.delete(MERGED);
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        int listings = 0;
        try {
            long until = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (System.nanoTime() < until && failure.get() == null) {
                assertThat(keys("lane=app/")).as("listing %d", listings).containsAnyOf(A, MERGED);
                listings++;
            }
        } finally {
            stop.set(true);
            compactor.join();
        }
        assertThat(failure.get()).isNull();
        assertThat(listings).isPositive();
    }
}
