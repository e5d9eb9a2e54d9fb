package io.loglane.delivery;

/** A store failure, classified: retriable (store down, I/O) or not (data the store rejects forever). */
public final class SinkException extends Exception {
    private final boolean retriable;

    public SinkException(String message, boolean retriable, Throwable cause) {
        super(message, cause);
        this.retriable = retriable;
    }

    public boolean retriable() { return retriable; }
}
