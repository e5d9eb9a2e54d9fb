package io.loglane.inputs.container;

import io.loglane.inputs.tail.LineFormat;
import java.util.Arrays;

/**
 * The parts of one line a runtime split (Docker at 16 KiB, CRI's {@code P} lines), gathered until
 * the last part: at most {@code maxBytes}, the rest of an over-long line dropped and the line
 * marked truncated. The joined line takes the first part's time.
 *
 * <p>Thread-safety: not thread-safe; one per file and stream, on the tailer thread.
 */
final class Joiner {
    private final int maxBytes;
    private byte[] buf = new byte[256];
    private int len;
    private boolean open;
    private boolean cut;
    private long tsNanos;

    Joiner(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    boolean isOpen() { return open; }

    /** Adds a part that is not the last one. */
    void part(byte[] b, int off, int n, long ts) {
        if (!open) {
            open = true;
            tsNanos = ts;
        }
        int keep = Math.min(n, maxBytes - len);
        if (keep < n) {
            cut = true;
        }
        if (keep > 0) {
            if (buf.length < len + keep) {
                buf = Arrays.copyOf(buf, Math.max(len + keep, 2 * buf.length));
            }
            System.arraycopy(b, off, buf, len, keep);
            len += keep;
        }
    }

    /** Writes the joined line (with {@code head}) and starts over; {@code truncated} adds to the parts' own cut. */
    void flush(LineFormat.RecordOut out, byte[] head, boolean truncated) {
        out.record(head, tsNanos, buf, 0, len, cut || truncated);
        reset();
    }

    void reset() {
        len = 0;
        open = false;
        cut = false;
    }
}
