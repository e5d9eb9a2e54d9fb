package io.loglane.core.ingest;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * Where a batch came from, as the completeness ledger ({@link SourceLedger}) counts it together
 * with the batch's tag.
 *
 * <p>{@code peer} is stable across the sender's connections and requests, so that one sender is
 * one ledger entry however often it reconnects: the peer's <em>host</em> for network inputs
 * (never {@code host:port}: ephemeral client ports would make every connection a new source), a
 * file's path and inode for a tail. A sender behind a proxy or load balancer is seen as the
 * proxy's host.
 *
 * @param input the input's name, the {@code input} metric label (e.g. {@code forward}, {@code http})
 * @param peer  the sender's host, or another stable origin (file path + inode for tails)
 */
public record Source(String input, String peer) {
    public Source {
        if (input == null || peer == null) {
            throw new IllegalArgumentException("input and peer are required");
        }
    }

    /** The source of a network peer: its IP address without the port; other address kinds as they print. */
    public static Source ofAddress(String input, SocketAddress remote) {
        if (remote instanceof InetSocketAddress a) {
            return new Source(input, a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString());
        }
        return new Source(input, String.valueOf(remote));
    }
}
