package io.loglane.stream.local;

import java.io.IOException;

/**
 * A stored batch failed its framing or CRC check. Recovery drops such a batch; a reader
 * that meets one (only possible if the disk changed under a running process) gets this exception.
 *
 * <p>Thread-safety: immutable.
 */
public final class CorruptBatchException extends IOException {
    public CorruptBatchException(String message) {
        super(message);
    }
}
