package io.loglane.inputs.forward;

import io.loglane.core.ingest.Ingest;
import io.loglane.core.ingest.IngestRequest;
import io.loglane.core.ingest.IngestResult;
import io.loglane.core.ingest.SourceLedger;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * Test double for the router: records every submitted request and answers with a configurable
 * behaviour (by default: accepted at once).
 */
final class RecordingIngest implements Ingest {
    final List<IngestRequest> requests = new CopyOnWriteArrayList<>();
    volatile Function<IngestRequest, CompletableFuture<IngestResult>> behaviour =
            r -> CompletableFuture.completedFuture(new IngestResult(r.records().count(), 0));

    final SourceLedger sources = new SourceLedger(new SimpleMeterRegistry(), 100);

    @Override
    public SourceLedger sources() { return sources; }

    @Override
    public CompletableFuture<IngestResult> submit(IngestRequest request) {
        requests.add(request);
        return behaviour.apply(request);
    }

    /** Events of every request, in submission order. */
    List<Events> events() {
        return requests.stream().flatMap(r -> Events.of(r.records()).stream()).toList();
    }
}
