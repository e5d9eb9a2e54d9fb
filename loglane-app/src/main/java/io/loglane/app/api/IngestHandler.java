package io.loglane.app.api;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.loglane.core.event.RecordBlock;
import io.loglane.core.ingest.Ingest;
import io.loglane.core.ingest.IngestRejectedException;
import io.loglane.core.ingest.IngestRequest;
import io.loglane.core.ingest.Source;
import io.loglane.core.telemetry.MetricNames;
import io.loglane.inputs.http.JsonBodyDecoder;
import io.loglane.inputs.http.JsonBodyException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.regex.Pattern;

/**
 * {@code POST /api/v1/ingest/{tag}}: NDJSON or a JSON array of objects, accepted whole or not at all.
 *
 * <table>
 *   <caption>Statuses</caption>
 *   <tr><td>202</td><td>{@code {"accepted": n, "duplicates": d}}: every event is as durable as its lane demands</td></tr>
 *   <tr><td>400</td><td>bad tag, empty body, or malformed JSON; names the first bad line; nothing stored</td></tr>
 *   <tr><td>413</td><td>body over {@code server.http_max_body} (sent by the server before this handler runs)</td></tr>
 *   <tr><td>429</td><td>the lane's rate limit; {@code Retry-After} set</td></tr>
 *   <tr><td>503</td><td>a disk/sync lane's stream is full; {@code Retry-After} set</td></tr>
 *   <tr><td>500</td><td>the stream could not store the events</td></tr>
 * </table>
 * An {@code Idempotency-Key} header acts like a Forward {@code chunk} id: a retried request with the
 * same key within the dedup window is acknowledged without being stored again.
 *
 * <p>Thread-safety: stateless apart from thread-safe counters.
 */
final class IngestHandler implements Handler {
    static final String INPUT = "http";
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._\\-]{0,255}");

    private final Ingest ingest;
    private final Clock clock;
    private final Counter received;
    private final Counter bytes;
    private final Counter malformed;

    IngestHandler(Ingest ingest, MeterRegistry registry, Clock clock) {
        this.ingest = ingest;
        this.clock = clock;
        this.received = Counter.builder(MetricNames.EVENTS_RECEIVED).tag(MetricNames.INPUT, INPUT).register(registry);
        this.bytes = Counter.builder(MetricNames.BYTES_RECEIVED).tag(MetricNames.INPUT, INPUT).register(registry);
        this.malformed = Counter.builder(MetricNames.PROTOCOL_ERRORS).tags(MetricNames.INPUT, INPUT, MetricNames.REASON, "malformed_json")
                .register(registry);
    }

    @Override
    public void handle(Context ctx) {
        String tag = ctx.pathParam("tag");
        if (!TAG.matcher(tag).matches()) {
            ctx.status(400).json(ApiError.of("bad tag: use 1-256 characters of letters, digits, '.', '_' and '-'", "tag", tag));
            return;
        }
        byte[] body = ctx.bodyAsBytes();
        bytes.increment(body.length);
        long now = nowNanos();
        RecordBlock block;
        try {
            block = JsonBodyDecoder.decode(body, body.length, now);
        } catch (JsonBodyException e) {
            malformed.increment();
            ctx.status(400).json(ApiError.of(e.getMessage(), "line", e.line()));
            return;
        }
        if (block.isEmpty()) {
            ctx.status(400).json(ApiError.of("empty body: send NDJSON (one JSON object per line) or a JSON array of objects"));
            return;
        }
        received.increment(block.count());
        String key = ctx.header("Idempotency-Key");
        IngestRequest req = new IngestRequest(new Source(INPUT, ctx.ip()), tag, block, key, now);
        ctx.future(() -> ingest.submit(req).handle((res, err) -> {
            if (err == null) {
                ctx.status(202).json(Map.of("accepted", res.accepted(), "duplicates", res.duplicates()));
            } else {
                reject(ctx, err instanceof CompletionException ce && ce.getCause() != null ? ce.getCause() : err);
            }
            return null;
        }));
    }

    private static void reject(Context ctx, Throwable err) {
        if (err instanceof IngestRejectedException r) {
            switch (r.reason()) {
                case BACKPRESSURE -> ctx.status(503).header("Retry-After", "1").json(ApiError.of(r.getMessage(), "reason", r.reason().label()));
                case RATE_LIMITED -> ctx.status(429).header("Retry-After", "1").json(ApiError.of(r.getMessage(), "reason", r.reason().label()));
                case INVALID -> ctx.status(400).json(ApiError.of(r.getMessage(), "reason", r.reason().label()));
                case STORAGE_ERROR -> ctx.status(500).json(ApiError.of(r.getMessage(), "reason", r.reason().label()));
            }
        } else {
            ctx.status(500).json(ApiError.of("ingest failed: " + err));
        }
    }

    private long nowNanos() {
        java.time.Instant i = clock.instant();
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }
}
