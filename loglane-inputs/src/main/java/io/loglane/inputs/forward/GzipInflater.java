package io.loglane.inputs.forward;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * Inflates CompressedPackedForward bodies into a reused, bounded buffer. The body may hold several
 * concatenated gzip members (a client that appends chunks); {@link GZIPInputStream} reads them all.
 *
 * <p>Known limit: bytes after the last member that do not start a gzip header are ignored by
 * {@code GZIPInputStream} rather than reported.
 *
 * <p>Thread-safety: not thread-safe; one per connection.
 */
final class GzipInflater {
    private final int limit;
    private byte[] buf;

    /** @param limit largest inflated size accepted, in bytes (a guard against gzip bombs) */
    GzipInflater(int limit) {
        this.limit = limit;
        this.buf = new byte[Math.min(64 * 1024, limit)];
    }

    /** Drops the buffer if it grew past {@code retainBytes}; invalidates {@link #buffer()}. */
    void release(int retainBytes) {
        if (buf.length > retainBytes) {
            buf = new byte[Math.min(64 * 1024, limit)];
        }
    }

    /** The buffer holding the last result; valid until the next call. */
    byte[] buffer() { return buf; }

    /**
     * Inflates {@code src[off, off+len)} into {@link #buffer()}.
     *
     * @return the inflated length
     * @throws ForwardProtocolException {@code bad_gzip} or {@code frame_too_large}
     */
    int inflate(byte[] src, int off, int len) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(src, off, len), 8192)) {
            int n = 0;
            while (true) {
                if (n == buf.length) {
                    if (n >= limit) {
                        throw new ForwardProtocolException(ForwardProtocolException.Reason.FRAME_TOO_LARGE,
                                "gzip body inflates past max_decompressed_bytes=" + limit);
                    }
                    buf = Arrays.copyOf(buf, (int) Math.min((long) limit, 2L * buf.length));
                }
                int r = in.read(buf, n, buf.length - n);
                if (r < 0) {
                    return n;
                }
                n += r;
            }
        } catch (IOException e) {
            throw new ForwardProtocolException(ForwardProtocolException.Reason.BAD_GZIP, "invalid gzip body: " + e.getMessage());
        }
    }
}
