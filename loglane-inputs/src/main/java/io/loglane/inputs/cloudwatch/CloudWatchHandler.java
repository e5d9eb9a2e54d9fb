package io.loglane.inputs.cloudwatch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.loglane.core.event.RecordBlock;
import io.loglane.core.ingest.Ingest;
import io.loglane.core.ingest.IngestRejectedException;
import io.loglane.core.ingest.IngestRequest;
import io.loglane.core.ingest.Source;
import io.loglane.core.ingest.SourceTally;
import io.loglane.core.telemetry.RateLimitedLog;
import io.loglane.inputs.http.HttpIngestMetrics;
import io.loglane.inputs.http.RequestBodies;
import io.loglane.inputs.http.Submissions;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /} with {@code X-Amz-Target: Logs_20140328.<Action>}: the part of the CloudWatch Logs
 * JSON API (protocol {@code awsJson1_1}) that log shippers call, so Docker's {@code awslogs} driver
 * ({@code awslogs-endpoint}), Fluent Bit's {@code cloudwatch_logs} output and the AWS SDKs deliver to
 * loglane unchanged. Actions: {@code CreateLogGroup}, {@code CreateLogStream}, {@code DescribeLogGroups},
 * {@code DescribeLogStreams}, {@code PutLogEvents} ({@link PutLogEvents} has its rules), and
 * {@code PutRetentionPolicy} (Fluent Bit's {@code log_retention_days}), accepted for a known group and
 * ignored: the lane's retention decides.
 *
 * <p>Answers are AWS's: 200 with a JSON body ({@code application/x-amz-json-1.1}) and an
 * {@code x-amzn-RequestId} header (Fluent Bit refuses a 200 without one); errors as
 * {@code {"__type": "<Exception>", "message": "..."}} with status 400 ({@code InvalidParameterException},
 * {@code ResourceNotFoundException}, {@code ResourceAlreadyExistsException}, {@code LimitExceededException},
 * {@code UnknownOperationException}, {@code SerializationException}, {@code ThrottlingException} for
 * the lane's rate limit), 413 for a body over {@code server.http_max_body}, 503
 * {@code ServiceUnavailableException} with {@code Retry-After} while paused or when a lane's stream
 * is full, 500 {@code ServiceUnavailableException} when it could not store the events. The SDKs
 * retry throttling, 500 and 503 on their own. A {@code PutLogEvents} is answered once its events
 * are as durable as their lanes demand.
 *
 * <p>Requests are not SigV4-verified: any credentials are accepted (the {@code Authorization}
 * header is ignored); bind the HTTP port to a trusted network.
 *
 * <p>Completeness ledger: the source of a {@code PutLogEvents} is the log stream ({@code peer}) with
 * the log group's tag ({@link #tagOf}); events outside the time window count as rejected
 * ({@code too_old}, {@code too_new}).
 *
 * <p>Thread-safety: thread-safe (state in {@link LogGroups}, meters and the log are thread-safe).
 */
final class CloudWatchHandler implements Handler {
    static final String TARGET_HEADER = "X-Amz-Target";
    static final String TARGET_PREFIX = "Logs_20140328.";
    static final String CONTENT_TYPE = "application/x-amz-json-1.1";
    static final String REQUEST_ID_HEADER = "x-amzn-RequestId";
    private static final Pattern GROUP_NAME = Pattern.compile("[.\\-_/#A-Za-z0-9]{1,512}");
    private static final Pattern STREAM_NAME = Pattern.compile("[^:*]{1,512}");
    private static final int MAX_DESCRIBE_LIMIT = 50;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final CloudWatchInput owner;
    private final Ingest ingest;
    private final LogGroups logGroups;
    private final long maxBody;
    private final HttpIngestMetrics metrics;
    private final Clock clock;
    private final RateLimitedLog log;

    CloudWatchHandler(CloudWatchInput owner, Ingest ingest, LogGroups logGroups, long maxBody, HttpIngestMetrics metrics, Clock clock) {
        this.owner = owner;
        this.ingest = ingest;
        this.logGroups = logGroups;
        this.maxBody = RequestBodies.cap(maxBody);
        this.metrics = metrics;
        this.clock = clock;
        this.log = new RateLimitedLog(LoggerFactory.getLogger(CloudWatchHandler.class), clock, Duration.ofSeconds(10));
    }

    @Override
    public void handle(Context ctx) throws IOException {
        String target = ctx.header(TARGET_HEADER);
        if (owner.gate().paused()) {
            paused(ctx);
            return;
        }
        RequestBodies.Body body = RequestBodies.read(ctx, maxBody);
        metrics.received(0, body.size());
        try {
            if (body.tooLarge()) {
                throw new CloudWatchError(CloudWatchRefusal.BODY_TOO_LARGE, CloudWatchError.INVALID_PARAMETER,
                        "request body exceeds " + maxBody + " bytes (server.http_max_body)");
            }
            String action = target != null && target.startsWith(TARGET_PREFIX) ? target.substring(TARGET_PREFIX.length()) : null;
            switch (action == null ? "" : action) {
                case "PutLogEvents" -> putLogEvents(ctx, PutLogEvents.read(body.bytes(), clock.millis()), body.size());
                case "CreateLogGroup" -> {
                    logGroups.createGroup(groupName(parse(body.bytes())), clock.millis());
                    answer(ctx, JSON.createObjectNode());
                }
                case "CreateLogStream" -> {
                    JsonNode req = parse(body.bytes());
                    logGroups.createStream(groupName(req), streamName(req), clock.millis());
                    answer(ctx, JSON.createObjectNode());
                }
                case "PutRetentionPolicy" -> { // Fluent Bit's log_retention_days: the lane's retention decides; accepted for a known group
                    JsonNode req = parse(body.bytes());
                    logGroups.streams(groupName(req), "", null, 1);
                    answer(ctx, JSON.createObjectNode());
                }
                case "DescribeLogStreams" -> describeLogStreams(ctx, parse(body.bytes()));
                case "DescribeLogGroups" -> describeLogGroups(ctx, parse(body.bytes()));
                default -> throw new CloudWatchError(CloudWatchRefusal.UNKNOWN_OPERATION, CloudWatchError.UNKNOWN_OPERATION,
                        "unknown or unsupported operation " + RequestBodies.loggable(target) + " (send " + TARGET_HEADER + ": "
                                + TARGET_PREFIX + "CreateLogGroup, CreateLogStream, DescribeLogGroups, DescribeLogStreams, PutLogEvents or PutRetentionPolicy)");
            }
        } catch (CloudWatchError e) {
            refuse(ctx, target, e, body.size());
        } catch (IOException e) { // the log group state file could not be written: nothing was created
            metrics.failed(HttpIngestMetrics.INTERNAL_ERROR);
            log.warn(HttpIngestMetrics.INTERNAL_ERROR, "cloudwatch input '" + owner.name() + "': " + RequestBodies.loggable(target)
                    + " failed: could not save the log group state: " + e);
            error(ctx, 500, CloudWatchError.SERVICE_UNAVAILABLE, "could not save the log group state: " + e.getMessage());
        }
    }

    private void putLogEvents(Context ctx, PutLogEvents put, long bodyBytes) throws CloudWatchError {
        logGroups.requireStream(put.group, put.stream);
        String tag = tagOf(put.group);
        long now = clock.millis() * 1_000_000L;
        Source source = new Source(owner.name(), put.stream);
        SourceTally tally = ingest.sources().tally(source, tag);
        metrics.received(put.count(), 0);
        tally.received(put.count(), now);
        if (put.repairedUtf8) {
            metrics.refused(CloudWatchRefusal.INVALID_UTF8, 0, 0);
            log.warn(CloudWatchRefusal.INVALID_UTF8.label(), "cloudwatch input '" + owner.name() + "': log group '"
                    + RequestBodies.loggable(put.group) + "' stream '" + RequestBodies.loggable(put.stream)
                    + "' sent bytes that are not UTF-8; stored with each bad byte replaced by U+FFFD, as CloudWatch does");
        }
        ObjectNode reply = JSON.createObjectNode();
        // a token is still returned, for clients that keep and resend it; any token is accepted
        reply.put("nextSequenceToken", Long.toString(now));
        if (put.tooOldEnd >= 0 || put.tooNewStart < put.count()) {
            ObjectNode info = reply.putObject("rejectedLogEventsInfo");
            if (put.tooOldEnd >= 0) {
                info.put("tooOldLogEventEndIndex", put.tooOldEnd);
                skipped(tally, CloudWatchRefusal.TOO_OLD, put.tooOldEnd + 1, put.messageBytes(0, put.tooOldEnd + 1));
            }
            if (put.tooNewStart < put.count()) {
                info.put("tooNewLogEventStartIndex", put.tooNewStart);
                skipped(tally, CloudWatchRefusal.TOO_NEW, put.count() - put.tooNewStart, put.messageBytes(put.tooNewStart, put.count()));
            }
        }
        if (put.acceptedCount() == 0) {
            answer(ctx, reply);
            return;
        }
        if (!owner.gate().tryTake()) {
            tally.rejected(HttpIngestMetrics.PAUSED, put.acceptedCount());
            paused(ctx); // paused while the body was read
            return;
        }
        IngestRequest req;
        RecordBlock block;
        try {
            block = put.records();
            req = new IngestRequest(source, tag, block, null, now, null);
        } catch (RuntimeException e) {
            owner.gate().answered();
            throw e;
        }
        ctx.future(() -> owner.submit(ingest, req, java.util.List.of(req.tag(), req.source().peer())).handle((res, err) -> {
            try {
                if (err == null) {
                    tally.settled(res);
                    answer(ctx, reply);
                } else {
                    Throwable cause = Submissions.cause(err);
                    String reason = routerRefused(ctx, put, cause);
                    tally.failed(reason, block.count(), cause);
                }
            } finally {
                owner.gate().answered();
            }
            return null;
        }));
    }

    /** 503 {@code ServiceUnavailableException} with {@code Retry-After}: the input takes no requests now. */
    private void paused(Context ctx) {
        metrics.failed(HttpIngestMetrics.PAUSED);
        ctx.header("Retry-After", "1");
        error(ctx, 503, CloudWatchError.SERVICE_UNAVAILABLE, "loglane's CloudWatch Logs API is "
                + (owner.gate().draining() ? "shutting down" : "paused") + ": retry later");
    }

    /** Events of a request outside the time window: counted, logged (rate-limited), not stored. */
    private void skipped(SourceTally tally, CloudWatchRefusal why, int events, long bytes) {
        metrics.refused(why, events, bytes);
        tally.rejected(why.label(), events);
        log.warn(why.label(), "cloudwatch input '" + owner.name() + "': skipped " + events + " events " + why.label().replace('_', ' ')
                + " for CloudWatch's window (14 days back, 2 hours ahead); the client is told in rejectedLogEventsInfo");
    }

    /** Answers a refusal of the router in AWS's terms; returns its reason label. */
    private String routerRefused(Context ctx, PutLogEvents put, Throwable err) {
        String reason = err instanceof IngestRejectedException r ? r.reason().label() : HttpIngestMetrics.INTERNAL_ERROR;
        metrics.failed(reason);
        log.warn(reason, "cloudwatch input '" + owner.name() + "': refused " + put.acceptedCount() + " events of log group '"
                + RequestBodies.loggable(put.group) + "' stream '" + RequestBodies.loggable(put.stream) + "': " + reason + ": " + err.getMessage());
        if (err instanceof IngestRejectedException r) {
            switch (r.reason()) {
                case BACKPRESSURE, DISK_FULL -> {
                    ctx.header("Retry-After", r.reason() == IngestRejectedException.Reason.DISK_FULL ? "5" : "1");
                    error(ctx, 503, CloudWatchError.SERVICE_UNAVAILABLE, r.getMessage());
                }
                case RATE_LIMITED -> {
                    ctx.header("Retry-After", "1");
                    error(ctx, 400, CloudWatchError.THROTTLING, "Rate exceeded: " + r.getMessage());
                }
                case INVALID -> error(ctx, 400, CloudWatchError.INVALID_PARAMETER, r.getMessage());
                case STORAGE_ERROR -> error(ctx, 500, CloudWatchError.SERVICE_UNAVAILABLE, r.getMessage());
            }
        } else {
            error(ctx, 500, CloudWatchError.SERVICE_UNAVAILABLE, "ingest failed: " + err);
        }
        return reason;
    }

    private void describeLogStreams(Context ctx, JsonNode req) throws CloudWatchError {
        String group = req.hasNonNull("logGroupIdentifier") ? req.get("logGroupIdentifier").asText() : groupName(req);
        String prefix = req.path("logStreamNamePrefix").asText("");
        if (!prefix.isEmpty() && "LastEventTime".equals(req.path("orderBy").asText())) {
            throw CloudWatchError.invalid("Cannot order by LastEventTime with a logStreamNamePrefix.");
        }
        List<Map.Entry<String, Long>> page = logGroups.streams(group, prefix, nextToken(req), limit(req));
        ObjectNode reply = JSON.createObjectNode();
        ArrayNode streams = reply.putArray("logStreams");
        int limit = limit(req);
        for (int i = 0; i < Math.min(limit, page.size()); i++) {
            Map.Entry<String, Long> s = page.get(i);
            streams.addObject().put("logStreamName", s.getKey()).put("creationTime", s.getValue())
                    .put("arn", arn(group) + ":log-stream:" + s.getKey()).put("storedBytes", 0);
        }
        if (page.size() > limit) {
            reply.put("nextToken", page.get(limit - 1).getKey());
        }
        answer(ctx, reply);
    }

    private void describeLogGroups(Context ctx, JsonNode req) throws CloudWatchError {
        int limit = limit(req);
        List<Map.Entry<String, Long>> page = logGroups.groups(req.path("logGroupNamePrefix").asText(""), nextToken(req), limit);
        ObjectNode reply = JSON.createObjectNode();
        ArrayNode groups = reply.putArray("logGroups");
        for (int i = 0; i < Math.min(limit, page.size()); i++) {
            Map.Entry<String, Long> g = page.get(i);
            groups.addObject().put("logGroupName", g.getKey()).put("creationTime", g.getValue())
                    .put("arn", arn(g.getKey()) + ":*").put("storedBytes", 0);
        }
        if (page.size() > limit) {
            reply.put("nextToken", page.get(limit - 1).getKey());
        }
        answer(ctx, reply);
    }

    /**
     * The tag of a log group's events: its name without leading characters a tag cannot start with,
     * each {@code /} and {@code #} a {@code .} (so {@code /ecs/shop/access} is {@code ecs.shop.access},
     * routed like any tag whose last part names a lane), at most 256 characters; {@code cloudwatch}
     * if nothing is left. The group's own name stays in the record ({@code log_group}).
     */
    static String tagOf(String group) {
        int start = 0;
        while (start < group.length() && !Character.isLetterOrDigit(group.charAt(start))) {
            start++;
        }
        String tag = group.substring(start, Math.min(group.length(), start + 256)).replace('/', '.').replace('#', '.');
        return tag.isEmpty() ? "cloudwatch" : tag;
    }

    private static String arn(String group) {
        return "arn:aws:logs:loglane:000000000000:log-group:" + group;
    }

    private static int limit(JsonNode req) throws CloudWatchError {
        int limit = req.path("limit").asInt(MAX_DESCRIBE_LIMIT);
        if (limit < 1 || limit > MAX_DESCRIBE_LIMIT) {
            throw CloudWatchError.invalid("1 validation error detected: Value '" + limit + "' at 'limit' failed to satisfy"
                    + " constraint: Member must have value between 1 and " + MAX_DESCRIBE_LIMIT);
        }
        return limit;
    }

    /** The token of the page after the first one: the last name of the page before (opaque to the client). */
    private static String nextToken(JsonNode req) {
        return req.hasNonNull("nextToken") ? req.get("nextToken").asText() : null;
    }

    private static String groupName(JsonNode req) throws CloudWatchError {
        return name(req, "logGroupName", GROUP_NAME, "[\\.\\-_/#A-Za-z0-9]+");
    }

    private static String streamName(JsonNode req) throws CloudWatchError {
        return name(req, "logStreamName", STREAM_NAME, "[^:*]*");
    }

    private static String name(JsonNode req, String field, Pattern rule, String shown) throws CloudWatchError {
        JsonNode v = req.get(field);
        if (v == null || !v.isTextual() || !rule.matcher(v.asText()).matches()) {
            throw CloudWatchError.invalid("1 validation error detected: Value '" + (v == null ? "null" : RequestBodies.loggable(v.asText()))
                    + "' at '" + field + "' failed to satisfy constraint: Member must satisfy regular expression pattern: " + shown
                    + " and have length between 1 and 512");
        }
        return v.asText();
    }

    private static JsonNode parse(byte[] body) throws CloudWatchError {
        try {
            JsonNode n = JSON.readTree(body);
            if (n == null || !n.isObject()) {
                throw new IOException("expected a JSON object");
            }
            return n;
        } catch (IOException e) {
            throw new CloudWatchError(CloudWatchRefusal.MALFORMED_JSON, CloudWatchError.SERIALIZATION,
                    "the body is not a JSON object: " + e.getMessage());
        }
    }

    private void refuse(Context ctx, String target, CloudWatchError e, long bytes) {
        metrics.refused(e.refusal(), 0, bytes);
        if (e.refusal() != CloudWatchRefusal.RESOURCE_ALREADY_EXISTS) { // clients create what may exist, by design
            log.warn(e.refusal().label(), "cloudwatch input '" + owner.name() + "': refused " + RequestBodies.loggable(target)
                    + " from " + ctx.ip() + " with " + e.status() + " " + e.type() + ": " + e.getMessage());
        }
        error(ctx, e.status(), e.type(), e.getMessage());
    }

    private static void error(Context ctx, int status, String type, String message) {
        ObjectNode body = JSON.createObjectNode().put("__type", type).put("message", message);
        ctx.status(status).header("x-amzn-ErrorType", type);
        answer(ctx, body);
    }

    private static void answer(Context ctx, ObjectNode body) {
        try {
            // Fluent Bit's cloudwatch_logs output takes a 200 without a request id for a failure
            ctx.header(REQUEST_ID_HEADER, UUID.randomUUID().toString());
            ctx.contentType(CONTENT_TYPE).result(JSON.writeValueAsBytes(body));
        } catch (IOException e) {
            throw new IllegalStateException("writing a JSON answer failed", e);
        }
    }
}
