package io.loglane.search.filter;

/**
 * A filter pattern that is not valid: {@link #reason()} says what is wrong in the words of
 * CloudWatch Logs' own errors where it has one (e.g. {@code Invalid character(s) in term '('}),
 * and {@link #position()} where, as a 0-based index into the pattern (the HTTP API turns this into
 * a {@code 400} naming the position).
 *
 * <p>Thread-safety: immutable.
 */
public final class FilterPatternException extends IllegalArgumentException {
    private final String reason;
    private final int position;

    public FilterPatternException(String reason, int position) {
        super(reason + " at index " + position);
        this.reason = reason;
        this.position = position;
    }

    /** What is wrong, without the position. */
    public String reason() { return reason; }

    /** 0-based index into the pattern where the error was found. */
    public int position() { return position; }
}
