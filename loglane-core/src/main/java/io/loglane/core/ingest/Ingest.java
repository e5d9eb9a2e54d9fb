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
 * <p>Inputs also keep the completeness ledger of their sources in {@link #sources()}: what each
 * source sent, once per frame or request, and the final outcome of each request (see
 * {@link SourceTally}). The router cannot count that itself: it sees every attempt of a request
 * an input retries under back-pressure, and nothing of what an input refuses before routing.
 *
 * <p>Thread-safety: implementations are safe for concurrent use by many connections.
 */
public interface Ingest {
    CompletableFuture<IngestResult> submit(IngestRequest request);

    /** The per-source completeness ledger inputs count in; one per process. */
    SourceLedger sources();
}
