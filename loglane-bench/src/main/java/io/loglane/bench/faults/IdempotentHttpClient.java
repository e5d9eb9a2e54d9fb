package io.loglane.bench.faults;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;

/**
 * Sends NDJSON batches to {@code POST /api/v1/ingest/{tag}} with an {@code Idempotency-Key}; a
 * batch counts only on 202; a failed batch is retried with the same key, so a request whose 202
 * was lost in a crash is not stored twice.
 *
 * <p>Thread-safety: one thread per client.
 */
public final class IdempotentHttpClient {
    private final String name;
    private final String tag;
    private final int eventsPerRequest;
    private String pendingKey;
    private String pendingBody;
    // volatile: the fault harness reads them from another thread at a kill (pendingEvents)
    private volatile long nextSeq;
    private volatile long acked;
    private int requestNo;

    public IdempotentHttpClient(String name, String tag, int eventsPerRequest) {
        this.name = name;
        this.tag = tag;
        this.eventsPerRequest = eventsPerRequest;
    }

    public long ackedEvents() { return acked; }

    /** Events ever created (acked or still pending). */
    public long createdEvents() { return nextSeq; }

    public boolean hasPending() { return pendingKey != null; }

    /** Events of the pending request (created, not yet answered 202); readable from any thread, a moment's snapshot. */
    public long pendingEvents() { return nextSeq - acked; }

    /** Where requests go: {@code POST path} with a body and headers, answered with the response. */
    @FunctionalInterface
    public interface Endpoint {
        HttpResponse<String> post(String path, String body, Map<String, String> headers) throws IOException, InterruptedException;
    }

    /**
     * Resends the pending request, if any, then sends new requests until {@code untilNanos}.
     *
     * @throws IOException when a request is not answered 202 (it stays pending for the next call)
     */
    public void session(Endpoint node, long untilNanos, boolean newRequests) throws IOException, InterruptedException {
        if (pendingKey != null) {
            send(node);
        }
        while (newRequests && System.nanoTime() < untilNanos) {
            next();
            send(node);
        }
    }

    /**
     * Resends the pending request, if any, then sends one new request every {@code intervalNanos}
     * until {@code untilNanos} or {@code stop} is true; calls {@code onAck} with
     * {@link System#nanoTime()} after each 202.
     *
     * @throws IOException when a request is not answered 202 (it stays pending for the next call)
     */
    public void paced(Endpoint node, long untilNanos, long intervalNanos, BooleanSupplier stop, LongConsumer onAck)
            throws IOException, InterruptedException {
        if (pendingKey != null) {
            send(node);
            onAck.accept(System.nanoTime());
        }
        Pacer pace = new Pacer(intervalNanos);
        while (pace.next(untilNanos, stop)) {
            next();
            send(node);
            onAck.accept(System.nanoTime());
        }
    }

    /** Makes the next request pending: new events, a new key. */
    private void next() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < eventsPerRequest; i++) {
            long seq = nextSeq++;
            sb.append("{\"message\":\"").append(name).append(" event ").append(seq).append("\",\"seq\":").append(seq)
                    .append(",\"client\":\"").append(name).append("\"}\n");
        }
        pendingKey = name + "-" + requestNo++;
        pendingBody = sb.toString();
    }

    private void send(Endpoint node) throws IOException, InterruptedException {
        HttpResponse<String> r = node.post("/api/v1/ingest/" + tag, pendingBody, Map.of("Idempotency-Key", pendingKey));
        if (r.statusCode() != 202) {
            throw new IOException("ingest → " + r.statusCode() + " " + r.body());
        }
        pendingKey = null;
        pendingBody = null;
        acked += eventsPerRequest;
    }
}
