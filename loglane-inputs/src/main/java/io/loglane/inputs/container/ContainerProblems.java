package io.loglane.inputs.container;

/**
 * Reason labels of bad container log lines, counted in {@code loglane.tail.problems{input, reason}}
 * (per line) beside the tail's own and logged once per file and reason. A malformed line
 * ({@link #INVALID_JSON}, {@link #BAD_CRI_LINE}) is not stored and is counted as rejected, with its
 * label as the reason, in the file's source ledger entry; one with a bad time is stored with the
 * read time.
 *
 * <p>Thread-safety: constants only.
 */
final class ContainerProblems {
    /** A Docker line that is not a JSON object with a string {@code log} (half a line, garbage). */
    static final String INVALID_JSON = "invalid_json";
    /** A CRI line without {@code <time> <stream> <P|F> }: no time, an unknown stream or a bad flag. */
    static final String BAD_CRI_LINE = "bad_cri_line";
    /** A line whose time is not RFC 3339: stored with the read time instead. */
    static final String BAD_TIME = "bad_time";

    private ContainerProblems() {}
}
