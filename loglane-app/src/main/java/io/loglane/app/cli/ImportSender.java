package io.loglane.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.CRC32C;

/**
 * Sends import batches to {@code POST /api/v1/ingest/{tag}?log_type=<lane>&max_line=<bytes>} as
 * {@code text/plain} (raw lines: the server makes the records) with at most {@code inFlight} requests
 * at a time, each with the idempotency key {@code import-<lane>-<fingerprint>-<offset>-<crc32c of the body>} (the server
 * acknowledges a resent key within its {@code stream.dedup_window} without storing it again).
 *
 * <p>Answers: 202 adds to accepted, duplicates and lines repaired (invalid UTF-8); 429 and 503 are retried after their
 * {@code Retry-After} (at most 30 s at a time), as are connection failures (after 1 s), until
 * {@code retryFor} has passed since the batch was first sent; 400 stops the import and counts the
 * batch's lines as rejected; any other status stops it as a server error. After a stop, batches not
 * yet sent are not sent.
 *
 * <p>Thread-safety: {@link #send} and {@link #finish} from one thread; the sending runs on a pool.
 */
final class ImportSender implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_RETRY_AFTER_SECONDS = 30;

    private final String token;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final URI uri;
    private final String keyPrefix;
    private final Duration retryFor;
    private final ImportTotals totals;
    private final Semaphore slots;
    private final int inFlight;
    private final ImportBodies bodies;
    private final ExecutorService pool;
    private final AtomicReference<ImportException> failure = new AtomicReference<>();

    /**
     * @param server base URL of the server
     * @param token  API token, or null
     * @param lane    the lane every line goes to, or null (part of the key: the same file imported into another lane is another import)
     * @param maxLine the longest line stored whole (the batches cut longer ones one byte past it)
     */
    ImportSender(String server, String token, String tag, String lane, int maxLine, int inFlight, Duration retryFor, ImportTotals totals,
                 ImportBodies bodies) {
        this.bodies = bodies;
        this.token = token;
        this.uri = URI.create((server.endsWith("/") ? server : server + "/") + "api/v1/ingest/"
                + URLEncoder.encode(tag, StandardCharsets.UTF_8) + "?max_line=" + maxLine
                + (lane == null ? "" : "&log_type=" + URLEncoder.encode(lane, StandardCharsets.UTF_8)));
        this.keyPrefix = "import-" + (lane == null ? "" : lane) + "-";
        this.retryFor = retryFor;
        this.totals = totals;
        this.inFlight = inFlight;
        this.slots = new Semaphore(inFlight);
        this.pool = Executors.newFixedThreadPool(inFlight, r -> {
            Thread t = new Thread(r, "import-sender");
            t.setDaemon(true);
            return t;
        });
    }

    /** The first reason sending stopped, or null while all is well. */
    ImportException failure() { return failure.get(); }

    /** Queues a batch of the input with {@code fingerprint}; blocks while {@code inFlight} batches are being sent. */
    void send(String fingerprint, ImportBatch batch) throws InterruptedException, ImportException {
        slots.acquire();
        ImportException f = failure.get();
        if (f != null) {
            slots.release();
            throw f;
        }
        pool.execute(() -> {
            try {
                deliver(key(fingerprint, batch), batch);
            } catch (ImportException e) {
                failure.compareAndSet(null, e);
            } catch (InterruptedException e) {
                failure.compareAndSet(null, ImportException.server("interrupted"));
            } finally {
                bodies.give(batch.body());
                slots.release();
            }
        });
    }

    /** Waits until every queued batch is answered; throws the first failure. */
    void finish() throws InterruptedException, ImportException {
        slots.acquire(inFlight);
        slots.release(inFlight);
        ImportException f = failure.get();
        if (f != null) {
            throw f;
        }
    }

    /**
     * The batch's idempotency key. The body's CRC32C is part of it, so only the same lines at the
     * same offset of the same input are one batch: two inputs whose fingerprints collide (standard
     * inputs sharing their first 4 KiB) are not mistaken for each other.
     */
    private String key(String fingerprint, ImportBatch batch) {
        CRC32C crc = new CRC32C();
        crc.update(batch.body(), 0, batch.length());
        return keyPrefix + fingerprint + "-" + batch.startOffset() + "-" + Long.toHexString(crc.getValue());
    }

    private void deliver(String key, ImportBatch batch) throws ImportException, InterruptedException {
        HttpRequest request = TokenOption.authorize(HttpRequest.newBuilder(uri), token).timeout(Duration.ofMinutes(2))
                .header("Content-Type", "text/plain; charset=utf-8").header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofByteArray(batch.body(), 0, batch.length())).build();
        long deadline = System.nanoTime() + retryFor.toNanos();
        while (true) {
            if (failure.get() != null) {
                return; // another batch stopped the import
            }
            long waitMillis;
            String why;
            try {
                HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
                int status = r.statusCode();
                if (status == 202 || status == 200) {
                    JsonNode answer = JSON.readTree(r.body());
                    totals.accepted.addAndGet(answer.path("accepted").asLong());
                    totals.duplicates.addAndGet(answer.path("duplicates").asLong());
                    totals.invalidUtf8.addAndGet(answer.path("invalid_utf8").asLong());
                    totals.linesSent.addAndGet(answer.path("lines").asLong());
                    totals.blank.addAndGet(answer.path("blank").asLong());
                    totals.truncated.addAndGet(answer.path("truncated").asLong());
                    totals.bytesSent.addAndGet(batch.length());
                    return;
                }
                String error = errorText(r);
                if (status == 429 || status == 503) {
                    waitMillis = 1000 * Math.min(MAX_RETRY_AFTER_SECONDS,
                            r.headers().firstValueAsLong("Retry-After").orElse(1));
                    why = "HTTP " + status + ": " + error;
                } else if (status == 400) {
                    totals.rejected.addAndGet(batch.lines());
                    throw ImportException.rejected("the server refused " + batch.lines() + " lines from input offset "
                            + batch.startOffset() + " (HTTP 400): " + error);
                } else {
                    throw ImportException.server("HTTP " + status + " from " + uri + ": " + error
                            + (status == 413 ? " (lower --batch-size below the server's server.http_max_body)" : ""));
                }
            } catch (IOException e) {
                if (e instanceof ImportException ie) {
                    throw ie;
                }
                waitMillis = 1000;
                why = "cannot reach " + uri + ": " + e;
            }
            if (System.nanoTime() + waitMillis * 1_000_000 - deadline > 0) {
                throw ImportException.server("gave up after retrying for " + retryFor.toSeconds() + " s (--retry-for): " + why);
            }
            totals.retries.incrementAndGet();
            Thread.sleep(waitMillis);
        }
    }

    private static String errorText(HttpResponse<byte[]> r) {
        try {
            JsonNode node = JSON.readTree(r.body());
            if (node != null && node.hasNonNull("error")) {
                return node.get("error").asText();
            }
        } catch (IOException e) {
            // not JSON: show the text
        }
        String s = new String(r.body(), StandardCharsets.UTF_8);
        return s.length() > 300 ? s.substring(0, 300) + "…" : s;
    }

    @Override
    public void close() {
        pool.shutdownNow();
        try {
            pool.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
