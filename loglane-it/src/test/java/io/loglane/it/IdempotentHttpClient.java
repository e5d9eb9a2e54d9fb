package io.loglane.it;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.Map;

/**
 * Sends NDJSON batches to {@code POST /api/v1/ingest/{tag}} with an {@code Idempotency-Key}; a
 * batch counts only on 202; a failed batch is retried with the same key, so a request whose 202
 * was lost in a crash is not stored twice.
 *
 * <p>Thread-safety: one thread per client.
 */
final class IdempotentHttpClient {
    private final String name;
    private final String tag;
    private final int eventsPerRequest;
    private String pendingKey;
    private String pendingBody;
    private long nextSeq;
    private long acked;
    private int requestNo;

    IdempotentHttpClient(String name, String tag, int eventsPerRequest) {
        this.name = name;
        this.tag = tag;
        this.eventsPerRequest = eventsPerRequest;
    }

    long ackedEvents() { return acked; }

    boolean hasPending() { return pendingKey != null; }

    void session(ChildNode node, long untilNanos, boolean newRequests) throws IOException, InterruptedException {
        if (pendingKey != null) {
            send(node);
        }
        while (newRequests && System.nanoTime() < untilNanos) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < eventsPerRequest; i++) {
                long seq = nextSeq++;
                sb.append("{\"message\":\"").append(name).append(" event ").append(seq).append("\",\"seq\":").append(seq)
                        .append(",\"client\":\"").append(name).append("\"}\n");
            }
            pendingKey = name + "-" + requestNo++;
            pendingBody = sb.toString();
            send(node);
        }
    }

    private void send(ChildNode node) throws IOException, InterruptedException {
        HttpResponse<String> r = node.post("/api/v1/ingest/" + tag, pendingBody, Map.of("Idempotency-Key", pendingKey));
        if (r.statusCode() != 202) {
            throw new IOException("ingest → " + r.statusCode() + " " + r.body());
        }
        pendingKey = null;
        pendingBody = null;
        acked += eventsPerRequest;
    }
}
