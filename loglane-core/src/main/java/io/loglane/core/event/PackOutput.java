package io.loglane.core.event;

import java.io.ByteArrayOutputStream;

/**
 * A growable byte sink for a {@link org.msgpack.core.MessagePacker} whose backing array can be read
 * (and patched) in place once the packer is flushed, so a reused packer copies nothing out.
 *
 * <p>Thread-safety: not thread-safe.
 */
public final class PackOutput extends ByteArrayOutputStream {
    public PackOutput(int size) { super(size); }

    /** The backing array; bytes {@code [0, size())} are valid. */
    public byte[] array() { return buf; }
}
