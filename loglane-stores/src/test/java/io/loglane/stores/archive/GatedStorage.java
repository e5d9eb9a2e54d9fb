package io.loglane.stores.archive;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A real {@link LocalArchiveStorage} whose puts of chosen keys wait at a gate until the test opens
 * it (a compaction or flush that takes as long as the test wants, with real files on both sides),
 * or, while {@link #failing} is set, fail as a full disk does.
 */
final class GatedStorage implements ArchiveStorage {
    private final ArchiveStorage delegate;
    private final Predicate<String> gated;
    private final CountDownLatch reached = new CountDownLatch(1);
    private final CountDownLatch open = new CountDownLatch(1);
    private volatile boolean failing;

    GatedStorage(Path root, Predicate<String> gated) {
        this.delegate = new LocalArchiveStorage(root);
        this.gated = gated;
    }

    /** Waits (bounded) until a gated put arrived at the gate. */
    boolean awaitReached() throws InterruptedException {
        return reached.await(30, TimeUnit.SECONDS);
    }

    /** While set, gated puts fail at once with an {@link IOException} instead of waiting. */
    void failing(boolean fail) {
        failing = fail;
    }

    /** Lets every gated put through, now and later. */
    void open() {
        open.countDown();
    }

    @Override
    public long put(Path temp, String key) throws IOException {
        if (gated.test(key) && failing) {
            throw new IOException("No space left on device (test)");
        }
        if (gated.test(key)) {
            reached.countDown();
            try {
                if (!open.await(60, TimeUnit.SECONDS)) {
                    throw new IOException("gate never opened for " + key);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted at the gate", e);
            }
        }
        return delegate.put(temp, key);
    }

    @Override
    public Path newTempFile(String key) throws IOException { return delegate.newTempFile(key); }

    @Override
    public List<StoredObject> list(String prefix) throws IOException { return delegate.list(prefix); }

    @Override
    public void delete(String key) throws IOException { delegate.delete(key); }

    @Override
    public int deleteTemporary(String prefix) throws IOException { return delegate.deleteTemporary(prefix); }

    @Override
    public boolean exists(String key) throws IOException { return delegate.exists(key); }

    @Override
    public byte[] read(String key) throws IOException { return delegate.read(key); }

    @Override
    public String location(String key) { return delegate.location(key); }
}
