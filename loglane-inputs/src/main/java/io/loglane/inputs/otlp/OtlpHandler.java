package io.loglane.inputs.otlp;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.loglane.core.event.RecordBlock;
import io.loglane.core.ingest.Ingest;
import io.loglane.core.ingest.IngestRejectedException;
import io.loglane.core.ingest.IngestRequest;
import io.loglane.core.ingest.IngestResult;
import io.loglane.core.ingest.Source;
import io.loglane.core.ingest.SourceTally;
import io.loglane.core.telemetry.RateLimitedLog;
import io.loglane.inputs.http.HttpIngestMetrics;
import io.loglane.inputs.http.RequestBodies;
import io.loglane.inputs.http.Submissions;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsPartialSuccess;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/logs}: OTLP/HTTP logs as the OpenTelemetry protocol specifies them, what an
 * OpenTelemetry Collector's {@code otlphttp} exporter and the SDKs' OTLP/HTTP log exporters send.
 * Bodies: binary protobuf ({@code application/x-protobuf}) or OTLP JSON ({@code application/json}),
 * optionally {@code Content-Encoding: gzip} ({@link OtlpBodies}); records as {@link OtlpRecords} maps them.
 *
 * <table>
 *   <caption>Statuses (bodies in the request's encoding)</caption>
 *   <tr><td>200</td><td>{@code ExportLogsServiceResponse}: every stored record is as durable as its lane demands;
 *       {@code partial_success} with {@code rejected_log_records} and an {@code error_message} when some records
 *       were refused (a trace or span id of the wrong length), empty otherwise</td></tr>
 *   <tr><td>400</td><td>a body that is not an {@code ExportLogsServiceRequest}, or broken gzip; nothing stored</td></tr>
 *   <tr><td>413</td><td>a body over {@code server.http_max_body}, or decompressing to more than 4 times it</td></tr>
 *   <tr><td>415</td><td>another content type or content encoding</td></tr>
 *   <tr><td>429</td><td>a lane's rate limit; {@code Retry-After}</td></tr>
 *   <tr><td>503</td><td>a lane's stream is full, its disk is, or it failed to store; or the input is paused or
 *       draining; {@code Retry-After} (the spec's retryable answer, so the exporter keeps the records and retries)</td></tr>
 * </table>
 * Error bodies are a {@code google.rpc.Status} ({@code code}, {@code message}), as the spec asks.
 *
 * <p>Each {@code ResourceLogs} is its own router request and ledger source: peer the client's host,
 * tag {@code otlp.<service.name>} ({@link #tagOf}); the request is answered once all of them are.
 * One that fails fails the answer (retryable), and the parts already stored are stored again on the
 * retry: OTLP has no idempotency key to tell them apart.
 *
 * <p>Thread-safety: thread-safe (meters and log are).
 */
final class OtlpHandler implements Handler {
    static final String PROTOBUF = "application/x-protobuf";
    static final String JSON = "application/json";
    /** How much larger than the body limit a gzip body may decompress (as Forward's default for compressed frames). */
    static final int MAX_INFLATION = 4;
    private static final JsonFormat.Printer PRINTER = JsonFormat.printer().omittingInsignificantWhitespace();

    private final OtlpInput owner;
    private final Ingest ingest;
    private final long maxBody;
    private final HttpIngestMetrics metrics;
    private final Clock clock;
    private final RateLimitedLog log;

    OtlpHandler(OtlpInput owner, Ingest ingest, long maxBody, HttpIngestMetrics metrics, Clock clock) {
        this.owner = owner;
        this.ingest = ingest;
        this.maxBody = RequestBodies.cap(maxBody);
        this.metrics = metrics;
        this.clock = clock;
        this.log = new RateLimitedLog(LoggerFactory.getLogger(OtlpHandler.class), clock, Duration.ofSeconds(10));
    }

    @Override
    public void handle(Context ctx) throws IOException {
        String type = mediaType(ctx.header("Content-Type"));
        boolean json = JSON.equals(type);
        if (owner.gate().paused()) {
            metrics.failed(HttpIngestMetrics.PAUSED);
            status(ctx, json, 503, 14, "otlp input '" + owner.name() + "' is " + (owner.gate().draining() ? "shutting down" : "paused")
                    + ": retry later", "1");
            return;
        }
        RequestBodies.Body body = RequestBodies.read(ctx, maxBody);
        metrics.received(0, body.size());
        ExportLogsServiceRequest request;
        try {
            request = decode(ctx, type, body);
        } catch (OtlpBodies.BadBody e) {
            metrics.refused(e.refusal, 0, body.size());
            log.warn(e.refusal.label(), "otlp input '" + owner.name() + "': refused a request from " + ctx.ip() + " with "
                    + e.refusal.status() + " " + e.refusal.label() + ": " + e.getMessage());
            status(ctx, json, e.refusal.status(), 3, e.getMessage(), null);
            return;
        }
        long now = nowNanos();
        OtlpRecords records = new OtlpRecords();
        List<IngestRequest> requests = new ArrayList<>(request.getResourceLogsCount());
        List<SourceTally> tallies = new ArrayList<>(request.getResourceLogsCount());
        int received = 0;
        for (ResourceLogs resource : request.getResourceLogsList()) {
            int rejectedBefore = records.rejected();
            RecordBlock block = records.convert(resource, now);
            int refused = records.rejected() - rejectedBefore;
            String tag = tagOf(OtlpRecords.stringAttribute(resource.getResource().getAttributesList(), "service.name"));
            SourceTally tally = ingest.sources().tally(new Source(owner.name(), ctx.ip()), tag);
            tally.received(block.count() + refused, now);
            tally.rejected(OtlpRefusal.INVALID_RECORD.label(), refused);
            received += block.count() + refused;
            if (!block.isEmpty()) {
                requests.add(new IngestRequest(new Source(owner.name(), ctx.ip()), tag, block, null, now, null));
                tallies.add(tally);
            }
        }
        metrics.received(received, 0);
        ExportLogsServiceResponse.Builder response = ExportLogsServiceResponse.newBuilder();
        if (records.rejected() > 0) {
            metrics.refused(OtlpRefusal.INVALID_RECORD, records.rejected(), 0);
            log.warn(OtlpRefusal.INVALID_RECORD.label(), "otlp input '" + owner.name() + "': refused " + records.rejected()
                    + " records from " + ctx.ip() + ": " + records.rejection());
            response.setPartialSuccess(ExportLogsPartialSuccess.newBuilder().setRejectedLogRecords(records.rejected())
                    .setErrorMessage(records.rejected() + " log records refused: " + records.rejection()));
        }
        if (requests.isEmpty()) {
            answer(ctx, json, response.build());
            return;
        }
        if (!owner.gate().tryTake()) { // paused while the body was read: its records were counted as received
            for (int i = 0; i < requests.size(); i++) {
                tallies.get(i).rejected(HttpIngestMetrics.PAUSED, requests.get(i).records().count());
            }
            metrics.failed(HttpIngestMetrics.PAUSED);
            status(ctx, json, 503, 14, "otlp input '" + owner.name() + "' is paused: retry later", "1");
            return;
        }
        List<CompletableFuture<IngestResult>> futures = new ArrayList<>(requests.size());
        for (IngestRequest req : requests) {
            futures.add(owner.submit(ingest, req, req.tag()));
        }
        ctx.future(() -> CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0])).handle((ignored, none) -> {
            try {
                Throwable failure = null;
                for (int i = 0; i < futures.size(); i++) {
                    CompletableFuture<IngestResult> f = futures.get(i);
                    try {
                        tallies.get(i).settled(f.join());
                    } catch (RuntimeException e) {
                        Throwable cause = Submissions.cause(e);
                        tallies.get(i).failed(reasonOf(cause), requests.get(i).records().count(), cause);
                        failure = failure == null ? cause : failure;
                    }
                }
                if (failure == null) {
                    answer(ctx, json, response.build());
                } else {
                    routerRefused(ctx, json, failure);
                }
            } finally {
                owner.gate().answered();
            }
            return null;
        }));
    }

    private ExportLogsServiceRequest decode(Context ctx, String type, RequestBodies.Body body) throws OtlpBodies.BadBody {
        if (body.tooLarge()) {
            throw new OtlpBodies.BadBody(OtlpRefusal.BODY_TOO_LARGE, "request body exceeds " + maxBody + " bytes (server.http_max_body)");
        }
        if (!PROTOBUF.equals(type) && !JSON.equals(type)) {
            throw new OtlpBodies.BadBody(OtlpRefusal.UNSUPPORTED_MEDIA_TYPE, "unsupported Content-Type "
                    + RequestBodies.loggable(ctx.header("Content-Type")) + ": send " + PROTOBUF + " or " + JSON);
        }
        String encoding = ctx.header("Content-Encoding");
        byte[] bytes = body.bytes();
        if (encoding != null && encoding.trim().equalsIgnoreCase("gzip")) {
            bytes = OtlpBodies.gunzip(bytes, maxBody * MAX_INFLATION);
        } else if (encoding != null && !encoding.isBlank() && !encoding.trim().equalsIgnoreCase("identity")) {
            throw new OtlpBodies.BadBody(OtlpRefusal.UNSUPPORTED_MEDIA_TYPE, "unsupported Content-Encoding "
                    + RequestBodies.loggable(encoding) + ": send gzip or none");
        }
        return PROTOBUF.equals(type) ? OtlpBodies.protobuf(bytes) : OtlpBodies.json(bytes);
    }

    /**
     * The tag of a resource's records: {@code otlp.<service.name>} (characters a tag cannot hold as
     * {@code _}, at most 256 in all), or {@code otlp} without a service name.
     */
    static String tagOf(String service) {
        if (service == null || service.isEmpty()) {
            return "otlp";
        }
        StringBuilder b = new StringBuilder("otlp.");
        for (int i = 0; i < service.length() && b.length() < 256; i++) {
            char c = service.charAt(i);
            b.append(c < 0x80 && (Character.isLetterOrDigit(c) || c == '.' || c == '_' || c == '-') ? c : '_');
        }
        return b.toString();
    }

    private String reasonOf(Throwable err) {
        return err instanceof IngestRejectedException r ? r.reason().label() : HttpIngestMetrics.INTERNAL_ERROR;
    }

    /** Answers a refusal of the router: 429 for a rate limit, 400 for invalid events, else 503 (retryable). */
    private void routerRefused(Context ctx, boolean json, Throwable err) {
        String reason = reasonOf(err);
        metrics.failed(reason);
        log.warn(reason, "otlp input '" + owner.name() + "': refused a request from " + ctx.ip() + ": " + reason + ": " + err.getMessage());
        if (err instanceof IngestRejectedException r && r.reason() == IngestRejectedException.Reason.RATE_LIMITED) {
            status(ctx, json, 429, 8, r.getMessage(), "1");
        } else if (err instanceof IngestRejectedException r && r.reason() == IngestRejectedException.Reason.INVALID) {
            status(ctx, json, 400, 3, r.getMessage(), null);
        } else {
            boolean diskFull = err instanceof IngestRejectedException r && r.reason() == IngestRejectedException.Reason.DISK_FULL;
            status(ctx, json, 503, 14, err.getMessage(), diskFull ? "5" : "1");
        }
    }

    private static void answer(Context ctx, boolean json, ExportLogsServiceResponse response) {
        if (json) {
            try {
                ctx.status(200).contentType(JSON).result(PRINTER.print(response));
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalStateException("printing a response failed", e);
            }
        } else {
            ctx.status(200).contentType(PROTOBUF).result(response.toByteArray());
        }
    }

    /** An error answer: a {@code google.rpc.Status} with a gRPC code, in the request's encoding. */
    private static void status(Context ctx, boolean json, int httpStatus, int grpcCode, String message, String retryAfter) {
        ctx.status(httpStatus);
        if (retryAfter != null) {
            ctx.header("Retry-After", retryAfter);
        }
        if (json) {
            ctx.contentType(JSON).result("{\"code\":" + grpcCode + ",\"message\":\""
                    + new String(com.fasterxml.jackson.core.io.JsonStringEncoder.getInstance().quoteAsString(message)) + "\"}");
            return;
        }
        // google.rpc.Status is not in the OTLP classes: its two scalar fields, written with protobuf's own encoder
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CodedOutputStream c = CodedOutputStream.newInstance(out);
        try {
            c.writeInt32(1, grpcCode);
            c.writeString(2, message == null ? "" : message);
            c.flush();
        } catch (IOException e) {
            throw new IllegalStateException("encoding into memory failed", e);
        }
        ctx.contentType(PROTOBUF).result(out.toByteArray());
    }

    /** The media type of a Content-Type header, lower-case, without parameters; null for none. */
    private static String mediaType(String contentType) {
        if (contentType == null) {
            return null;
        }
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    }

    private long nowNanos() {
        java.time.Instant i = clock.instant();
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }
}
