package io.loglane.inputs.tail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32C;

/**
 * A hash of a file's first {@link #length()} bytes (at most {@value #MAX_LENGTH}), taken when a
 * file is opened and taken again, longer, while the file is shorter than that. With the
 * {@link FileIdentity} it names one file: an inode the kernel reused for a new file has other first
 * bytes. A file that still holds fewer bytes than the fingerprint covers was truncated or replaced.
 *
 * @param length how many leading bytes are hashed (0: the file was empty)
 * @param hash   CRC-32C of those bytes
 */
record Fingerprint(int length, long hash) {
    /** Leading bytes hashed once a file has them: log lines differ within them by timestamp. */
    static final int MAX_LENGTH = 256;
    static final Fingerprint EMPTY = new Fingerprint(0, 0);

    /** True when this fingerprint can still grow: it covers fewer than {@value #MAX_LENGTH} bytes. */
    boolean partial() { return length < MAX_LENGTH; }

    /** The fingerprint of the first {@code min(size, MAX_LENGTH)} bytes of {@code ch}. */
    static Fingerprint of(FileChannel ch) throws IOException {
        return of(ch, (int) Math.min(ch.size(), MAX_LENGTH));
    }

    /** The fingerprint of exactly the first {@code length} bytes, or null when the file no longer has them. */
    static Fingerprint of(FileChannel ch, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length);
        while (b.hasRemaining()) {
            if (ch.read(b, b.position()) < 0) {
                return null;
            }
        }
        CRC32C crc = new CRC32C();
        crc.update(b.flip());
        return new Fingerprint(length, crc.getValue());
    }

    /** True when {@code ch} still starts with the bytes this fingerprint was taken of. */
    boolean matches(FileChannel ch) throws IOException {
        return this.equals(of(ch, length));
    }

    @Override
    public String toString() { return length + "/" + Long.toHexString(hash); }
}
