package io.loglane.app.cli;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * The request-body arrays of an import, reused: the batcher takes one for each body it fills and
 * the sender gives it back once the server has answered for it. A fixed few arrays of
 * {@code --batch-size} instead of a new one per body: each is several MiB, which the JVM allocates
 * outside its young generation and collects only in a full marking cycle.
 *
 * <p>Thread-safety: safe for concurrent use (the reader thread takes, sender threads give back).
 */
final class ImportBodies {
    private final int bytes;
    private final int most;
    private final BlockingQueue<byte[]> free;
    private int made; // only the reader thread takes

    /** @param most arrays made at most: the sender's in-flight requests, the one waiting for a slot, the one being filled */
    ImportBodies(int bytes, int most) {
        this.bytes = bytes;
        this.most = most;
        this.free = new ArrayBlockingQueue<>(most);
    }

    int bytes() { return bytes; }

    /** A free array, made if fewer than {@code most} exist; waits for one given back otherwise. */
    byte[] take() throws InterruptedException {
        byte[] b = free.poll();
        if (b != null) {
            return b;
        }
        if (made < most) {
            made++;
            return new byte[bytes];
        }
        return free.take();
    }

    /** Gives back an array the caller is done with (and no one else still reads). */
    void give(byte[] body) {
        if (body.length == bytes) {
            free.offer(body);
        }
    }
}
