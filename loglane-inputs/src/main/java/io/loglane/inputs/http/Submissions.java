package io.loglane.inputs.http;

import io.loglane.core.ingest.Ingest;
import io.loglane.core.ingest.IngestRequest;
import io.loglane.core.ingest.IngestResult;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Hands a request to the router for every input served on the HTTP port, so that a router that
 * throws is seen like a failed future and every request is still answered.
 *
 * <p>Thread-safety: stateless.
 */
public final class Submissions {
    private Submissions() {}

    /** The router's future; a router that throws instead gives a failed future. */
    public static CompletableFuture<IngestResult> submit(Ingest ingest, IngestRequest req) {
        try {
            return ingest.submit(req);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** The failure itself, not the {@link CompletionException} a dependent stage wraps it in. */
    public static Throwable cause(Throwable err) {
        return err instanceof CompletionException ce && ce.getCause() != null ? ce.getCause() : err;
    }
}
