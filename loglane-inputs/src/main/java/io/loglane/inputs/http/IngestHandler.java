package io.loglane.inputs.http;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.loglane.core.event.RecordBlock;
import io.loglane.core.ingest.ChunkIds;
import io.loglane.core.ingest.Ingest;
import io.loglane.core.ingest.IngestRejectedException;
import io.loglane.core.ingest.IngestRequest;
import io.loglane.core.ingest.Source;
import io.loglane.core.ingest.SourceTally;
import io.loglane.core.telemetry.RateLimitedLog;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/v1/ingest/{tag}}: NDJSON or a JSON array of objects ({@link JsonBodyDecoder}), or
 * raw lines of text ({@code text/plain}, {@link TextBodyDecoder}, with the query parameters of
 * {@link TextParameters}), by the Content-Type ({@link BodyType}); accepted whole or not at all.
 *
 * <table>
 *   <caption>Statuses</caption>
 *   <tr><td>202</td><td>{@code {"accepted": n, "duplicates": d}}: every event is as durable as its lane demands; a text
 *       body's answer adds {@code lines}, {@code blank}, {@code truncated}, {@code invalid_utf8}, {@code binary}</td></tr>
 *   <tr><td>400</td><td>bad tag, bad {@code Idempotency-Key}, bad query parameter, empty body, or malformed JSON (naming the
 *       first bad line); nothing stored</td></tr>
 *   <tr><td>415</td><td>a Content-Type that is none of the body types; nothing stored</td></tr>
 *   <tr><td>413</td><td>body over {@code server.http_max_body} (by Content-Length, or while reading a chunked body)</td></tr>
 *   <tr><td>429</td><td>the lane's rate limit; {@code Retry-After} set</td></tr>
 *   <tr><td>503</td><td>a disk/sync lane's stream is full, or its disk is ({@code reason: disk_full}); {@code Retry-After} set</td></tr>
 *   <tr><td>503</td><td>the input is paused or draining ({@code reason: paused}), answered before the body is read;
 *       {@code Retry-After} set</td></tr>
 *   <tr><td>500</td><td>the stream could not store the events</td></tr>
 * </table>
 * Every error body is {@code {"error": "...", "reason": "..."}}; every refusal is also logged
 * (rate-limited per reason) and counted ({@link HttpIngestMetrics}): 400/413/415 before routing,
 * 503 {@code paused} as a failed request, and 429/503/500 from the router (whose events the router
 * counts too).
 *
 * <p>Completeness ledger ({@link io.loglane.core.ingest.SourceLedger}): the source is the client's
 * address ({@code ctx.ip()}, the host; a proxy's when behind one) with the tag. A decoded request
 * counts its events as received, then as accepted and de-duplicated, or as rejected under the
 * router's reason. A request refused before its body decoded (400, 413, 415) has no events to count
 * (a bad_tag one not even a tag); it shows in the per-input meters only. HTTP has no source position.
 *
 * <p>An {@code Idempotency-Key} header (1–200 printable ASCII characters) acts like a Forward
 * {@code chunk} id: a retried request with the same key and tag within the dedup window is
 * acknowledged without being stored again. The key is scoped to the tag and kept apart from
 * Forward chunk ids ({@link ChunkIds#http}).
 *
 * <p>Thread-safety: stateless apart from thread-safe meters and log.
 */
final class IngestHandler implements Handler {
    static final String IDEMPOTENCY_KEY_HEADER = "Idempotency-Key";
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._\\-]{0,255}");
    /** Printable ASCII, so the key is safe to store, log and compare byte for byte. */
    private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[\\x20-\\x7E]{1,200}");

    private final HttpInput owner;
    private final Ingest ingest;
    private final String input;
    private final long maxBody;
    private final Clock clock;
    private final HttpIngestMetrics metrics;
    private final RateLimitedLog log;

    /**
     * @param owner   the http input: whether it takes requests, and its name (metric label and {@link Source#input()})
     * @param maxBody largest accepted body ({@code server.http_max_body})
     */
    IngestHandler(HttpInput owner, Ingest ingest, long maxBody, HttpIngestMetrics metrics, Clock clock) {
        this.owner = owner;
        this.ingest = ingest;
        this.input = owner.name();
        this.maxBody = RequestBodies.cap(maxBody);
        this.clock = clock;
        this.metrics = metrics;
        this.log = new RateLimitedLog(LoggerFactory.getLogger(IngestHandler.class), clock, Duration.ofSeconds(10));
    }

    @Override
    public void handle(Context ctx) throws IOException {
        String tag = ctx.pathParam("tag");
        if (owner.paused()) {
            refusePaused(ctx, tag);
            return;
        }
        RequestBodies.Body body = RequestBodies.read(ctx, maxBody);
        metrics.received(0, body.size());
        if (body.tooLarge()) {
            refuse(ctx, tag, HttpRefusal.BODY_TOO_LARGE, 0, body.size(),
                    "request body exceeds " + maxBody + " bytes (server.http_max_body)");
            return;
        }
        if (!TAG.matcher(tag).matches()) {
            refuse(ctx, tag, HttpRefusal.BAD_TAG, 0, body.size(),
                    "bad tag: use 1-256 characters of letters, digits, '.', '_' and '-'", "tag", tag);
            return;
        }
        List<String> keys = Collections.list(ctx.req().getHeaders(IDEMPOTENCY_KEY_HEADER));
        String key = keys.isEmpty() ? null : keys.getFirst();
        if (keys.size() > 1 || key != null && !IDEMPOTENCY_KEY.matcher(key).matches()) {
            refuse(ctx, tag, HttpRefusal.BAD_IDEMPOTENCY_KEY, 0, body.size(), keys.size() > 1
                    ? "send one " + IDEMPOTENCY_KEY_HEADER + " header, not " + keys.size()
                    : IDEMPOTENCY_KEY_HEADER + " must be 1-200 printable ASCII characters (got " + key.length() + " characters)");
            return;
        }
        long now = nowNanos();
        BodyType type = BodyType.of(ctx.contentType());
        if (type == null) {
            refuse(ctx, tag, HttpRefusal.UNSUPPORTED_MEDIA_TYPE, 0, body.size(), "unsupported Content-Type '"
                    + RequestBodies.loggable(ctx.contentType()) + "': send " + BodyType.ACCEPTED);
            return;
        }
        TextBodyDecoder.Decoded text = null;
        RecordBlock block;
        if (type == BodyType.TEXT) {
            TextParameters p;
            try {
                p = TextParameters.of(ctx.queryParam(TextParameters.LOG_TYPE), ctx.queryParam(TextParameters.MAX_LINE), maxBody);
            } catch (IllegalArgumentException e) {
                refuse(ctx, tag, HttpRefusal.BAD_PARAMETER, 0, body.size(), e.getMessage());
                return;
            }
            text = TextBodyDecoder.decode(body.bytes(), body.bytes().length, p.maxLineBytes(), p.logType(), now);
            block = text.block();
        } else {
            String misplaced = TextParameters.present(ctx);
            if (misplaced != null) {
                refuse(ctx, tag, HttpRefusal.BAD_PARAMETER, 0, body.size(), "the query parameter '" + misplaced
                        + "' is for text/plain bodies only: a JSON record sets its own fields");
                return;
            }
            try {
                block = JsonBodyDecoder.decode(body.bytes(), body.bytes().length, now);
            } catch (JsonBodyException e) {
                refuse(ctx, tag, HttpRefusal.MALFORMED_JSON, 0, body.size(), e.getMessage(), "line", e.line());
                return;
            }
        }
        if (block.isEmpty()) {
            refuse(ctx, tag, HttpRefusal.EMPTY_BODY, 0, body.size(), type == BodyType.TEXT
                    ? "empty body: send lines of text (blank lines are skipped)"
                    : "empty body: send NDJSON (one JSON object per line) or a JSON array of objects");
            return;
        }
        if (!owner.gate().tryTake()) {
            refusePaused(ctx, tag); // paused while this body was read
            return;
        }
        SourceTally tally;
        IngestRequest req;
        try {
            metrics.received(block.count(), 0);
            Source source = new Source(input, ctx.ip());
            tally = ingest.sources().tally(source, tag);
            tally.received(block.count(), now);
            req = new IngestRequest(source, tag, block, ChunkIds.http(tag, key), now, null);
        } catch (RuntimeException e) {
            owner.gate().answered(); // taken but never submitted: a drain must not wait for it
            throw e;
        }
        TextBodyDecoder.Decoded lines = text;
        ctx.future(() -> owner.submit(ingest, req, req.tag()).handle((res, err) -> {
            try {
                if (err == null) {
                    tally.settled(res);
                    ctx.status(202).json(answer(res.accepted(), res.duplicates(), lines));
                } else {
                    Throwable cause = Submissions.cause(err);
                    reject(ctx, cause);
                    tally.failed(logFailure(ctx, tag, block.count(), cause), block.count(), cause);
                }
            } finally {
                owner.gate().answered();
            }
            return null;
        }));
    }

    /** The 202 body: with a text body, also what was done to its lines. */
    private static Map<String, Object> answer(int accepted, int duplicates, TextBodyDecoder.Decoded text) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("accepted", accepted);
        m.put("duplicates", duplicates);
        if (text != null) {
            m.put("lines", text.lines());
            m.put("blank", text.blank());
            m.put("truncated", text.truncated());
            m.put("invalid_utf8", text.invalidUtf8());
            m.put("binary", text.binary());
        }
        return m;
    }

    /** 503 {@code paused}: the input takes no requests now (paused, or the node is shutting down). */
    private void refusePaused(Context ctx, String tag) {
        metrics.failed(HttpIngestMetrics.PAUSED);
        String why = owner.gate().draining() ? "is shutting down" : "is paused";
        log.warn(HttpIngestMetrics.PAUSED, "http input '" + input + "': refused a request from " + ctx.ip() + " to tag '"
                + RequestBodies.loggable(tag) + "' with 503: the input " + why);
        ctx.status(503).header("Retry-After", "1").json(ApiError.of("http input '" + input + "' " + why
                + ": retry later", "reason", HttpIngestMetrics.PAUSED));
    }

    private void refuse(Context ctx, String tag, HttpRefusal reason, long events, long bytes, String message, Object... details) {
        metrics.refused(reason, events, bytes);
        if (TAG.matcher(tag).matches()) { // the source is known (a bad tag would be a client-made ledger entry)
            ingest.sources().tally(new Source(input, ctx.ip()), tag).refused(reason.label());
        }
        log.warn(reason.label(), "http input: refused a request from " + ctx.ip() + " to tag '" + RequestBodies.loggable(tag) + "' with "
                + reason.status() + " " + reason.label() + ": " + message);
        Object[] all = new Object[details.length + 2];
        all[0] = "reason";
        all[1] = reason.label();
        System.arraycopy(details, 0, all, 2, details.length);
        ctx.status(reason.status()).json(ApiError.of(message, all));
    }

    /**
     * Counts and logs (rate-limited per reason) a request the router refused with {@link #reject}'s
     * status; returns the reason's label.
     */
    private String logFailure(Context ctx, String tag, int events, Throwable err) {
        String reason = err instanceof IngestRejectedException r ? r.reason().label() : HttpIngestMetrics.INTERNAL_ERROR;
        metrics.failed(reason);
        log.warn(reason, "http input: refused a request of " + events + " events from " + ctx.ip() + " to tag '"
                + RequestBodies.loggable(tag) + "' with " + ctx.statusCode() + " " + reason + ": "
                + (err instanceof IngestRejectedException ? err.getMessage() : err.toString()));
        return reason;
    }

    private static void reject(Context ctx, Throwable err) {
        if (err instanceof IngestRejectedException r) {
            switch (r.reason()) {
                case BACKPRESSURE -> ctx.status(503).header("Retry-After", "1").json(ApiError.of(r.getMessage(), "reason", r.reason().label()));
                case RATE_LIMITED -> ctx.status(429).header("Retry-After", "1").json(ApiError.of(r.getMessage(), "reason", r.reason().label()));
                case INVALID -> ctx.status(400).json(ApiError.of(r.getMessage(), "reason", r.reason().label()));
                case DISK_FULL -> ctx.status(503).header("Retry-After", "5").json(ApiError.of(r.getMessage(), "reason", r.reason().label()));
                case STORAGE_ERROR -> ctx.status(500).json(ApiError.of(r.getMessage(), "reason", r.reason().label()));
            }
        } else {
            ctx.status(500).json(ApiError.of("ingest failed: " + err, "reason", HttpIngestMetrics.INTERNAL_ERROR));
        }
    }

    private long nowNanos() {
        java.time.Instant i = clock.instant();
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }
}
