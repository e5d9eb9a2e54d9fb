package io.loglane.inputs.forward;

/**
 * The option map that may end a Forward frame.
 *
 * @param size          the {@code size} option (clients disagree whether it counts events or bytes:
 *                      informational only); -1 when absent
 * @param chunk         the {@code chunk} id to acknowledge; null when absent (then no ack is sent)
 * @param compressed    {@code "gzip"}, {@code "text"} or null when absent
 * @param fluentSignal  Fluent Bit's {@code fluent_signal}: 0 (logs) when absent
 *
 * <p>Thread-safety: immutable.
 */
public record ForwardOptions(long size, String chunk, String compressed, long fluentSignal) {
    /** No option map (or an empty one). */
    public static final ForwardOptions NONE = new ForwardOptions(-1, null, null, 0);

    public boolean isGzip() { return "gzip".equals(compressed); }
}
