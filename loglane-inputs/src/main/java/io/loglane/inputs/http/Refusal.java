package io.loglane.inputs.http;

/**
 * Why an input served on the HTTP port refused a request before handing it to the router: the
 * status it answers and the label it is counted under ({@code reason} of {@code loglane.protocol.errors},
 * {@code loglane.events.rejected} and {@code loglane.bytes.rejected}, {@code lane="none"};
 * {@link HttpIngestMetrics}). Each such input has its own enum of them.
 *
 * <p>Thread-safety: implementations are immutable.
 */
public interface Refusal {
    /** The HTTP status the request is answered with. */
    int status();

    /** The metric label and the {@code reason} of the error body; stable, lower-case. */
    String label();
}
