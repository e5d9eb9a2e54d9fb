package io.loglane.stream.testkit;

import io.loglane.stream.io.ChannelOpener;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A disk with little free space, for a lane's storage hook ({@code LaneLog}, {@code MemoryLaneStream}):
 * real files, but every channel it
 * opens draws the bytes by which a write grows its file from one shared budget. A write that does
 * not fit writes what fits and the next fails with the OS's ENOSPC message, as a full filesystem
 * does; truncating gives the bytes back. {@link #fill()} and {@link #free()} stand for another
 * program filling the disk and deleting its file. {@link #failFsync} makes every fsync fail.
 * {@link #holdNextWrite()} makes the next write wait, then fail: an append caught in the middle of
 * a slow, failing write.
 *
 * <p>Thread-safety: safe for concurrent use.
 */
public final class FillingDisk implements ChannelOpener {
    public static final String ENOSPC = "No space left on device";

    private final AtomicLong available = new AtomicLong(Long.MAX_VALUE);
    private final AtomicReference<Hold> hold = new AtomicReference<>();
    public volatile boolean failFsync;

    /**
     * A write held by {@link #holdNextWrite()}: {@link #reached} opens when a write waits in it,
     * {@link #release()} lets that write fail with ENOSPC.
     */
    public record Hold(CountDownLatch reached, CountDownLatch released) {
        public void release() { released.countDown(); }
    }

    /** No byte left. */
    public void fill() { available.set(0); }

    /** Space again. */
    public void free() { available.set(Long.MAX_VALUE); }

    /** The next write (of any file this disk opened) waits until the hold is released, then fails with ENOSPC. */
    public Hold holdNextWrite() {
        Hold h = new Hold(new CountDownLatch(1), new CountDownLatch(1));
        hold.set(h);
        return h;
    }

    /** Waits in a pending {@link Hold} and fails, if one is pending. */
    private void waitIfHeld() throws IOException {
        Hold h = hold.getAndSet(null);
        if (h == null) {
            return;
        }
        h.reached.countDown();
        try {
            if (!h.released.await(30, TimeUnit.SECONDS)) {
                throw new IOException("held write never released (test bug)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while held", e);
        }
        throw new IOException(ENOSPC);
    }

    @Override
    public FileChannel open(Path file, Set<? extends OpenOption> options) throws IOException {
        return new Channel(FileChannel.open(file, options));
    }

    /** Takes up to {@code wanted} bytes of growth from the budget: how many were granted. */
    private long take(long wanted) {
        while (true) {
            long have = available.get();
            long granted = Math.min(have, wanted);
            if (have == Long.MAX_VALUE || available.compareAndSet(have, have - granted)) {
                return granted;
            }
        }
    }

    private void giveBack(long bytes) {
        available.getAndUpdate(a -> a == Long.MAX_VALUE ? a : a + bytes);
    }

    private final class Channel extends FileChannel {
        private final FileChannel file;

        Channel(FileChannel file) { this.file = file; }

        /** How many of {@code src}'s bytes fit at {@code position}; throws when none does. */
        private int fitting(ByteBuffer src, long position) throws IOException {
            waitIfHeld();
            long growth = Math.max(0, position + src.remaining() - file.size());
            long granted = take(growth);
            int fits = (int) (src.remaining() - (growth - granted));
            if (fits <= 0 && src.hasRemaining()) {
                throw new IOException(ENOSPC);
            }
            return fits;
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            int fits = fitting(src, position);
            ByteBuffer part = src.slice(src.position(), fits);
            int n = file.write(part, position);
            src.position(src.position() + n);
            return n;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            long p = file.position();
            int n = write(src, p);
            file.position(p + n);
            return n;
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            long n = 0;
            for (int i = offset; i < offset + length; i++) {
                n += write(srcs[i]);
            }
            return n;
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            long before = file.size();
            file.truncate(size);
            giveBack(Math.max(0, before - file.size()));
            return this;
        }

        @Override
        public void force(boolean metaData) throws IOException {
            if (failFsync) {
                throw new IOException("Input/output error");
            }
            file.force(metaData);
        }

        @Override public int read(ByteBuffer dst) throws IOException { return file.read(dst); }
        @Override public long read(ByteBuffer[] dsts, int offset, int length) throws IOException { return file.read(dsts, offset, length); }
        @Override public int read(ByteBuffer dst, long position) throws IOException { return file.read(dst, position); }
        @Override public long position() throws IOException { return file.position(); }
        @Override public FileChannel position(long p) throws IOException { file.position(p); return this; }
        @Override public long size() throws IOException { return file.size(); }
        @Override public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
            return file.transferTo(position, count, target);
        }
        @Override public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
            throw new UnsupportedOperationException("a lane never writes segments by transferFrom");
        }
        @Override public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
            throw new UnsupportedOperationException("a lane never maps segments");
        }
        @Override public FileLock lock(long position, long size, boolean shared) throws IOException { return file.lock(position, size, shared); }
        @Override public FileLock tryLock(long position, long size, boolean shared) throws IOException { return file.tryLock(position, size, shared); }
        @Override protected void implCloseChannel() throws IOException { file.close(); }
    }
}
