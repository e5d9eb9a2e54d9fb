package io.loglane.stream.local;

import java.io.IOException;

/**
 * A stored batch failed its framing, CRC or offset check. Recovery drops such a batch; a reader
 * that meets one (the disk changed under a running process, or in a sealed segment start-up did not
 * re-check) has the lane recover the segment, and gets this exception only when that fails.
 *
 * <p>Thread-safety: immutable.
 */
public final class CorruptBatchException extends IOException {
    public CorruptBatchException(String message) {
        super(message);
    }

    public CorruptBatchException(String message, Throwable cause) {
        super(message, cause);
    }
}
