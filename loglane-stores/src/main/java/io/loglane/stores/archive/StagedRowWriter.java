package io.loglane.stores.archive;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Appends staged rows to a staging file in the binary row form {@link StagedRows} reads
 * back: values in the column order of {@link StagedColumns}, each a little-endian {@code long}
 * ({@code t}, {@code r}), a string ({@code int} byte length, -1 for NULL, then UTF-8 bytes), or a
 * typed value (one presence byte, then 8 bytes for BIGINT/DOUBLE or a string). Strings are always
 * valid UTF-8: non-ASCII text goes through a replacing decode, as DuckDB requires.
 *
 * <p>Thread-safety: not thread-safe.
 */
final class StagedRowWriter implements AutoCloseable {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final int BUFFER_BYTES = 64 * 1024;

    private final OutputStream out;
    private final byte[] buf = new byte[BUFFER_BYTES];
    private int pos;
    private boolean closed;

    StagedRowWriter(OutputStream out) { this.out = out; }

    void putLong(long v) throws IOException {
        room(8);
        LONGS.set(buf, pos, v);
        pos += 8;
    }

    void putDouble(double v) throws IOException { putLong(Double.doubleToRawLongBits(v)); }

    /** A typed value's presence byte. */
    void putPresent(boolean present) throws IOException {
        room(1);
        buf[pos++] = (byte) (present ? 1 : 0);
    }

    void putNull() throws IOException { putLength(-1); }

    /**
     * UTF-8 text {@code b[off, off+len)}; invalid sequences are replaced.
     *
     * @return whether the text was ASCII (so any slice of it is valid UTF-8 as it is)
     */
    boolean putUtf8(byte[] b, int off, int len) throws IOException {
        if (PlainAscii.isAscii(b, off, len)) {
            putValidUtf8(b, off, len); // the common case: ASCII is valid as it is
            return true;
        }
        putValidUtf8(new String(b, off, len, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8));
        return false;
    }

    void putString(String s) throws IOException { putValidUtf8(s.getBytes(StandardCharsets.UTF_8)); }

    /** Bytes already known to be valid UTF-8 (the JSON writer's output, a re-encoded String). */
    void putValidUtf8(byte[] b) throws IOException { putValidUtf8(b, 0, b.length); }

    void putValidUtf8(byte[] b, int off, int len) throws IOException {
        putLength(len);
        if (len > buf.length - pos) {
            flushBuffer();
            if (len > buf.length) {
                out.write(b, off, len);
                return;
            }
        }
        System.arraycopy(b, off, buf, pos, len);
        pos += len;
    }

    private void putLength(int len) throws IOException {
        room(4);
        INTS.set(buf, pos, len);
        pos += 4;
    }

    private void room(int n) throws IOException {
        if (buf.length - pos < n) {
            flushBuffer();
        }
    }

    private void flushBuffer() throws IOException {
        out.write(buf, 0, pos);
        pos = 0;
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return; // finish() closes, and discard() closes again
        }
        closed = true;
        try {
            flushBuffer();
        } finally {
            out.close();
        }
    }
}
