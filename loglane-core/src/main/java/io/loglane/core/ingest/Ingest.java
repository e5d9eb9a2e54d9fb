package io.loglane.core.ingest;

import java.util.concurrent.CompletableFuture;

/**
 * Where inputs hand their batches: the router in production, a recording fake in input unit tests.
 *
 * <p>Contract: {@link #submit} never blocks on stores. It returns a future that completes
 * normally once <em>every</em> event of the request is as durable as its lane demands
 * ({@code memory}: buffered; {@code disk}: written; {@code sync}: fsynced), so an input may then
 * acknowledge the client (Forward {@code ack}, HTTP 202). It completes exceptionally with an
 * {@link IngestRejectedException} when the request was not (wholly) accepted; the reason tells the
 * input whether to push back (stream full) or report an error. Events of one request are either
 * all accepted or the future fails; a failed request may have stored a prefix only on lanes whose
 * durability is {@code memory}.
 *
 * <p>Thread-safety: implementations are safe for concurrent use by many connections.
 */
public interface Ingest {
    CompletableFuture<IngestResult> submit(IngestRequest request);
}
