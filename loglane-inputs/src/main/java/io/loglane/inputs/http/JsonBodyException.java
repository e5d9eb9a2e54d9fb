package io.loglane.inputs.http;

/**
 * A request body that is not NDJSON of objects nor a JSON array of objects. Names where:
 * the 1-based line and, for an array body, the 1-based element index.
 *
 * <p>Thread-safety: immutable.
 */
public final class JsonBodyException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int line;
    private final int element;
    private final String reason;

    public JsonBodyException(int line, int element, String reason) {
        super(element > 0 ? "line " + line + ", element " + element + ": " + reason : "line " + line + ": " + reason);
        this.line = line;
        this.element = element;
        this.reason = reason;
    }

    /** 1-based line of the offending value. */
    public int line() { return line; }

    /** 1-based index of the offending array element; 0 for NDJSON bodies. */
    public int element() { return element; }

    /** What is wrong, without the position. */
    public String reason() { return reason; }
}
