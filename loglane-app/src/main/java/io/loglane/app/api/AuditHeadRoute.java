package io.loglane.app.api;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.loglane.core.audit.ChainHead;
import io.loglane.core.config.LaneNames;
import io.loglane.core.config.LaneSpec;
import io.loglane.inputs.http.ApiError;
import io.loglane.stores.archive.ArchiveStorage;
import io.loglane.stores.archive.AuditHeads;
import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code GET /api/v1/audit/head?lane=audit} (lane defaults to {@code audit}): the lane's archived
 * audit chain head, {@code {"lane", "offset", "hash", "ts"}} ({@code ts}: when loglane received that
 * record, ISO-8601 UTC), for an outside party to anchor: a later {@code ./loglane verify-audit
 * --anchor <offset>:<hash>} proves the archive still holds that chain. It is the head of the newest
 * committed archive flush ({@link AuditHeads}), so it can be checked from Parquet alone; {@code stream}
 * adds the newest record appended (not yet archived, so not yet checkable).
 *
 * <table>
 *   <caption>Statuses</caption>
 *   <tr><td>200</td><td>the head</td></tr>
 *   <tr><td>400</td><td>{@code lane} is not a lane name</td></tr>
 *   <tr><td>404</td><td>no such lane, a lane without {@code audit_chain}, or nothing archived yet: {@code error} says which</td></tr>
 *   <tr><td>500</td><td>the archived head file cannot be read or is damaged</td></tr>
 * </table>
 *
 * <p>Thread-safety: stateless; the storage is thread-safe.
 */
public final class AuditHeadRoute implements Handler {
    private final Map<String, LaneSpec> lanes;
    private final ArchiveStorage storage;
    private final Function<String, ChainHead> streamHead;

    /**
     * @param lanes      the node's lanes
     * @param storage    the archive's storage
     * @param streamHead a lane's newest appended chain head, or null
     */
    public AuditHeadRoute(Map<String, LaneSpec> lanes, ArchiveStorage storage, Function<String, ChainHead> streamHead) {
        this.lanes = Map.copyOf(lanes);
        this.storage = storage;
        this.streamHead = streamHead;
    }

    @Override
    public void handle(Context ctx) {
        String lane = ctx.queryParam("lane");
        if (lane == null || lane.isEmpty()) {
            lane = "audit";
        }
        if (!LaneNames.PATTERN.matcher(lane).matches()) {
            ctx.status(400).json(ApiError.of("lane must be a lane name ([a-z][a-z0-9_]{0,62})"));
            return;
        }
        LaneSpec spec = lanes.get(lane);
        if (spec == null) {
            ctx.status(404).json(ApiError.of("no lane " + lane));
            return;
        }
        if (!spec.auditChain()) {
            ctx.status(404).json(ApiError.of("lane " + lane + " has no audit chain (lanes." + lane + ".audit_chain: true)"));
            return;
        }
        ChainHead archived;
        try {
            archived = AuditHeads.read(storage, lane);
        } catch (IOException e) {
            ctx.status(500).json(ApiError.of("archived head of lane " + lane + " unreadable: " + e.getMessage()));
            return;
        }
        if (archived == null) {
            ctx.status(404).json(ApiError.of("lane " + lane + " has archived no chained record yet"));
            return;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("lane", lane);
        out.put("offset", archived.offset());
        out.put("hash", archived.hashHex());
        out.put("ts", iso(archived.receivedAtMicros()));
        ChainHead appended = streamHead.apply(lane);
        if (appended != null) {
            out.put("stream", Map.of("offset", appended.offset(), "hash", appended.hashHex()));
        }
        ctx.json(out);
    }

    private static String iso(long micros) {
        return Instant.EPOCH.plus(micros, ChronoUnit.MICROS).toString();
    }
}
